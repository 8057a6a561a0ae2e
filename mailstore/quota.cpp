// mailstore/quota.cpp - Maildir++ "maildirsize" quota (Courier's maildirquota(7), as Dovecot's
// maildir quota backend keeps it) and mbox size accounting (see quota.hpp).
#include "mailstore/quota.hpp"

#include "core/util/strings.hpp"
#include "mailstore/safe_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <sstream>

namespace mailroom::mailstore {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t maildirsize_max_bytes = 5120;      // recalculate past this (maildirquota(7))
constexpr std::time_t maildirsize_max_age = 15 * 60;       // or when older than 15 minutes

// "1G", "100M", "2048k", "500b"; no unit: kilobytes, as Dovecot's quota_rule.
std::optional<std::uint64_t> parse_quota_amount(std::string_view text)
{
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    const auto number = core::parse_uint(text.substr(0, digits));
    if (!number)
        return std::nullopt;
    const std::string unit = core::to_lower(text.substr(digits));
    const std::uint64_t factor = unit.empty() || unit == "k" ? 1024
                                 : unit == "b"               ? 1
                                 : unit == "m"               ? 1024ull * 1024
                                 : unit == "g"               ? 1024ull * 1024 * 1024
                                 : unit == "t"               ? 1024ull * 1024 * 1024 * 1024
                                                             : 0;
    if (factor == 0)
        return std::nullopt;
    return *number * factor;
}

std::string limit_line(const QuotaLimit& limit)
{
    std::string line;
    if (limit.storage_bytes)
        line += std::to_string(limit.storage_bytes) + "S";
    if (limit.messages) {
        if (!line.empty())
            line += ",";
        line += std::to_string(limit.messages) + "C";
    }
    return line + "\n";
}

// Sums the sizes of the messages in a Maildir's new/ and cur/ (sizes from ,S= where present).
void add_maildir_usage(const fs::path& maildir, QuotaUsage& usage)
{
    for (const char* sub : {"new", "cur"}) {
        DIR* dir = ::opendir((maildir / sub).c_str());
        if (!dir)
            continue;
        while (const dirent* entry = ::readdir(dir)) {
            if (entry->d_name[0] == '.')
                continue;
            const std::string_view name = entry->d_name;
            std::uint64_t size = 0;
            if (const auto at = name.find(",S="); at != std::string_view::npos) {
                std::size_t end = at + 3;
                while (end < name.size() && name[end] >= '0' && name[end] <= '9')
                    ++end;
                size = core::parse_uint(name.substr(at + 3, end - at - 3)).value_or(0);
            } else {
                struct stat st {};
                if (::stat((maildir / sub / entry->d_name).c_str(), &st) == 0)
                    size = static_cast<std::uint64_t>(st.st_size);
            }
            usage.bytes += size;
            ++usage.messages;
        }
        ::closedir(dir);
    }
}

QuotaUsage scan_maildir_plus_plus(const fs::path& root)
{
    QuotaUsage usage;
    add_maildir_usage(root, usage);
    DIR* dir = ::opendir(root.c_str());
    if (!dir)
        return usage;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        // Folders are ".Name"; Trash counts too (maildirquota(7) leaves that to the admin).
        if (name.size() > 1 && name[0] == '.' && name != "..")
            add_maildir_usage(root / entry->d_name, usage);
    }
    ::closedir(dir);
    return usage;
}

void add_file_sizes(const fs::path& path, QuotaUsage& usage)
{
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        usage.bytes += fs::file_size(path, ec);
        return;
    }
    if (!fs::is_directory(path, ec))
        return;
    for (fs::recursive_directory_iterator it(path, ec), end; it != end && !ec; it.increment(ec))
        if (it->is_regular_file(ec) && it->path().filename().string().front() != '.')
            usage.bytes += it->file_size(ec);
}

// Reads maildirsize; nullopt when it must be recalculated (missing, stale, large, or written
// for another limit).
std::optional<QuotaUsage> read_maildirsize(const fs::path& file, const QuotaLimit& limit)
{
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) >= maildirsize_max_bytes ||
        std::time(nullptr) - st.st_mtime > maildirsize_max_age)
        return std::nullopt;
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line) || line + "\n" != limit_line(limit))
        return std::nullopt;
    std::int64_t bytes = 0;
    std::int64_t count = 0;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::int64_t b = 0;
        std::int64_t c = 0;
        if (!(fields >> b >> c))
            return std::nullopt;
        bytes += b;
        count += c;
    }
    if (bytes < 0 || count < 0)
        return std::nullopt;
    return QuotaUsage{static_cast<std::uint64_t>(bytes), static_cast<std::uint64_t>(count)};
}

