// core/auth/system_users.cpp - system accounts via getpwnam_r/getspnam_r (see system_users.hpp).
#include "core/auth/system_users.hpp"

#include "core/util/strings.hpp"

#include <pwd.h>
#include <shadow.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mailroom::core {

UserLookup SystemUsers::lookup(std::string_view name)
{
    // System accounts have no domain part: "ann@host" is for the resolver to strip.
    if (name.empty() || name.find('@') != std::string_view::npos || name.find('/') != std::string_view::npos)
        return {UserLookup::Status::not_found, std::nullopt, {}};
    const std::string key = options_.local_part_case_sensitive ? std::string(name) : to_lower(name);

    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    int rc = 0;
    while ((rc = ::getpwnam_r(key.c_str(), &pw, buffer.data(), buffer.size(), &found)) == ERANGE &&
           buffer.size() < (1u << 20))
        buffer.resize(buffer.size() * 2);
    if (rc != 0 && rc != ENOENT && rc != ESRCH && rc != EBADF && rc != EPERM)
        return {UserLookup::Status::temporary_failure, std::nullopt,
                "system user lookup for \"" + key + "\" failed: " + std::strerror(rc)};
    if (!found)
        return {UserLookup::Status::not_found, std::nullopt, {}};

    User user;
    user.name = user.local_part = pw.pw_name;
    user.uid = pw.pw_uid;
    user.gid = pw.pw_gid;
    user.gecos = pw.pw_gecos ? pw.pw_gecos : "";
    user.home = pw.pw_dir ? pw.pw_dir : "";
    user.shell = pw.pw_shell ? pw.pw_shell : "";
    user.system_account = true;
    user.password = std::string("{CRYPT}") + (pw.pw_passwd ? pw.pw_passwd : "");

    spwd sp{};
    spwd* shadow = nullptr;
    std::vector<char> shadow_buffer(16384);
    if (::getspnam_r(key.c_str(), &sp, shadow_buffer.data(), shadow_buffer.size(), &shadow) == 0 && shadow)
        user.password = std::string("{CRYPT}") + (shadow->sp_pwdp ? shadow->sp_pwdp : "");
    // "x" without a readable shadow entry is not a hash: such a user cannot log in.
    if (user.password == "{CRYPT}x")
        user.password.clear();
    return {UserLookup::Status::found, std::move(user), {}};
}

}  // namespace mailroom::core
