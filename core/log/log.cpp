// core/log/log.cpp - syslog-style logging to /dev/log, stderr or a file (see log.hpp).
#include "core/log/log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>

namespace mailroom::core {
namespace {

struct LogState {
    std::mutex mutex;
    LogSettings settings;
    int file_fd = -1;
    int syslog_fd = -1;
};

LogState& state()
{
    static LogState s;
    return s;
}

void close_fds(LogState& s)
{
    if (s.file_fd >= 0)
        ::close(s.file_fd);
    if (s.syslog_fd >= 0)
        ::close(s.syslog_fd);
    s.file_fd = s.syslog_fd = -1;
}

void open_destination(LogState& s)
{
    if (s.settings.destination == LogSettings::Destination::file) {
        s.file_fd = ::open(s.settings.file_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    } else if (s.settings.destination == LogSettings::Destination::syslog) {
        s.syslog_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, "/dev/log");
        if (s.syslog_fd >= 0 && ::connect(s.syslog_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(s.syslog_fd);
            s.syslog_fd = -1;   // no syslog daemon: lines go to stderr instead
        }
    }
}

// Escapes bytes that would break the one-event-one-line rule or confuse a terminal.
void append_sanitized(std::string& out, std::string_view message)
{
    for (unsigned char c : message) {
        if (c >= 0x20 && c != 0x7f) {
            out += static_cast<char>(c);
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

std::string timestamp_and_host()
{
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S ", &local);
    static const std::string host = [] {
        char name[256] = {};
        ::gethostname(name, sizeof name - 1);
        std::string h(name);
        return h.substr(0, h.find('.'));
    }();
    return stamp + host + " ";
}

const char* level_prefix(LogLevel level)
{
    switch (level) {
    case LogLevel::warning:
        return "warning: ";
    case LogLevel::error:
        return "error: ";
    case LogLevel::fatal:
        return "fatal: ";
    case LogLevel::info:
        break;
    }
    return "";
}

int syslog_severity(LogLevel level)
{
    switch (level) {
    case LogLevel::warning:
        return 4;
    case LogLevel::error:
        return 3;
    case LogLevel::fatal:
        return 2;
    case LogLevel::info:
        break;
    }
    return 6;
}

void write_all(int fd, const std::string& line)
{
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

void configure_logging(const LogSettings& settings)
{
    auto& s = state();
    std::lock_guard lock(s.mutex);
    close_fds(s);
    s.settings = settings;
    open_destination(s);
}

void reopen_log_file()
{
    auto& s = state();
    std::lock_guard lock(s.mutex);
    close_fds(s);
    open_destination(s);
}

int syslog_facility_from_name(std::string_view name)
{
    static constexpr std::pair<std::string_view, int> facilities[] = {
        {"kern", 0},      {"user", 1},      {"mail", 2},      {"daemon", 3},    {"auth", 4},
        {"local0", 16},   {"local1", 17},   {"local2", 18},   {"local3", 19},   {"local4", 20},
        {"local5", 21},   {"local6", 22},   {"local7", 23},
    };
    for (const auto& [facility_name, code] : facilities)
        if (name == facility_name)
            return code << 3;
    return -1;
}

void log_write(std::string_view service, LogLevel level, std::string_view message)
{
    auto& s = state();
    std::string tag;
    {
        std::lock_guard lock(s.mutex);
        if (level < s.settings.min_level)
            return;
        tag = s.settings.syslog_name;
    }
    tag += '/';
    tag += service;
    tag += '[' + std::to_string(::getpid()) + "]: ";
    std::string body = level_prefix(level);
    append_sanitized(body, message);

    std::lock_guard lock(s.mutex);
    if (s.syslog_fd >= 0) {
        const std::string datagram = "<" + std::to_string(s.settings.syslog_facility | syslog_severity(level)) +
                                     ">" + timestamp_and_host().substr(0, 16) + tag + body;
        if (::send(s.syslog_fd, datagram.data(), datagram.size(), MSG_NOSIGNAL) >= 0)
            return;
    }
    const std::string line = timestamp_and_host() + tag + body + "\n";
    write_all(s.file_fd >= 0 ? s.file_fd : STDERR_FILENO, line);
}

void Logger::write(LogLevel level, std::string_view message) const
{
    if (prefix_.empty()) {
        log_write(service_, level, message);
        return;
    }
    std::string line;
    line.reserve(prefix_.size() + 2 + message.size());
    line += prefix_;
    line += ": ";
    line += message;
    log_write(service_, level, line);
}

std::string new_log_id()
{
    static std::atomic<std::uint32_t> counter{0};
    const auto micros = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    const std::uint64_t mix = (micros & 0xFFFFFFFFFull) << 12 ^
                              ((static_cast<std::uint64_t>(::getpid()) * 0x9E37u + counter.fetch_add(1)) & 0xFFFu);
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string id(12, '0');
    for (int i = 11; i >= 0; --i) {
        id[static_cast<std::size_t>(i)] = hex[(mix >> (4 * (11 - i))) & 15];
    }
    return id;
}

}  // namespace mailroom::core
