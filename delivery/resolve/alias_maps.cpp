// delivery/resolve/alias_maps.cpp - cached aliases files (see alias_maps.hpp).
#include "delivery/resolve/alias_maps.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailroom::delivery {
namespace {

constexpr std::size_t aliases_file_max = 64u << 20;   // a larger aliases file is a mistake

bool same_identity(const struct stat& a, const struct stat& b)
{
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

std::shared_ptr<const AliasTable> load_aliases_file(const std::string& path, std::string& error)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        error = "cannot open aliases file " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    struct stat st {};
    std::string text;
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) <= aliases_file_max;
    if (ok) {
        text.resize(static_cast<std::size_t>(st.st_size));
        std::size_t done = 0;
        while (ok && done < text.size()) {
            const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
            if (n <= 0)
                ok = false;
            else
                done += static_cast<std::size_t>(n);
        }
    }
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        error = "cannot read aliases file " + path + ": " +
                (S_ISREG(st.st_mode) ? std::strerror(saved) : "not a regular file (or larger than 64 MB)");
        return nullptr;
    }
    auto table = std::make_shared<AliasTable>(parse_aliases(text, path));
    table->owner = st.st_uid;
    return table;
}

std::shared_ptr<const AliasTable> AliasMaps::table_for(const std::string& path, std::string& error)
{
    struct stat now {};
    if (::stat(path.c_str(), &now) != 0) {
        error = "cannot open aliases file " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    {
        std::lock_guard lock(mutex_);
        const auto it = cache_.find(path);
        if (it != cache_.end() && same_identity(it->second.identity, now))
            return it->second.table;
    }
    // Parse outside the lock: a large file must not hold up lookups in the other files.
    auto table = load_aliases_file(path, error);
    if (!table)
        return nullptr;
    std::lock_guard lock(mutex_);
    cache_[path] = Cached{now, table};
    return table;
}

AliasLookup AliasMaps::find(const std::vector<std::string>& files, std::string_view lower_name)
{
    AliasLookup result;
    for (const auto& path : files) {
        auto table = table_for(path, result.error);
        if (!table) {
            result.status = AliasLookup::Status::unavailable;
            return result;
        }
        if (const AliasEntry* entry = table->find(lower_name)) {
            result.status = AliasLookup::Status::found;
            result.entry = entry;
            result.table = std::move(table);
            return result;
        }
    }
    return result;
}

bool AliasMaps::contains(const std::vector<std::string>& files, std::string_view lower_name)
{
    return find(files, lower_name).status == AliasLookup::Status::found;
}

}  // namespace mailroom::delivery
