// filters/action_sink.cpp - default ActionSink behaviour: programs through core::run_command,
// LOGFILE appends, and procmail-style lockfiles (O_EXCL creation, LOCKSLEEP retries, removal
// of a lock older than LOCKTIMEOUT; procmailrc(5) "Environment").
#include "filters/action_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <thread>

#include "core/priv/run_command.hpp"

namespace mailroom::filters {

const char* to_string(FolderKind kind)
{
    switch (kind) {
    case FolderKind::mbox: return "mbox";
    case FolderKind::maildir: return "maildir";
    case FolderKind::mh: return "mh";
    case FolderKind::directory: return "directory";
    case FolderKind::devnull: return "devnull";
    }
    return "?";
}

ProgramResult ActionSink::run_program(const ProgramRequest& request)
{
    core::CommandSpec spec;
    spec.argv = request.argv;
    spec.env = request.env;
    spec.working_directory = request.working_directory;
    spec.run_as = request.run_as;
    spec.stdin_data = request.input;
    spec.capture_stdout = request.capture_output;
    if (request.timeout.count() > 0)
        spec.timeout = request.timeout;
    const core::CommandResult r = core::run_command(spec);
    ProgramResult out;
    out.ran = !r.spawn_error;
    out.exit_status = r.exit_status;
    out.output = r.stdout_data;
    out.stdin_fully_written = r.stdin_fully_written;
    out.diagnostics = r.stderr_data;
    if (r.spawn_error)
        out.error = r.spawn_error.message();
    if (r.timed_out)
        out.error = "Timeout, terminating \"" + request.display + "\"";
    return out;
}

ProgramResult ActionSink::forward(const ProgramRequest& request)
{
    return run_program(request);
}

void ActionSink::log(const std::string& logfile, std::string_view text)
{
    const int fd = ::open(logfile.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;  // procmail mails diagnostics back instead; the outcome still has the errors
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(fd);
}

bool ActionSink::acquire_lock(const std::string& path, const LockPolicy& policy)
{
    const auto deadline = std::chrono::steady_clock::now() + policy.give_up;
    for (;;) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0);
        if (fd >= 0) {
            ::close(fd);
            return true;
        }
        if (errno != EEXIST)
            return false;
        struct stat st {};
        if (policy.timeout.count() > 0 && ::lstat(path.c_str(), &st) == 0 &&
            std::time(nullptr) - st.st_mtime >= policy.timeout.count()) {
            ::unlink(path.c_str());  // "Forcing lock on": a stale lock left by a dead process
            continue;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(policy.sleep.count() > 0 ? std::chrono::seconds(policy.sleep)
                                                             : std::chrono::seconds(1));
    }
}

void ActionSink::release_lock(const std::string& path)
{
    ::unlink(path.c_str());
}

}  // namespace mailroom::filters
