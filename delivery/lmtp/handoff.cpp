// delivery/lmtp/handoff.cpp - the hand-off line and record (see handoff.hpp).
#include "delivery/lmtp/handoff.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace mailroom::delivery::lmtp {
namespace {

constexpr std::string_view header = "X-Mailroom-Handoff: ";
constexpr std::size_t token_max = 32;

bool upper_hex(std::string_view text)
{
    if (text.empty() || text.size() > token_max)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
            return false;
    return true;
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

void record_handoff(const std::filesystem::path& queue_directory, const Handoff& handoff, std::string_view recipient)
{
    const std::filesystem::path path = queue_directory / "handoff" / handoff.id;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
    std::string line = handoff.nonce + " ";
    for (const char c : recipient)
        line += c == '\n' || c == '\r' ? ' ' : c;
    line += '\n';
    // One write() with O_APPEND: concurrent sessions' lines never interleave.
    const ssize_t written = ::write(fd, line.data(), line.size());
    const int saved = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size()))
        throw std::system_error(written < 0 ? saved : EIO, std::generic_category(), "cannot write " + path.string());
}

}  // namespace mailroom::delivery::lmtp
