// mailstore/mbox/mbox_parser.cpp - streaming mbox parsing (see mbox_parser.hpp).
#include "mailstore/mbox/mbox_parser.hpp"

#include "core/util/strings.hpp"
#include "mailstore/mbox/mbox_format.hpp"
#include "mailstore/store.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace mailroom::mailstore::mbox {
namespace {

constexpr std::size_t read_chunk = 1 << 20;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes)
{
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

bool body_line_is_quoted_from(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && line[i] == '>')
        ++i;
    return i > 0 && line.substr(i).starts_with("From ");
}

std::string_view header_name(std::string_view line)
{
    const auto colon = line.find(':');
    return colon == std::string_view::npos ? std::string_view() : core::trim(line.substr(0, colon));
}

std::string_view header_value(std::string_view line)
{
    const auto colon = line.find(':');
    return colon == std::string_view::npos ? std::string_view() : core::trim(line.substr(colon + 1));
}

// One message being read line by line.
class MessageBuilder {
public:
    MessageBuilder(std::uint64_t from_offset, std::string_view from_line)
    {
        message_.from_offset = from_offset;
        message_.header_offset = from_offset + from_line.size() + 1;
        message_.from_line = std::string(core::trim(from_line));
        message_.internal_date = from_line_date(from_line).value_or(0);
        hash_ = fnv1a(0xcbf29ce484222325ull, message_.from_line);
    }

    // `line` includes its '\n' (except possibly the last line of the file).
    void add_line(std::string_view line, std::uint64_t offset)
    {
        const bool empty = line == "\n" || line == "\r\n";
        if (in_header_) {
            if (empty) {
                finish_header_field();
                in_header_ = false;
                message_.body_offset = offset + line.size();
                count(line);
                last_was_empty_ = false;
                return;
            }
            if ((line.front() == ' ' || line.front() == '\t') && !field_.empty()) {
                field_ += line;
                return;
            }
            finish_header_field();
            field_ = line;
            return;
        }
        count(line, body_line_is_quoted_from(line));
        last_was_empty_ = empty;
        last_line_size_ = line.size();
    }

    bool last_was_empty() const { return last_was_empty_; }

    MboxMessage finish(std::uint64_t end)
    {
        if (in_header_) {
            finish_header_field();
            message_.body_offset = end;
        }
        // The empty line before the next "From " (or at the end of the file) separates
        // messages; it is not part of the message.
        if (!in_header_ && last_was_empty_) {
            message_.size -= last_line_size_;
            message_.virtual_size -= 2;
        }
        message_.end = end;
        hash_ = fnv1a(hash_, std::to_string(message_.size));
        static constexpr char hex[] = "0123456789abcdef";
        message_.fingerprint.resize(16);
        for (int i = 0; i < 16; ++i)
            message_.fingerprint[static_cast<std::size_t>(i)] = hex[(hash_ >> (60 - 4 * i)) & 15];
        return std::move(message_);
    }

private:
    void count(std::string_view line, bool unquote = false)
    {
        const std::uint64_t size = line.size() - (unquote ? 1 : 0);
        message_.size += size;
        message_.virtual_size += size;
        if (!line.empty() && line.back() == '\n' && (line.size() < 2 || line[line.size() - 2] != '\r'))
            ++message_.virtual_size;
    }

    void finish_header_field()
    {
        if (field_.empty())
            return;
        const std::string_view name = header_name(field_);
        if (is_internal_header(name)) {
            read_state(name, header_value(field_));
        } else {
            hash_ = fnv1a(hash_, field_);
            count_field(field_);
        }
        field_.clear();
    }

    void count_field(std::string_view field)
    {
        while (!field.empty()) {
            const auto eol = field.find('\n');
            const auto line = field.substr(0, eol == std::string_view::npos ? field.size() : eol + 1);
            count(line);
            field.remove_prefix(line.size());
        }
    }

