// core/priv/fs_identity.hpp - per-thread file-system identity (setfsuid/setfsgid and the
// supplementary groups, through the raw system calls, which act on the calling thread only).
// A blocking-pool thread takes a user's identity for one store operation, so files it creates
// belong to that user and the kernel checks that user's permissions; the I/O threads and
// every other session keep theirs (architecture.md "Privileges"; docs/privileges.md).
#pragma once
#include "core/priv/credentials.hpp"

#include <vector>

namespace mailroom::core {

class ScopedFsIdentity {
public:
    // Switches the calling thread; throws std::system_error when it cannot (not root and not
    // already that user). A no-op when the thread already has exactly these rights.
    explicit ScopedFsIdentity(const Credentials& credentials);
    ~ScopedFsIdentity();   // restores the previous identity
    ScopedFsIdentity(const ScopedFsIdentity&) = delete;
    ScopedFsIdentity& operator=(const ScopedFsIdentity&) = delete;

private:
    bool switched_ = false;
    uid_t previous_uid_ = 0;
    gid_t previous_gid_ = 0;
    std::vector<gid_t> previous_groups_;
};

// The current thread's file-system uid and gid.
uid_t current_fsuid();
gid_t current_fsgid();

}  // namespace mailroom::core
