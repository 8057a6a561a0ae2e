// mailstore/safe_file.hpp - opening mailbox files the way Postfix's safe_open(3) does: new
// files only with O_CREAT|O_EXCL; an existing file must be a regular file with one link,
// not a symlink, the same inode after opening as before; its directory must not be
// world-writable without the sticky bit. Also small fd helpers shared by the backends.
#pragma once
#include "mailstore/errors.hpp"

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace mailroom::mailstore {

class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();

    int get() const { return fd_; }
    int release() { const int fd = fd_; fd_ = -1; return fd; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

struct SafeOpenResult {
    FileDescriptor fd;
    struct stat st {};
    bool created = false;
};

// Opens `path` for appending (and reading when `read_write`), creating it with `mode` when
// it does not exist and `create` is set.
Result<SafeOpenResult> safe_open_append(const std::filesystem::path& path, bool create, mode_t mode,
                                        bool read_write = false);

// After a lock is taken: the path must still name the same single-link inode (a POP daemon or
// an editor may have replaced the file meanwhile).
Result<void> check_still_same_file(const std::filesystem::path& path, int fd);

// Refuses a world-writable directory without the sticky bit (anyone could swap files in it).
Result<void> check_directory_safe(const std::filesystem::path& directory);

Result<void> write_all(int fd, std::string_view bytes, std::string_view path_for_errors);
Result<void> fsync_file(int fd, std::string_view path_for_errors);
Result<void> fsync_directory(const std::filesystem::path& directory);

// Writes `data` to a temporary file beside `path`, fsyncs it when `durable`, and renames it
// over `path`. The temporary's name is this writer's own (process and call), so threads and
// processes replacing the same file at once never rename each other's half-written files.
Result<void> replace_file(const std::filesystem::path& path, std::string_view data, bool durable);

}  // namespace mailroom::mailstore
