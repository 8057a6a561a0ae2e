// core/programs/daemon.hpp - mailroomd: load and check the configuration, bind every
// listener (so a port in use stops it before it detaches), detach unless -f, write the pid
// file, run the services; SIGTERM/SIGINT finish in-flight commands and exit, SIGHUP
// reloads the configuration, users and certificates.
#pragma once
#include <string>

namespace mailroom::programs {

struct DaemonOptions {
    std::string config_file;
    bool foreground = false;
};

int run_daemon(const DaemonOptions& options);

}  // namespace mailroom::programs
