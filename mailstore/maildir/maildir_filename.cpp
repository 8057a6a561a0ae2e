// mailstore/maildir/maildir_filename.cpp - Maildir file names (see maildir_filename.hpp).
#include "mailstore/maildir/maildir_filename.hpp"

#include "core/util/strings.hpp"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>

namespace mailroom::mailstore::maildir {
namespace {

std::string escaped_host_name()
{
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    std::string host;
    for (const char* p = name; *p; ++p) {
        if (*p == '/')
            host += "\\057";
        else if (*p == ':')
            host += "\\072";
        else
            host += *p;
    }
    return host.empty() ? std::string("localhost") : host;
}

std::optional<std::uint64_t> size_field(std::string_view base, std::string_view key)
{
    const auto at = base.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = base.substr(at + key.size());
    std::size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9')
        ++digits;
    return core::parse_uint(rest.substr(0, digits));
}

}  // namespace

std::string unique_base_name()
{
    static const std::string host = escaped_host_name();
    static std::atomic<std::uint64_t> counter{0};
    timeval now{};
    ::gettimeofday(&now, nullptr);
    return std::to_string(now.tv_sec) + ".M" + std::to_string(now.tv_usec) + "P" + std::to_string(::getpid()) + "Q" +
           std::to_string(counter.fetch_add(1) + 1) + "." + host;
}

MaildirName parse_maildir_name(std::string_view file_name)
{
    MaildirName name;
    const auto info = file_name.find(":2,");
    name.base = file_name.substr(0, info);
    if (info != std::string_view::npos) {
        name.has_info = true;
        name.flags = file_name.substr(info + 3);
    }
    name.size = size_field(name.base, ",S=");
    name.virtual_size = size_field(name.base, ",W=");
    return name;
}

std::string with_sizes(std::string_view base, std::uint64_t size, std::uint64_t virtual_size)
{
    return std::string(base) + ",S=" + std::to_string(size) + ",W=" + std::to_string(virtual_size);
}

std::string with_flags(std::string_view base, std::string_view flag_letters)
{
    std::string letters(flag_letters);
    std::sort(letters.begin(), letters.end());
    letters.erase(std::unique(letters.begin(), letters.end()), letters.end());
    return std::string(base) + ":2," + letters;
}

namespace {

// The leading decimal number of `text` and the rest after it; nullopt without digits.
std::optional<std::pair<std::uint64_t, std::string_view>> leading_number(std::string_view text)
{
    std::uint64_t value = 0;
    std::size_t i = 0;
    for (; i < text.size() && i < 19 && text[i] >= '0' && text[i] <= '9'; ++i)
        value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (i == 0)
        return std::nullopt;
    return std::pair{value, text.substr(i)};
}

// (seconds, microseconds) of "<secs>.M<usecs>..."; microseconds 0 when the second part is
// not "M<digits>" (Dovecot's and Courier's other forms still order by the seconds).
std::optional<std::pair<std::uint64_t, std::uint64_t>> delivery_time(std::string_view base)
{
    const auto seconds = leading_number(base);
    if (!seconds || !seconds->second.starts_with('.'))
        return std::nullopt;
    std::string_view rest = seconds->second.substr(1);
    std::uint64_t micros = 0;
    if (rest.starts_with('M'))
        if (const auto usecs = leading_number(rest.substr(1)))
            micros = usecs->first;
    return std::pair{seconds->first, micros};
}

}  // namespace

bool delivered_before(std::string_view a, std::string_view b)
{
    const auto time_a = delivery_time(a);
    const auto time_b = delivery_time(b);
    if (time_a && time_b && *time_a != *time_b)
        return *time_a < *time_b;
    return a < b;
}

}  // namespace mailroom::mailstore::maildir
