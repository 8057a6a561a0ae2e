// delivery/spool.cpp - memory-then-file message spool (see spool.hpp).
#include "delivery/spool.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mailroom::delivery {
namespace {

constexpr std::size_t memory_limit_min = 64 * 1024;

}  // namespace

MessageSpool::MessageSpool(std::string directory, std::size_t memory_limit)
    : directory_(std::move(directory)), memory_limit_(std::max(memory_limit, memory_limit_min))
{
}

MessageSpool::~MessageSpool()
{
    if (map_)
        ::munmap(map_, map_size_);
    if (fd_ >= 0)
        ::close(fd_);
}

void MessageSpool::append(std::string_view bytes)
{
    size_ += bytes.size();
    if (!failed())
        buffer_.append(bytes);
}

bool MessageSpool::open_file()
{
    // O_TMPFILE: the file has no name, so nothing is left behind whatever happens to us.
    fd_ = ::open(directory_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        // File systems without O_TMPFILE: a named file, unlinked at once.
        std::string pattern = directory_ + "/lmtp-spool-XXXXXX";
        fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (fd_ >= 0)
            ::unlink(pattern.c_str());
    }
    if (fd_ < 0) {
        error_ = "cannot create a spool file in " + directory_ + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

void MessageSpool::flush()
{
    if (failed() || buffer_.empty())
        return;
    if (fd_ < 0 && !open_file())
        return;
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_ = "cannot write the spool file in " + directory_ + ": " + std::strerror(n < 0 ? errno : EIO);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
}

void MessageSpool::finish()
{
    if (failed())
        return;
    if (fd_ < 0) {
        view_ = buffer_;
        return;
    }
    flush();
    if (failed() || size_ == 0)
        return;
    std::string().swap(buffer_);
    map_size_ = static_cast<std::size_t>(size_);
    map_ = ::mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        error_ = "cannot map the spool file: " + std::string(std::strerror(errno));
        return;
    }
    view_ = std::string_view(static_cast<const char*>(map_), map_size_);
}

}  // namespace mailroom::delivery
