// core/programs/mailroomd_main.cpp - mailroomd [-c CONFIG_FILE] [-f]: the daemon that runs
// the LMTP, IMAP, POP3 and SMTP services configured in CONFIG_FILE.
#include "core/programs/command_line.hpp"
#include "core/programs/daemon.hpp"

#include <cstring>
#include <iostream>

int main(int argc, char** argv)
{
    mailroom::programs::DaemonOptions options{mailroom::programs::default_config_file, false};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            options.config_file = argv[++i];
        } else if (std::strcmp(argv[i], "-f") == 0) {
            options.foreground = true;
        } else {
            std::cerr << "usage: mailroomd [-c CONFIG_FILE] [-f]\n"
                         "  -c  configuration file (default "
                      << mailroom::programs::default_config_file
                      << ")\n"
                         "  -f  stay in the foreground and log to stderr unless log_destination is set\n";
            return 64;
        }
    }
    return mailroom::programs::run_daemon(options);
}
