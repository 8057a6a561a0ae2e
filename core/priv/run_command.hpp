// core/priv/run_command.hpp - run an external program the way Postfix's pipe/local(8) and
// procmail do: /bin/sh -c COMMAND (or an argv), as a given user, in a given directory,
// with exactly the given environment, message bytes on stdin, bounded output capture and
// a timeout. Used by delivery (|command, mailbox_command) and filters (|, ?, backquotes).
#pragma once
#include "core/priv/credentials.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mailroom::core {

struct CommandSpec {
    std::string shell_command;        // run as `/bin/sh -c shell_command` when not empty
    std::vector<std::string> argv;    // otherwise argv[0] is executed directly (execv, no PATH search)
    std::vector<std::string> env;     // the complete environment, "NAME=value"; nothing is inherited
    std::string working_directory;    // chdir() before exec; empty = "/"
    std::optional<Credentials> run_as;  // setgroups/setgid/setuid before exec; needs root.
                                        // Unset: run with the caller's identity.
    std::string_view stdin_data;      // written to the child's stdin, then stdin is closed
    bool capture_stdout = false;      // collect stdout (else it goes to /dev/null)
    std::size_t stdout_limit = 16u << 20;   // bytes kept; beyond that the child is killed
    std::size_t stderr_limit = 4096;        // bytes of stderr kept for error messages
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};
};

struct CommandResult {
    std::error_code spawn_error;   // fork/exec/pipe failed: the command did not run at all
    int exit_status = -1;          // exit code when it exited normally, else -1
    int term_signal = 0;           // signal that killed it (SIGKILL after a timeout)
    bool timed_out = false;
    bool stdout_truncated = false; // output exceeded stdout_limit (and the child was killed)
    bool stdin_fully_written = true;  // false if the child closed stdin before reading it all
    std::string stdout_data;
    std::string stderr_data;       // at most stderr_limit bytes

    bool ok() const { return !spawn_error && exit_status == 0; }
};

// Runs the command to completion (blocking; call it from a worker thread, never from an
// I/O thread). Never throws for failures of the child; spawn failures are in spawn_error.
// The child gets no file descriptors but 0, 1, 2; SIGPIPE and other dispositions are reset
// to their defaults.
CommandResult run_command(const CommandSpec& spec);

}  // namespace mailroom::core
