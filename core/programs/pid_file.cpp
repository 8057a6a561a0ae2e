// core/programs/pid_file.cpp - a locked pid file (see pid_file.hpp).
#include "core/programs/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mailroom::programs {

bool PidFile::create(const std::string& path, std::string& error)
{
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
        error = "cannot open pid_file " + path + ": " + std::strerror(errno);
        return false;
    }
    // The lock, not the file's existence, says whether an instance is running: a pid file
    // left by a killed daemon does not block a restart.
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = {};
        (void)!::read(fd_, pid, sizeof pid - 1);
        error = "another mailroomd (pid " + std::string(pid, strcspn(pid, "\n")) + ") is running with pid_file " + path;
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        error = "cannot write pid_file " + path + ": " + std::strerror(errno);
        return false;
    }
    path_ = path;
    return true;
}

PidFile::~PidFile()
{
    if (fd_ < 0)
        return;
    if (!path_.empty())
        ::unlink(path_.c_str());
    ::close(fd_);
}

}  // namespace mailroom::programs
