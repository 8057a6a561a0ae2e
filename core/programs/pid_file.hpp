// core/programs/pid_file.hpp - mailroomd's pid file: refuses to start when a live process
// already holds it (so two instances never share one state directory), removed on exit.
#pragma once
#include <string>

namespace mailroom::programs {

class PidFile {
public:
    PidFile() = default;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;
    ~PidFile();

    // Writes our pid to `path` (creating its directory). false and `error` when another live
    // mailroomd holds it or the file cannot be written.
    bool create(const std::string& path, std::string& error);

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace mailroom::programs
