// core/priv/fs_identity.cpp - per-thread setfsuid/setfsgid/setgroups (see fs_identity.hpp).
#include "core/priv/fs_identity.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace mailroom::core {
namespace {

// setfsuid(-1) changes nothing and returns the current value (setfsuid(2)).
uid_t fsuid_now() { return static_cast<uid_t>(::syscall(SYS_setfsuid, -1)); }
gid_t fsgid_now() { return static_cast<gid_t>(::syscall(SYS_setfsgid, -1)); }

std::vector<gid_t> thread_groups()
{
    const long count = ::syscall(SYS_getgroups, 0, nullptr);
    std::vector<gid_t> groups(count > 0 ? static_cast<std::size_t>(count) : 0);
    if (count > 0)
        ::syscall(SYS_getgroups, count, groups.data());
    return groups;
}

void set_thread_identity(uid_t uid, gid_t gid, const std::vector<gid_t>& groups)
{
    if (::syscall(SYS_setgroups, groups.size(), groups.data()) != 0)
        throw std::system_error(errno, std::generic_category(), "setgroups");
    ::syscall(SYS_setfsgid, gid);
    ::syscall(SYS_setfsuid, uid);
    if (fsuid_now() != uid || fsgid_now() != gid)
        throw std::system_error(EPERM, std::generic_category(),
                                "cannot take file-system identity uid " + std::to_string(uid) + " gid " +
                                    std::to_string(gid));
}

}  // namespace

uid_t current_fsuid() { return fsuid_now(); }
gid_t current_fsgid() { return fsgid_now(); }

ScopedFsIdentity::ScopedFsIdentity(const Credentials& credentials)
    : previous_uid_(fsuid_now()), previous_gid_(fsgid_now())
{
    const std::vector<gid_t> groups =
        credentials.groups.empty() ? std::vector<gid_t>{credentials.gid} : credentials.groups;
    if (previous_uid_ == credentials.uid && previous_gid_ == credentials.gid)
        return;
    if (::geteuid() != 0)
        throw std::system_error(EPERM, std::generic_category(),
                                "mailroom is not running as root and cannot act as uid " +
                                    std::to_string(credentials.uid));
    previous_groups_ = thread_groups();
    // Groups first, while the thread still has the privilege to change them.
    set_thread_identity(credentials.uid, credentials.gid, groups);
    switched_ = true;
}

ScopedFsIdentity::~ScopedFsIdentity()
{
    if (!switched_)
        return;
    ::syscall(SYS_setfsuid, previous_uid_);   // back to root first: setgroups needs CAP_SETGID
    ::syscall(SYS_setfsgid, previous_gid_);
    ::syscall(SYS_setgroups, previous_groups_.size(), previous_groups_.data());
}

}  // namespace mailroom::core
