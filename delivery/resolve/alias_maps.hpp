// delivery/resolve/alias_maps.hpp - the aliases files named by alias_maps, parsed once and
// kept in memory, reread when a file's inode, size or modification time changes (so there is
// no newaliases step to forget). Thread-safe: deliveries on several pool threads share one.
#pragma once
#include "delivery/resolve/aliases_file.hpp"

#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::delivery {

struct AliasLookup {
    enum class Status { found, not_found, unavailable } status = Status::not_found;
    std::shared_ptr<const AliasTable> table;   // keeps `entry` alive
    const AliasEntry* entry = nullptr;
    std::string error;                         // unavailable: "cannot read /etc/aliases: ..."
};

// Reads and parses one aliases file; nullptr and `error` when it cannot be read.
std::shared_ptr<const AliasTable> load_aliases_file(const std::string& path, std::string& error);

class AliasMaps {
public:
    // Looks `lower_name` up in `files` in order; the first file with the name wins. A file
    // that cannot be read makes the lookup unavailable (the delivery is deferred, as Postfix
    // does when an alias database cannot be opened).
    AliasLookup find(const std::vector<std::string>& files, std::string_view lower_name);

    // True when `lower_name` is an alias in any of `files` (owner- companion checks).
    bool contains(const std::vector<std::string>& files, std::string_view lower_name);

private:
    struct Cached {
        struct stat identity {};
        std::shared_ptr<const AliasTable> table;
    };
    std::shared_ptr<const AliasTable> table_for(const std::string& path, std::string& error);

    std::mutex mutex_;
    std::map<std::string, Cached> cache_;
};

}  // namespace mailroom::delivery
