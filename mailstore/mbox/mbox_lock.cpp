// mailstore/mbox/mbox_lock.cpp - dotlock + fcntl locking (see mbox_lock.hpp).
#include "mailstore/mbox/mbox_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>

namespace mailroom::mailstore {
namespace {

using Clock = std::chrono::steady_clock;

// Sleeps a little longer each time, never past the deadline.
bool back_off(Clock::time_point deadline, int& attempt)
{
    if (Clock::now() >= deadline)
        return false;
    const auto pause = std::chrono::milliseconds(std::min(20 * (1 << std::min(attempt++, 4)), 320));
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - Clock::now()));
    return true;
}

// liblockfile's rule: a lock file names its holder's pid; when no such process exists on this
// host, the lock is stale whatever its age.
bool holder_is_gone(const std::filesystem::path& lock_path)
{
    char text[32] = {};
    const int fd = ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return false;
    char* end = nullptr;
    const long pid = std::strtol(text, &end, 10);
    if (pid <= 0 || (end && *end != '\n' && *end != '\0'))
        return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Temporary files "NAME.lock.PID.N" of lockers killed before they could remove them.
void remove_dead_lock_temps(const std::filesystem::path& path)
{
    const std::string prefix = path.filename().string() + ".lock.";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path.parent_path(), ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix))
            continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            std::filesystem::remove(entry.path(), ec);
    }
}

Error lock_timeout(const std::filesystem::path& path, std::string_view kind)
{
    return Error{make_error_code(Errc::in_use),
                 "cannot lock " + path.string() + ": " + std::string(kind) + " held by another process (timeout)"};
}

}  // namespace

MboxLock::MboxLock(MboxLock&& other) noexcept
    : dotlock_path_(std::move(other.dotlock_path_)), locked_fd_(other.locked_fd_)
{
    other.dotlock_path_.clear();
    other.locked_fd_ = -1;
}

MboxLock& MboxLock::operator=(MboxLock&& other) noexcept
{
    if (this != &other) {
        release();
        dotlock_path_ = std::move(other.dotlock_path_);
        locked_fd_ = other.locked_fd_;
        other.dotlock_path_.clear();
        other.locked_fd_ = -1;
    }
    return *this;
}

MboxLock::~MboxLock() { release(); }

void MboxLock::release()
{
    if (locked_fd_ >= 0) {
        struct flock unlock {};
        unlock.l_type = F_UNLCK;
        unlock.l_whence = SEEK_SET;
        ::fcntl(locked_fd_, F_SETLK, &unlock);
        locked_fd_ = -1;
    }
    if (!dotlock_path_.empty()) {
        ::unlink(dotlock_path_.c_str());
        dotlock_path_.clear();
    }
}

Result<MboxLock> MboxLock::dotlock(const std::filesystem::path& path, const MboxLockPolicy& policy)
{
    MboxLock lock;
    if (!policy.dotlock)
        return lock;
    const std::filesystem::path lock_path = path.string() + ".lock";
    const auto deadline = Clock::now() + policy.timeout;
    int attempt = 0;
    // As liblockfile does: the pid goes into a file of our own first, which is then linked to
    // NAME.lock, so a lock file is never seen empty (and its holder can always be checked).
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path temp = path.string() + ".lock." + std::to_string(::getpid()) + "." +
                                       std::to_string(++counter);
    {
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return errno_error(errno, "cannot create lock file", temp.string());
        const std::string pid = std::to_string(::getpid()) + "\n";
        (void)!::write(fd, pid.data(), pid.size());
        ::close(fd);
    }
    struct RemoveTemp {
        const std::filesystem::path& path;
        ~RemoveTemp() { ::unlink(path.c_str()); }
    } remove_temp{temp};
    for (;;) {
        if (::link(temp.c_str(), lock_path.c_str()) == 0) {
            lock.dotlock_path_ = lock_path;
            remove_dead_lock_temps(path);
            return lock;
        }
        if (errno != EEXIST)
            return errno_error(errno, "cannot create lock file", lock_path.string());
        struct stat st {};
        if (::lstat(lock_path.c_str(), &st) == 0 &&
            (std::time(nullptr) - st.st_mtime > static_cast<std::time_t>(policy.stale_after.count()) ||
             holder_is_gone(lock_path))) {
            ::unlink(lock_path.c_str());   // left by a crashed or killed process
            continue;
        }
        if (!back_off(deadline, attempt))
            return lock_timeout(path, "lock file " + lock_path.filename().string());
    }
}

Result<void> MboxLock::lock_file(int fd, const MboxLockPolicy& policy, bool shared)
{
    if (!policy.fcntl_lock)
        return {};
    const auto deadline = Clock::now() + policy.timeout;
    int attempt = 0;
    for (;;) {
        struct flock request {};
        request.l_type = shared ? F_RDLCK : F_WRLCK;
        request.l_whence = SEEK_SET;
        if (::fcntl(fd, F_SETLK, &request) == 0) {
            locked_fd_ = fd;
            return {};
        }
        if (errno != EAGAIN && errno != EACCES && errno != EINTR)
            return errno_error(errno, "cannot lock", dotlock_path_.string());
        if (!back_off(deadline, attempt))
            return Error{make_error_code(Errc::in_use), "cannot lock mailbox: fcntl lock held by another process (timeout)"};
    }
}

}  // namespace mailroom::mailstore
