// mailstore/folder_delivery.cpp - deliveries into mailboxes named by a path: mbox files,
// Maildir, MH and procmail directory folders (see folder_delivery.hpp).
#include "mailstore/folder_delivery.hpp"

#include "mailstore/maildir/maildir_filename.hpp"
#include "mailstore/mbox/mbox_append.hpp"
#include "mailstore/mbox/mbox_lock.hpp"
#include "mailstore/safe_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <ctime>

namespace mailroom::mailstore {
namespace {

namespace fs = std::filesystem;

std::uint64_t crlf_size(std::string_view message)
{
    std::uint64_t size = message.size();
    for (std::size_t i = 0; i < message.size(); ++i)
        if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r'))
            ++size;
    return size;
}

Result<void> make_directory(const fs::path& dir)
{
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return errno_error(errno, "cannot create directory", dir.string());
    return {};
}

// Writes a whole new file with O_EXCL|O_NOFOLLOW; removes it again on failure.
Result<void> write_new_file(const fs::path& path, std::string_view message, bool fsync, bool& exists)
{
    exists = false;
    FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
        exists = errno == EEXIST;
        return errno_error(errno, "cannot create", path.string());
    }
    Result<void> result = write_all(fd.get(), message, path.string());
    if (result && fsync)
        result = fsync_file(fd.get(), path.string());
    if (!result)
        ::unlink(path.c_str());
    return result;
}

// Moves tmp/X to its final name without ever replacing an existing file.
int rename_no_replace(const fs::path& from, const fs::path& to)
{
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    if (::link(from.c_str(), to.c_str()) != 0)   // file systems without RENAME_NOREPLACE
        return errno;
    ::unlink(from.c_str());
    return 0;
}

}  // namespace

Result<FolderDelivery> deliver_to_mbox(const fs::path& file, std::string_view message,
                                       const MboxDeliveryOptions& options)
{
    auto lock = MboxLock::dotlock(file, options.lock);
    if (!lock)
        return lock.error();
    auto opened = safe_open_append(file, options.create, 0600, true);
    if (!opened)
        return opened.error();
    if (auto locked = lock->lock_file(opened->fd.get(), options.lock); !locked)
        return locked.error();
    if (!opened->created)
        if (auto same = check_still_same_file(file, opened->fd.get()); !same)
            return same.error();
    auto appended = append_to_locked_mbox(opened->fd.get(), file.string(), message, options.envelope_sender,
                                          options.arrival_time, options.fsync, options.observer);
    if (!appended)
        return appended.error();
    if (opened->created && options.fsync)
        if (auto synced = fsync_directory(file.parent_path().empty() ? fs::path(".") : file.parent_path()); !synced)
            return synced.error();
    return FolderDelivery{file, appended->bytes_written};
}

Result<FolderDelivery> deliver_to_maildir(const fs::path& dir, std::string_view message,
                                          const MaildirDeliveryOptions& options)
{
    if (options.create)
        for (const fs::path& sub : {dir, dir / "tmp", dir / "new", dir / "cur"})
            if (auto made = make_directory(sub); !made)
                return made.error();
    const std::uint64_t vsize = crlf_size(message);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const std::string base = maildir::unique_base_name();
        const fs::path tmp = dir / "tmp" / base;
        bool exists = false;
        if (auto wrote = write_new_file(tmp, message, options.fsync, exists); !wrote) {
            if (exists)
                continue;
            return wrote.error();
        }
        const std::string sized = maildir::with_sizes(base, message.size(), vsize);
        const fs::path target = options.info.empty() ? dir / "new" / sized : dir / "cur" / (sized + options.info);
        if (options.observer)
            options.observer->before_maildir_commit(tmp, target);
        if (const int err = rename_no_replace(tmp, target); err != 0) {
            if (options.observer)
                options.observer->abandoned();
            ::unlink(tmp.c_str());
            if (err == EEXIST)
                continue;
            return errno_error(err, "cannot move message into", target.parent_path().string());
        }
        if (options.fsync)
            if (auto synced = fsync_directory(target.parent_path()); !synced) {
                // Not known to be durable: take it back and let the sender retry (a
                // duplicate is better than a loss).
                if (options.observer)
                    options.observer->abandoned();
                ::unlink(target.c_str());
                return synced.error();
            }
        return FolderDelivery{target, message.size()};
    }
    return Error{make_error_code(Errc::temporary), "cannot find a unique file name in " + dir.string() + "/tmp"};
}