// Rewrites maildirsize from a scan (write-new-then-rename, so readers never see half a file).
QuotaUsage recalculate_maildirsize(const fs::path& root, const QuotaLimit& limit)
{
    const QuotaUsage usage = scan_maildir_plus_plus(root);
    const fs::path file = root / "maildirsize";
    const fs::path temp = root / ("maildirsize." + std::to_string(::getpid()) + ".tmp");
    const std::string text =
        limit_line(limit) + std::to_string(usage.bytes) + " " + std::to_string(usage.messages) + "\n";
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd && write_all(fd.get(), text, temp.string()))
        ::rename(temp.c_str(), file.c_str());
    else
        ::unlink(temp.c_str());   // quota bookkeeping is advisory: the scan result still counts
    return usage;
}

}  // namespace

QuotaLimit user_quota(const core::User& user, const core::Config& config, std::string& error)
{
    QuotaLimit limit;
    limit.storage_bytes = config.get_number("quota_storage_limit");
    const std::string* rule = user.extra_field("quota_rule");
    if (!rule)
        return limit;
    // "*:storage=1G:messages=1000" (Dovecot); only the default rule "*" applies to a user.
    const auto parts = core::split_fields(*rule, ':');
    if (parts.empty() || parts[0] != "*") {
        error = "users file entry for " + user.name + ": quota_rule=" + *rule + ": expected *:storage=SIZE";
        return limit;
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto equals = parts[i].find('=');
        const std::string_view key = parts[i].substr(0, equals);
        const std::string_view value = equals == std::string_view::npos ? "" : parts[i].substr(equals + 1);
        if (key == "storage" && parse_quota_amount(value))
            limit.storage_bytes = *parse_quota_amount(value);
        else if (key == "messages" && core::parse_uint(value))
            limit.messages = *core::parse_uint(value);
        else if (key != "ignore")
            error = "users file entry for " + user.name + ": quota_rule=" + *rule + ": cannot read \"" +
                    std::string(parts[i]) + "\"";
    }
    return limit;
}

Result<QuotaUsage> quota_usage(const MailLocation& location, const QuotaLimit& limit)
{
    if (location.inbox_format == MailFormat::maildir && location.folder_root == location.inbox) {
        if (auto usage = read_maildirsize(location.inbox / "maildirsize", limit))
            return *usage;
        return recalculate_maildirsize(location.inbox, limit);
    }
    QuotaUsage usage;
    if (location.inbox_format == MailFormat::maildir)
        add_maildir_usage(location.inbox, usage);
    else
        add_file_sizes(location.inbox, usage);
    if (location.folder_format == MailFormat::maildir && location.folder_root != location.inbox)
        usage.bytes += scan_maildir_plus_plus(location.folder_root).bytes;
    else if (location.folder_root != location.inbox)
        add_file_sizes(location.folder_root, usage);
    return usage;
}

Result<void> check_quota(const MailLocation& location, const QuotaLimit& limit, std::uint64_t incoming_bytes)
{
    if (limit.unlimited())
        return {};
    auto usage = quota_usage(location, limit);
    if (!usage)
        return usage.error();
    if (limit.storage_bytes && usage->bytes + incoming_bytes > limit.storage_bytes)
        return Error{make_error_code(Errc::over_quota),
                     "mailbox is full: " + std::to_string(usage->bytes) + " of " + std::to_string(limit.storage_bytes) +
                         " bytes used, the message has " + std::to_string(incoming_bytes)};
    if (limit.messages && usage->messages + 1 > limit.messages)
        return Error{make_error_code(Errc::over_quota),
                     "mailbox is full: " + std::to_string(usage->messages) + " of " + std::to_string(limit.messages) +
                         " messages"};
    return {};
}

Result<void> record_quota_change(const MailLocation& location, const QuotaLimit& limit, std::int64_t bytes,
                                 std::int64_t count)
{
    if (limit.unlimited() || location.inbox_format != MailFormat::maildir || location.folder_root != location.inbox)
        return {};
    const fs::path file = location.inbox / "maildirsize";
    // O_APPEND writes of one short line are atomic among concurrent deliveries.
    FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return {};   // no file yet: the next check scans and creates it
    return write_all(fd.get(), std::to_string(bytes) + " " + std::to_string(count) + "\n", file.string());
}

}  // namespace mailroom::mailstore
