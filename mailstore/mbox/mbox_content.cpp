// mailstore/mbox/mbox_content.cpp - streaming an mbox message (see mbox_content.hpp).
#include "mailstore/mbox/mbox_content.hpp"

#include "core/util/strings.hpp"
#include "mailstore/mbox/mbox_parser.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailroom::mailstore::mbox {
namespace {

constexpr std::size_t window_size = 64 * 1024;

bool quoted_from(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && line[i] == '>')
        ++i;
    return i > 0 && line.substr(i).starts_with("From ");
}

}  // namespace

Result<std::unique_ptr<MboxContent>> MboxContent::open(const std::filesystem::path& file, const MessageRecord& record)
{
    std::unique_ptr<MboxContent> content(new MboxContent());
    content->path_ = file.string();
    content->fd_ = FileDescriptor(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!content->fd_)
        return errno_error(errno, "cannot open mailbox", file.string());
    content->size_ = record.size;
    content->region_end_ = record.location + record.physical_length;
    // The From_ line and the header: read until the empty line.
    std::string head;
    char buffer[8192];
    for (std::uint64_t at = record.location; at < content->region_end_;) {
        const ssize_t n = ::pread(content->fd_.get(), buffer,
                                  std::min<std::uint64_t>(sizeof buffer, content->region_end_ - at), static_cast<off_t>(at));
        if (n <= 0)
            break;
        head.append(buffer, static_cast<std::size_t>(n));
        at += static_cast<std::uint64_t>(n);
        if (head.find("\n\n") != std::string::npos || head.find("\n\r\n") != std::string::npos)
            break;
    }
    if (!head.starts_with("From "))
        return Error{make_error_code(Errc::corrupt),
                     "mailbox " + file.string() + " changed under the index: no message at offset " +
                         std::to_string(record.location)};
    std::size_t pos = head.find('\n') + 1;
    std::string field;
    auto flush_field = [&] {
        const auto colon = field.find(':');
        if (!field.empty() && !is_internal_header(core::trim(std::string_view(field).substr(0, colon))))
            content->header_ += field;
        field.clear();
    };
    while (pos < head.size()) {
        const auto eol = head.find('\n', pos);
        const std::size_t end = eol == std::string::npos ? head.size() : eol + 1;
        const std::string_view line(head.data() + pos, end - pos);
        if (line == "\n" || line == "\r\n") {
            flush_field();
            content->header_ += line;
            pos = end;
            break;
        }
        if ((line.front() == ' ' || line.front() == '\t') && !field.empty())
            field += line;
        else {
            flush_field();
            field = line;
        }
        pos = end;
    }
    flush_field();
    content->body_start_ = record.location + pos;
    content->rewind();
    return content;
}

void MboxContent::rewind()
{
    physical_ = body_start_;
    logical_ = 0;
    line_.clear();
    window_.clear();
    window_start_ = body_start_;
}

// Loads the next body line into line_ (unquoted). Lines may span read windows.
Result<bool> MboxContent::next_line()
{
    logical_ += line_.size();
    line_.clear();
    for (;;) {
        const std::size_t in_window = static_cast<std::size_t>(physical_ - window_start_);
        const auto eol = window_.find('\n', in_window);
        if (eol != std::string::npos || (window_start_ + window_.size() >= region_end_ && in_window < window_.size())) {
            const std::size_t end = eol == std::string::npos ? window_.size() : eol + 1;
            std::string_view line(window_.data() + in_window, end - in_window);
            physical_ += line.size();
            if (quoted_from(line))
                line.remove_prefix(1);
            line_.assign(line);
            return true;
        }
        if (window_start_ + window_.size() >= region_end_)
            return false;
        // Keep the unfinished line, read more after it.
        window_.erase(0, in_window);
        window_start_ = physical_;
        const std::size_t old = window_.size();
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(window_size, region_end_ - window_start_ - old));
        window_.resize(old + want);
        const ssize_t n = ::pread(fd_.get(), window_.data() + old, want, static_cast<off_t>(window_start_ + old));
        if (n < 0) {
            window_.resize(old);
            return errno_error(errno, "cannot read mailbox", path_);
        }
        window_.resize(old + static_cast<std::size_t>(n));
        if (n == 0)
            return false;
    }
}

Result<std::size_t> MboxContent::read(std::uint64_t offset, std::span<char> out)
{
    std::size_t written = 0;
    if (offset >= size_)
        return written;
    out = out.first(static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - offset)));
    if (offset < header_.size()) {
        const std::size_t n = std::min<std::size_t>(out.size(), header_.size() - offset);
        std::memcpy(out.data(), header_.data() + offset, n);
        written = n;
        offset += n;
    }
    if (written == out.size())
        return written;
    std::uint64_t target = offset - header_.size();
    if (target < logical_)
        rewind();
    while (written < out.size()) {
        if (target >= logical_ + line_.size()) {
            auto more = next_line();
            if (!more)
                return more.error();
            if (!*more)
                break;
            continue;
        }
        const std::size_t from = static_cast<std::size_t>(target - logical_);
        const std::size_t n = std::min(out.size() - written, line_.size() - from);
        std::memcpy(out.data() + written, line_.data() + from, n);
        written += n;
        target += n;
    }
    return written;
}

}  // namespace mailroom::mailstore::mbox
