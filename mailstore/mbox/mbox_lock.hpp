// mailstore/mbox/mbox_lock.hpp - mbox locking compatible with Postfix local(8), procmail and
// mutt: first the dotlock PATH.lock (created with O_EXCL; removed when older than
// stale_after, as liblockfile and Postfix's dot_lockfile do), then an fcntl write lock on the
// open file. Both are held until the lock object is destroyed.
#pragma once
#include "mailstore/errors.hpp"
#include "mailstore/folder_delivery.hpp"

#include <filesystem>

namespace mailroom::mailstore {

class MboxLock {
public:
    MboxLock() = default;
    MboxLock(MboxLock&& other) noexcept;
    MboxLock& operator=(MboxLock&& other) noexcept;
    MboxLock(const MboxLock&) = delete;
    MboxLock& operator=(const MboxLock&) = delete;
    ~MboxLock();

    // Takes the dotlock for `path` (before the file is opened, as Postfix does).
    static Result<MboxLock> dotlock(const std::filesystem::path& path, const MboxLockPolicy& policy);
    // Adds the fcntl lock on the open file (read lock when `shared`).
    Result<void> lock_file(int fd, const MboxLockPolicy& policy, bool shared = false);

    void release();

private:
    std::filesystem::path dotlock_path_;
    int locked_fd_ = -1;
};

}  // namespace mailroom::mailstore
