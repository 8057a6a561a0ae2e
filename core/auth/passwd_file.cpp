// core/auth/passwd_file.cpp - Dovecot passwd-file users database (see passwd_file.hpp).
#include "core/auth/passwd_file.hpp"

#include "core/log/log.hpp"
#include "core/util/strings.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mailroom::core {
namespace {

std::optional<std::uint32_t> parse_id(std::string_view field)
{
    const auto n = parse_uint(field);
    if (!n || *n > 0xFFFFFFFEu)
        return std::nullopt;
    return static_cast<std::uint32_t>(*n);
}

void parse_extra_fields(std::string_view text, User& user)
{
    for (const auto& item : split_list(text)) {
        const auto equals = item.find('=');
        std::string key = item.substr(0, equals);
        std::string value = equals == std::string::npos ? std::string() : item.substr(equals + 1);
        if (key.starts_with("userdb_"))
            key.erase(0, 7);
        user.extra[key] = value;
    }
}

// One line: user:password:uid:gid:gecos:home:shell:extra. Returns an error text or "".
std::string parse_line(std::string_view line, bool case_sensitive, User& user)
{
    auto fields = split_fields(line, ':');
    // Extra fields may contain ':' (e.g. "mail=maildir:~/Maildir"): rejoin fields past 7.
    std::string extra;
    for (std::size_t i = 7; i < fields.size(); ++i) {
        if (i > 7)
            extra += ':';
        extra += fields[i];
    }
    if (fields[0].empty())
        return "empty user name";
    user.name = normalize_user_name(fields[0], case_sensitive);
    const auto at = user.name.rfind('@');
    user.local_part = user.name.substr(0, at);
    user.domain = at == std::string::npos ? std::string() : user.name.substr(at + 1);
    if (fields.size() > 1)
        user.password = fields[1];
    if (fields.size() > 2 && !fields[2].empty()) {
        user.uid = parse_id(fields[2]);
        if (!user.uid)
            return "bad uid \"" + std::string(fields[2]) + "\"";
    }
    if (fields.size() > 3 && !fields[3].empty()) {
        user.gid = parse_id(fields[3]);
        if (!user.gid)
            return "bad gid \"" + std::string(fields[3]) + "\"";
    }
    if (fields.size() > 4)
        user.gecos = fields[4];
    if (fields.size() > 5)
        user.home = fields[5];
    if (fields.size() > 6)
        user.shell = fields[6];
    parse_extra_fields(extra, user);
    if (const auto* home = user.extra_field("home"))
        user.home = *home;
    if (!user.home.empty() && user.home.front() != '/')
        return "home directory \"" + user.home + "\" is not an absolute path";
    return {};
}

}  // namespace

PasswdFileEntries parse_passwd_file(std::string_view text, const std::string& file_name,
                                    bool local_part_case_sensitive)
{
    PasswdFileEntries out;
    int line_number = 0;
    while (!text.empty()) {
        const std::string_view line = take_line(text);
        ++line_number;
        if (trim(line).empty() || trim(line).front() == '#')
            continue;
        User user;
        const std::string error = parse_line(line, local_part_case_sensitive, user);
        const std::string where = file_name + ":" + std::to_string(line_number) + ": ";
        if (!error.empty()) {
            out.errors.push_back(where + error);
            continue;
        }
        if (out.users.contains(user.name)) {
            out.errors.push_back(where + "duplicate user \"" + user.name + "\" (the first entry is used)");
            continue;
        }
        out.users.emplace(user.name, std::move(user));
    }
    return out;
}

PasswdFile::PasswdFile(std::string path, UserDatabaseOptions options)
    : path_(std::move(path)), options_(options)
{
}

bool PasswdFile::refresh(std::string& error)
{
    struct stat now {};
    if (::stat(path_.c_str(), &now) != 0) {
        error = "cannot read users file " + path_ + ": " + std::strerror(errno);
        return false;
    }
    if (loaded_ok_ && now.st_ino == loaded_.st_ino && now.st_dev == loaded_.st_dev && now.st_size == loaded_.st_size &&
        now.st_mtim.tv_sec == loaded_.st_mtim.tv_sec && now.st_mtim.tv_nsec == loaded_.st_mtim.tv_nsec)
        return true;
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        error = "cannot read users file " + path_ + ": " + std::strerror(errno);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = std::make_shared<PasswdFileEntries>(
        parse_passwd_file(text.str(), path_, options_.local_part_case_sensitive));
    const Logger log("auth");
    for (const auto& message : parsed->errors)
        log.warning(message);
    log.info("loaded " + std::to_string(parsed->users.size()) + " users from " + path_);
    entries_ = std::move(parsed);
    loaded_ = now;
    loaded_ok_ = true;
    return true;
}

UserLookup PasswdFile::lookup(std::string_view name)
{
    std::shared_ptr<const PasswdFileEntries> entries;
    {
        std::lock_guard lock(mutex_);
        std::string error;
        if (!refresh(error) && !entries_)
            return {UserLookup::Status::temporary_failure, std::nullopt, error};
        entries = entries_;   // an unreadable file after a good load: keep serving the old users
    }
    const std::string key = normalize_user_name(name, options_.local_part_case_sensitive);
    const auto it = entries->users.find(key);
    if (it == entries->users.end())
        return {UserLookup::Status::not_found, std::nullopt, {}};
    return {UserLookup::Status::found, it->second, {}};
}

}  // namespace mailroom::core
