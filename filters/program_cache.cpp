// filters/program_cache.cpp - parse-once cache of rc files keyed by path + size + mtime.
#include "filters/program_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "filters/rc_parser.hpp"

namespace mailroom::filters {

std::shared_ptr<const RcProgram> ProgramCache::load(const std::string& path, std::string& error)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        error = "Couldn't read \"" + path + "\": " + std::strerror(errno);
        return nullptr;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
        ::close(fd);
        error = "Couldn't read \"" + path + "\": not a regular file";
        return nullptr;
    }
    {
        std::lock_guard lock(mutex_);
        if (auto it = map_.find(path); it != map_.end() && it->second.mtime == st.st_mtim.tv_sec &&
                                       it->second.mtime_nsec == st.st_mtim.tv_nsec && it->second.size == st.st_size) {
            ::close(fd);
            return it->second.program;
        }
    }
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto program = std::make_shared<const RcProgram>(parse_rc(text, path));
    std::lock_guard lock(mutex_);
    if (map_.size() >= max_entries)
        map_.clear();
    map_[path] = Entry{st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_size, program};
    return program;
}

}  // namespace mailroom::filters
