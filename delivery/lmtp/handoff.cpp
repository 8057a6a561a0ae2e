// delivery/lmtp/handoff.cpp - the hand-off line and record (see handoff.hpp).
#include "delivery/lmtp/handoff.hpp"

#include "core/util/strings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace mailroom::delivery::lmtp {
namespace {

constexpr std::string_view header = "X-Mailroom-Handoff: ";
constexpr std::size_t token_max = 32;
constexpr std::uint64_t record_max = 16 * 1024 * 1024;   // far beyond any real record

bool upper_hex(std::string_view text)
{
    if (text.empty() || text.size() > token_max)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
            return false;
    return true;
}

// The recipient as a done line holds it: one line, the rest of it after the nonce.
std::string done_text(std::string_view recipient)
{
    std::string text;
    for (const char c : recipient)
        text += c == '\n' || c == '\r' ? ' ' : c;
    return text;
}

// One field of an intent or cancel line: no space, no control byte, no '%' left unescaped.
std::string escape(std::string_view text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= ' ' || byte == 0x7f || c == '%') {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 15];
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::string> unescape(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        unsigned value = 0;
        for (const char c : text.substr(i + 1, 2)) {
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= static_cast<unsigned>(c - '0');
            else if (c >= 'A' && c <= 'F')
                value |= static_cast<unsigned>(c - 'A' + 10);
            else
                return std::nullopt;
        }
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

// "tmp/NAME" and "new/NAME" or "cur/NAME": a Maildir subdirectory and one plain file name in
// it, so that a record can never point a retry outside the target Maildir.
bool maildir_entry(std::string_view name, bool tmp)
{
    const std::string_view dir = name.substr(0, 4);
    if (tmp ? dir != "tmp/" : dir != "new/" && dir != "cur/")
        return false;
    const std::string_view file = name.substr(4);
    return !file.empty() && file != "." && file != ".." && file.find('/') == std::string_view::npos;
}

std::string intent_fields(std::string_view recipient, std::size_t ordinal, std::string_view target)
{
    return escape(recipient) + " " + std::to_string(ordinal) + " " + escape(target);
}

}  // namespace

std::optional<Handoff> take_handoff_line(std::string_view& message)
{
    if (!message.starts_with(header))
        return std::nullopt;
    const std::size_t end = message.find('\n');
    if (end == std::string_view::npos)
        return std::nullopt;
    const std::string_view value = message.substr(header.size(), end - header.size());
    const std::size_t space = value.find(' ');
    if (space == std::string_view::npos || !upper_hex(value.substr(0, space)) || !upper_hex(value.substr(space + 1)))
        return std::nullopt;
    Handoff handoff{std::string(value.substr(0, space)), std::string(value.substr(space + 1))};
    message.remove_prefix(end + 1);
    return handoff;
}

HandoffRecord::HandoffRecord(const std::filesystem::path& queue_directory, const Handoff& handoff)
    : path_(queue_directory / "handoff" / handoff.id), nonce_(handoff.nonce)
{
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "cannot open " + path_.string());
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || static_cast<std::uint64_t>(st.st_size) > record_max) {
        const int err = errno;
        ::close(fd_);
        throw std::system_error(err ? err : EFBIG, std::generic_category(), "cannot read " + path_.string());
    }
    if (st.st_size == 0)
        return;   // the first attempt: nothing to read
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    const ssize_t got = ::pread(fd_, text.data(), text.size(), 0);
    text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    // Only whole lines count: a crash inside write() may leave the last one cut short.
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        read_line(std::string_view(text).substr(start, end - start));
}

HandoffRecord::~HandoffRecord() { ::close(fd_); }

