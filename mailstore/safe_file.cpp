// mailstore/safe_file.cpp - Postfix-style defensive file opening and fd helpers.
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace mailroom::mailstore {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor()
{
    if (fd_ >= 0)
        ::close(fd_);
}

namespace {

Error unsafe(std::string_view path, std::string_view why)
{
    return Error{make_error_code(Errc::unsafe_path), "refusing " + std::string(path) + ": " + std::string(why)};
}

}  // namespace

Result<void> check_directory_safe(const std::filesystem::path& directory)
{
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0)
        return errno_error(errno, "cannot access directory", directory.string());
    if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
        return unsafe(directory.string(), "directory is world-writable without the sticky bit");
    return {};
}

Result<SafeOpenResult> safe_open_append(const std::filesystem::path& path, bool create, mode_t mode,
                                        bool read_write)
{
    if (auto safe = check_directory_safe(path.parent_path().empty() ? "." : path.parent_path()); !safe)
        return safe.error();
    const int access = (read_write ? O_RDWR : O_WRONLY) | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    SafeOpenResult result;
    for (int attempt = 0; attempt < 3; ++attempt) {
        struct stat before {};
        if (::lstat(path.c_str(), &before) != 0) {
            if (errno != ENOENT)
                return errno_error(errno, "cannot access", path.string());
            if (!create)
                return errno_error(ENOENT, "cannot open", path.string());
            const int fd = ::open(path.c_str(), access | O_CREAT | O_EXCL, mode);
            if (fd < 0 && errno == EEXIST)
                continue;   // someone created it meanwhile: look again
            if (fd < 0)
                return errno_error(errno, "cannot create", path.string());
            result.fd = FileDescriptor(fd);
            result.created = true;
            ::fstat(fd, &result.st);
            return result;
        }
        if (S_ISLNK(before.st_mode))
            return unsafe(path.string(), "it is a symbolic link");
        if (!S_ISREG(before.st_mode))
            return unsafe(path.string(), "it is not a regular file");
        if (before.st_nlink != 1)
            return unsafe(path.string(), "it has more than one hard link");
        const int fd = ::open(path.c_str(), access);
        if (fd < 0)
            return errno_error(errno, "cannot open", path.string());
        result.fd = FileDescriptor(fd);
        ::fstat(fd, &result.st);
        if (result.st.st_dev != before.st_dev || result.st.st_ino != before.st_ino)
            return unsafe(path.string(), "the file was replaced while it was being opened");
        return result;
    }
    return Error{make_error_code(Errc::temporary), "cannot open " + path.string() + ": it keeps changing"};
}

Result<void> check_still_same_file(const std::filesystem::path& path, int fd)
{
    struct stat by_fd {};
    struct stat by_path {};
    if (::fstat(fd, &by_fd) != 0)
        return errno_error(errno, "cannot stat", path.string());
    if (::lstat(path.c_str(), &by_path) != 0 || by_path.st_dev != by_fd.st_dev || by_path.st_ino != by_fd.st_ino ||
        by_fd.st_nlink != 1)
        return Error{make_error_code(Errc::temporary),
                     path.string() + " was replaced or removed while waiting for its lock; try again"};
    return {};
}

Result<void> write_all(int fd, std::string_view bytes, std::string_view path_for_errors)
{
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error(errno, "cannot write", path_for_errors);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Result<void> fsync_file(int fd, std::string_view path_for_errors)
{
    if (::fsync(fd) != 0)
        return errno_error(errno, "cannot fsync", path_for_errors);
    return {};
}

Result<void> fsync_directory(const std::filesystem::path& directory)
{
    FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return errno_error(errno, "cannot open directory", directory.string());
    if (::fsync(fd.get()) != 0)
        return errno_error(errno, "cannot fsync directory", directory.string());
    return {};
}

Result<void> replace_file(const std::filesystem::path& path, std::string_view data, bool durable)
{
    static std::atomic<std::uint64_t> writers{0};
    const std::string temp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writers);
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        return errno_error(errno, "cannot create", temp);
    Result<void> result = write_all(fd.get(), data, temp);
    if (result && durable)
        result = fsync_file(fd.get(), temp);
    if (result && ::rename(temp.c_str(), path.c_str()) != 0)
        result = errno_error(errno, "cannot rename into place", path.string());
    if (!result)
        ::unlink(temp.c_str());
    return result;
}

}  // namespace mailroom::mailstore
