// filters/program_cache.hpp - rc files are parsed once and reused while their path, size and
// modification time stay the same (one parse serves every message of every delivery).
#pragma once
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "filters/rc_program.hpp"

namespace mailroom::filters {

class ProgramCache {
public:
    // Reads and parses `path`. Returns nullptr when the file cannot be opened or is not a
    // regular file (or /dev/null); `error` then says why ("Couldn't read ...").
    std::shared_ptr<const RcProgram> load(const std::string& path, std::string& error);

private:
    struct Entry {
        std::time_t mtime = 0;
        long mtime_nsec = 0;
        off_t size = 0;
        std::shared_ptr<const RcProgram> program;
    };
    static constexpr std::size_t max_entries = 1024;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> map_;
};

}  // namespace mailroom::filters