void HandoffRecord::read_line(std::string_view line)
{
    if (!line.starts_with(nonce_) || line.size() <= nonce_.size())
        return;   // another hand-off of the same queue id: not ours
    const std::string_view rest = line.substr(nonce_.size() + 1);
    if (line[nonce_.size()] == ' ') {
        done_.insert(std::string(rest));
        return;
    }
    if (line[nonce_.size()] != ':')
        return;
    const auto fields = core::split_fields(rest, ' ');
    if (fields.size() == 2 && fields[0] == "dest") {
        if (auto key = unescape(fields[1]))
            destinations_.insert(std::move(*key));
        return;
    }
    if (fields.size() < 4)
        return;
    const auto recipient = unescape(fields[1]);
    const auto ordinal = core::parse_uint(fields[2]);
    const auto target = unescape(fields[3]);
    if (!recipient || !ordinal || !target)
        return;
    const Key key{*recipient, static_cast<std::size_t>(*ordinal), *target};
    if (fields[0] == "cancel" && fields.size() == 4) {
        intents_[key] = std::nullopt;
        return;
    }
    if (fields[0] != "intent" || fields.size() < 7)
        return;
    StoreIntent intent;
    intent.ordinal = static_cast<std::size_t>(*ordinal);
    intent.target = *target;
    if (fields[4] == "maildir" && fields.size() == 7) {
        const auto tmp = unescape(fields[5]);
        const auto target_name = unescape(fields[6]);
        if (!tmp || !target_name || !maildir_entry(*tmp, true) || !maildir_entry(*target_name, false))
            return;
        intent.kind = StoreIntent::Kind::maildir;
        intent.tmp_name = *tmp;
        intent.new_name = *target_name;
    } else if (fields[4] == "mbox" && fields.size() == 8) {
        const auto offset = core::parse_uint(fields[5]);
        const auto length = core::parse_uint(fields[6]);
        if (!offset || !length || fields[7].size() != 64)
            return;
        intent.kind = StoreIntent::Kind::mbox;
        intent.offset = *offset;
        intent.length = *length;
        intent.digest = std::string(fields[7]);
    } else {
        return;
    }
    intents_[key] = std::move(intent);
}

bool HandoffRecord::done(std::string_view recipient) const { return done_.contains(done_text(recipient)); }

std::optional<StoreIntent> HandoffRecord::intent(std::string_view recipient, std::size_t ordinal,
                                                 std::string_view target) const
{
    const auto found = intents_.find(Key{std::string(recipient), ordinal, std::string(target)});
    return found == intents_.end() ? std::nullopt : found->second;
}

void HandoffRecord::record_done(std::string_view recipient)
{
    append(nonce_ + " " + done_text(recipient) + "\n");
    done_.insert(done_text(recipient));
}

void HandoffRecord::record_intent(std::string_view recipient, const StoreIntent& intent)
{
    std::string line = nonce_ + ":intent " + intent_fields(recipient, intent.ordinal, intent.target);
    if (intent.kind == StoreIntent::Kind::maildir)
        line += " maildir " + escape(intent.tmp_name) + " " + escape(intent.new_name);
    else
        line += " mbox " + std::to_string(intent.offset) + " " + std::to_string(intent.length) + " " + intent.digest;
    append(line + "\n");
    intents_[Key{std::string(recipient), intent.ordinal, intent.target}] = intent;
}

void HandoffRecord::record_cancel(std::string_view recipient, std::size_t ordinal, std::string_view target)
{
    append(nonce_ + ":cancel " + intent_fields(recipient, ordinal, target) + "\n");
    intents_[Key{std::string(recipient), ordinal, std::string(target)}] = std::nullopt;
}

void HandoffRecord::record_destination(std::string_view key)
{
    append(nonce_ + ":dest " + escape(key) + "\n");
    destinations_.insert(std::string(key));
}

void HandoffRecord::append(const std::string& line)
{
    // One write() with O_APPEND: concurrent sessions' lines never interleave.
    const ssize_t written = ::write(fd_, line.data(), line.size());
    if (written != static_cast<ssize_t>(line.size()))
        throw std::system_error(written < 0 ? errno : EIO, std::generic_category(), "cannot write " + path_.string());
}

}  // namespace mailroom::delivery::lmtp
