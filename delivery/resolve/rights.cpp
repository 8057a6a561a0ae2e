// delivery/resolve/rights.cpp - delivery rights and default_privs (see rights.hpp).
#include "delivery/resolve/rights.hpp"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace mailroom::delivery {
namespace {

constexpr std::size_t passwd_buffer_size = 16384;

}  // namespace

std::optional<Rights> rights_of_uid(uid_t uid, std::string& error)
{
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(passwd_buffer_size);
    if (::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) != 0 || !found) {
        error = "no user has uid " + std::to_string(uid);
        return std::nullopt;
    }
    Rights rights;
    rights.credentials = core::Credentials{found->pw_uid, found->pw_gid, {found->pw_gid}, found->pw_name};
    rights.home = found->pw_dir;
    rights.shell = found->pw_shell;
    return rights;
}

std::optional<core::Credentials> effective_credentials(const Rights& rights, const std::string& default_privs,
                                                       std::string& error)
{
    if (!rights.is_root())
        return rights.credentials;
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(passwd_buffer_size);
    if (::getpwnam_r(default_privs.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found) {
        error = "default_privs: no such user \"" + default_privs + "\"";
        return std::nullopt;
    }
    if (found->pw_uid == 0 || found->pw_gid == 0) {
        error = "default_privs: \"" + default_privs + "\" is a privileged user";
        return std::nullopt;
    }
    return core::Credentials{found->pw_uid, found->pw_gid, {found->pw_gid}, found->pw_name};
}

std::optional<core::Credentials> run_as_for(const core::Credentials& who)
{
    if (::geteuid() != 0 && who.uid == ::geteuid())
        return std::nullopt;
    return who;
}

}  // namespace mailroom::delivery