    void read_state(std::string_view name, std::string_view value)
    {
        if (core::iequals(name, "Status")) {
            if (value.find('R') != std::string_view::npos)
                message_.flags |= flag_seen;
        } else if (core::iequals(name, "X-Status")) {
            static constexpr std::array<std::pair<char, std::uint8_t>, 4> letters{
                {{'A', flag_answered}, {'F', flag_flagged}, {'T', flag_draft}, {'D', flag_deleted}}};
            for (const auto& [letter, flag] : letters)
                if (value.find(letter) != std::string_view::npos)
                    message_.flags |= flag;
        } else if (core::iequals(name, "X-Keywords")) {
            message_.keywords = core::split_list(value);
        } else if (core::iequals(name, "X-UID")) {
            if (const auto uid = core::parse_uint(value); uid && *uid > 0 && *uid < 0xFFFFFFFFu)
                message_.x_uid = static_cast<std::uint32_t>(*uid);
        } else if (core::iequals(name, "X-IMAPbase")) {
            const auto fields = core::split_list(value);
            if (fields.size() >= 2) {
                const auto validity = core::parse_uint(fields[0]);
                const auto next = core::parse_uint(fields[1]);
                if (validity && next && *validity > 0 && *validity < 0xFFFFFFFFu && *next < 0xFFFFFFFFu)
                    message_.imap_base = std::pair{static_cast<std::uint32_t>(*validity), static_cast<std::uint32_t>(*next)};
            }
        }
    }

    MboxMessage message_;
    std::uint64_t hash_ = 0;
    std::string field_;
    bool in_header_ = true;
    bool last_was_empty_ = false;
    std::uint64_t last_line_size_ = 0;
};

}  // namespace

bool is_internal_header(std::string_view name)
{
    for (std::string_view internal : {"Status", "X-Status", "X-Keywords", "X-UID", "X-IMAPbase", "X-IMAP", "Content-Length"})
        if (core::iequals(name, internal))
            return true;
    return false;
}

std::optional<std::int64_t> from_line_date(std::string_view from_line)
{
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static constexpr std::string_view days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    const auto tokens = core::split_list(from_line);
    for (std::size_t i = 2; i + 3 < tokens.size(); ++i) {
        if (std::find(std::begin(days), std::end(days), tokens[i]) == std::end(days))
            continue;
        const auto month = std::find(std::begin(months), std::end(months), tokens[i + 1]);
        if (month == std::end(months))
            continue;
        std::tm tm{};
        tm.tm_mon = static_cast<int>(month - std::begin(months));
        tm.tm_mday = static_cast<int>(core::parse_uint(tokens[i + 2]).value_or(1));
        if (std::sscanf(tokens[i + 3].c_str(), "%d:%d:%d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 2)
            continue;
        // The year follows the time, possibly after a time zone name ("2026" or "PST 2026").
        for (std::size_t k = i + 4; k < tokens.size() && k < i + 6; ++k)
            if (const auto year = core::parse_uint(tokens[k]); year && *year >= 1970 && *year < 3000) {
                tm.tm_year = static_cast<int>(*year) - 1900;
                tm.tm_isdst = -1;
                return static_cast<std::int64_t>(std::mktime(&tm));
            }
    }
    return std::nullopt;
}

Result<void> parse_mbox(int fd, std::uint64_t start, std::uint64_t file_size,
                        const std::function<void(MboxMessage&&)>& each)
{
    std::optional<MessageBuilder> current;
    std::string pending;   // a line continued from the previous chunk
    std::uint64_t offset = start;   // file offset of pending's first byte
    bool previous_empty = true;     // the start of the file counts as following an empty line
    std::vector<char> buffer(read_chunk);
    for (std::uint64_t at = start; at < file_size;) {
        const ssize_t n = ::pread(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), file_size - at),
                                  static_cast<off_t>(at));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error(errno, "cannot read mbox", "");
        if (n == 0)
            break;
        at += static_cast<std::uint64_t>(n);
        pending.append(buffer.data(), static_cast<std::size_t>(n));
        std::string_view rest = pending;
        while (true) {
            const auto eol = rest.find('\n');
            if (eol == std::string_view::npos && at < file_size)
                break;   // wait for the rest of the line
            if (rest.empty())
                break;
            const std::string_view line = rest.substr(0, eol == std::string_view::npos ? rest.size() : eol + 1);
            const std::string_view text = line.substr(0, line.size() - (line.back() == '\n' ? 1 : 0));
            if (previous_empty && is_mbox_from_line(text)) {
                if (current)
                    each(current->finish(offset));
                current.emplace(offset, text);
                previous_empty = false;
            } else if (current) {
                current->add_line(line, offset);
                previous_empty = line == "\n" || line == "\r\n";
            } else {
                previous_empty = line == "\n" || line == "\r\n";   // junk before the first From_ line
            }
            offset += line.size();
            rest.remove_prefix(line.size());
        }
        pending.erase(0, pending.size() - rest.size());
    }
    if (current)
        each(current->finish(offset));
    return {};
}

}  // namespace mailroom::mailstore::mbox