Result<bool> complete_maildir_delivery(const fs::path& tmp, const fs::path& target)
{
    struct stat st {};
    if (::lstat(tmp.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return Error{make_error_code(Errc::unsafe_path), tmp.string() + " is not a regular file"};
        if (const int err = rename_no_replace(tmp, target); err == EEXIST) {
            // Linked before the crash, with tmp's name left behind (rename_no_replace's
            // fallback); or, only by a name collision, another message.
            struct stat existing {};
            const bool same = ::lstat(target.c_str(), &existing) == 0 && existing.st_ino == st.st_ino &&
                              existing.st_dev == st.st_dev;
            ::unlink(tmp.c_str());
            if (!same)
                return false;
        } else if (err != 0) {
            return errno_error(err, "cannot move message into", target.parent_path().string());
        }
    } else if (errno != ENOENT) {
        return errno_error(errno, "cannot look at", tmp.string());
    }
    // After a crash the rename may be in the page cache only: make it durable before the
    // copy is reported delivered.
    if (auto synced = fsync_directory(target.parent_path()); !synced)
        return synced.error();
    return true;
}

Result<FolderDelivery> deliver_to_mh(const fs::path& dir, std::string_view message, bool fsync)
{
    if (auto made = make_directory(dir); !made)
        return made.error();
    for (int attempt = 0; attempt < 100; ++attempt) {
        unsigned long highest = 0;
        if (DIR* d = ::opendir(dir.c_str())) {
            while (const dirent* entry = ::readdir(d)) {
                char* end = nullptr;
                const unsigned long n = std::strtoul(entry->d_name, &end, 10);
                if (end && *end == '\0' && entry->d_name[0] >= '1' && entry->d_name[0] <= '9')
                    highest = std::max(highest, n);
            }
            ::closedir(d);
        }
        const fs::path target = dir / std::to_string(highest + 1);
        bool exists = false;
        if (auto wrote = write_new_file(target, message, fsync, exists); !wrote) {
            if (exists)
                continue;   // another delivery took that number
            return wrote.error();
        }
        if (fsync)
            if (auto synced = fsync_directory(dir); !synced)
                return synced.error();
        return FolderDelivery{target, message.size()};
    }
    return Error{make_error_code(Errc::temporary), "cannot find a free message number in " + dir.string()};
}

Result<FolderDelivery> deliver_to_msg_directory(const fs::path& dir, std::string_view message, bool fsync)
{
    if (auto made = make_directory(dir); !made)
        return made.error();
    for (int attempt = 0; attempt < 100; ++attempt) {
        // procmail names these msg.XXXX; any unique suffix serves the readers (MH-style tools).
        static std::atomic<unsigned> counter{0};
        const fs::path target = dir / ("msg." + std::to_string(std::time(nullptr)) + "." +
                                       std::to_string(::getpid()) + "." + std::to_string(++counter));
        bool exists = false;
        if (auto wrote = write_new_file(target, message, fsync, exists); !wrote) {
            if (exists)
                continue;
            return wrote.error();
        }
        if (fsync)
            if (auto synced = fsync_directory(dir); !synced)
                return synced.error();
        return FolderDelivery{target, message.size()};
    }
    return Error{make_error_code(Errc::temporary), "cannot find a unique file name in " + dir.string()};
}

}  // namespace mailroom::mailstore
