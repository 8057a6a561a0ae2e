// core/auth/mail_identity.cpp - which uid/gid owns a user's mail (see mail_identity.hpp).
#include "core/auth/mail_identity.hpp"

#include "core/util/strings.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace mailroom::core {
namespace {

std::optional<uid_t> lookup_uid(const std::string& text)
{
    if (auto n = parse_uint(text))
        return static_cast<uid_t>(*n);
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r(text.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::nullopt;
    return found->pw_uid;
}

std::optional<gid_t> lookup_gid(const std::string& text)
{
    if (auto n = parse_uint(text))
        return static_cast<gid_t>(*n);
    group gr{};
    group* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getgrnam_r(text.c_str(), &gr, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::nullopt;
    return found->gr_gid;
}

// Supplementary groups of a system account (initgroups semantics), for access to shared folders.
std::vector<gid_t> groups_of(const std::string& name, gid_t primary)
{
    int count = 32;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(name.c_str(), primary, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        if (::getgrouplist(name.c_str(), primary, groups.data(), &count) < 0)
            return {primary};
    }
    groups.resize(static_cast<std::size_t>(count));
    return groups;
}

}  // namespace

std::optional<Credentials> mail_credentials(const User& user, const Config& config, std::string& error)
{
    Credentials credentials;
    credentials.user_name = user.name;
    if (user.uid) {
        credentials.uid = *user.uid;
    } else if (const std::string& name = config.get("mail_uid"); !name.empty()) {
        const auto uid = lookup_uid(name);
        if (!uid) {
            error = config.origin("mail_uid") + ": mail_uid: no such user \"" + name + "\"";
            return std::nullopt;
        }
        credentials.uid = *uid;
    } else {
        credentials.uid = ::geteuid();
    }
    if (user.gid) {
        credentials.gid = *user.gid;
    } else if (const std::string& name = config.get("mail_gid"); !name.empty()) {
        const auto gid = lookup_gid(name);
        if (!gid) {
            error = config.origin("mail_gid") + ": mail_gid: no such group \"" + name + "\"";
            return std::nullopt;
        }
        credentials.gid = *gid;
    } else {
        credentials.gid = ::getegid();
    }
    credentials.groups = user.system_account ? groups_of(user.name, credentials.gid)
                                             : std::vector<gid_t>{credentials.gid};
    return credentials;
}

}  // namespace mailroom::core
