// delivery/resolve/user_files.cpp - .forward and :include: reading rules (see user_files.hpp).
#include "delivery/resolve/user_files.hpp"

#include "core/priv/fs_identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mailroom::delivery {
namespace {

constexpr std::size_t user_file_max = 1u << 20;

UserFile refused(std::string why)
{
    UserFile file;
    file.status = UserFile::Status::refused;
    file.why = std::move(why);
    return file;
}

// Opens and reads with the current thread identity; `check` vets the fstat result.
template <class Check>
UserFile open_and_read(const std::string& path, int extra_flags, Check check)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | extra_flags);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            return {};
        if (err == ELOOP)
            return refused("file " + path + " is a symbolic link");
        return refused("cannot open file " + path + ": " + std::strerror(err));
    }
    UserFile file;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        file = refused("cannot stat " + path + ": " + std::strerror(errno));
    } else if (std::string why = check(st); !why.empty()) {
        file = refused(why);
    } else if (static_cast<std::size_t>(st.st_size) > user_file_max) {
        file = refused("file " + path + " is larger than 1 MiB");
    } else {
        file.status = UserFile::Status::ok;
        file.owner = st.st_uid;
        char buffer[8192];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0) {
                file = refused("cannot read " + path + ": " + std::strerror(errno));
                break;
            }
            if (n == 0)
                break;
            file.text.append(buffer, static_cast<std::size_t>(n));
            if (file.text.size() > user_file_max) {
                file = refused("file " + path + " is larger than 1 MiB");
                break;
            }
        }
    }
    ::close(fd);
    return file;
}

}  // namespace

UserFile read_forward_file(const std::string& path, const core::Credentials& user)
{
    try {
        core::ScopedFsIdentity as_user(user);
        return open_and_read(path, O_NOFOLLOW, [&](const struct stat& st) -> std::string {
            if (!S_ISREG(st.st_mode))
                return "file " + path + " is not a regular file";
            if (st.st_uid != 0 && st.st_uid != user.uid)
                return "file " + path + " has bad owner uid " + std::to_string(st.st_uid);
            if (st.st_mode & (S_IWGRP | S_IWOTH))
                return "file " + path + " is group or world writable";
            return {};
        });
    } catch (const std::system_error& e) {
        return refused("cannot read " + path + ": " + e.what());
    }
}

UserFile read_include_file(const std::string& path, const std::optional<core::Credentials>& reader)
{
    const auto check = [&](const struct stat& st) -> std::string {
        if (!S_ISREG(st.st_mode))
            return ":include: file " + path + " is not a regular file";
        if (st.st_mode & S_IWOTH)
            return ":include: file " + path + " is world writable";
        return {};
    };
    try {
        if (!reader)
            return open_and_read(path, 0, check);
        core::ScopedFsIdentity as_reader(*reader);
        return open_and_read(path, 0, check);
    } catch (const std::system_error& e) {
        return refused("cannot read " + path + ": " + e.what());
    }
}

}  // namespace mailroom::delivery
