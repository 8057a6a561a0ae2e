// core/priv/run_command.cpp - fork, drop privileges, exec; feed stdin and collect stdout and
// stderr with poll(2), under a timeout (see run_command.hpp). Between fork and exec the
// child only makes async-signal-safe calls: everything it needs is prepared before fork.
#include "core/priv/run_command.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace mailroom::core {
namespace {

struct Pipe {
    int read_end = -1;
    int write_end = -1;
    bool open() { int fds[2]; if (::pipe2(fds, O_CLOEXEC) != 0) return false; read_end = fds[0]; write_end = fds[1]; return true; }
    void close_read() { if (read_end >= 0) ::close(read_end); read_end = -1; }
    void close_write() { if (write_end >= 0) ::close(write_end); write_end = -1; }
    ~Pipe() { close_read(); close_write(); }
};

// Child-side failure report: the text goes to the stderr pipe, then _exit.
[[noreturn]] void child_fail(const char* what, int err)
{
    const char* reason = ::strerror(err);
    (void)!::write(2, what, std::strlen(what));
    (void)!::write(2, ": ", 2);
    (void)!::write(2, reason, std::strlen(reason));
    (void)!::write(2, "\n", 1);
    ::_exit(126);
}

struct ChildSetup {
    std::vector<char*> argv;
    std::vector<char*> envp;
    const char* program = nullptr;
    const char* directory = "/";
    const Credentials* run_as = nullptr;
    std::vector<gid_t> groups;
    int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
};

[[noreturn]] void run_child(const ChildSetup& setup)
{
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig)
        ::signal(sig, SIG_DFL);
    ::setpgid(0, 0);   // a timeout kills the whole group: the shell and what it started
    if (::dup2(setup.stdin_fd, 0) < 0 || ::dup2(setup.stdout_fd, 1) < 0 || ::dup2(setup.stderr_fd, 2) < 0)
        ::_exit(126);
    if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
        for (int fd = 3; fd < 65536; ++fd)
            ::close(fd);
    if (setup.run_as) {
        // Raw system calls: the child is single-threaded, and glibc's wrappers would try to
        // broadcast to threads that only existed in the parent.
        if (::syscall(SYS_setgroups, setup.groups.size(), setup.groups.data()) != 0)
            child_fail("setgroups", errno);
        if (::syscall(SYS_setresgid, setup.run_as->gid, setup.run_as->gid, setup.run_as->gid) != 0)
            child_fail("setgid", errno);
        if (::syscall(SYS_setresuid, setup.run_as->uid, setup.run_as->uid, setup.run_as->uid) != 0)
            child_fail("setuid", errno);
    }
    ::umask(077);
    if (::chdir(setup.directory) != 0)
        child_fail("cannot change to the working directory", errno);
    ::execve(setup.program, setup.argv.data(), setup.envp.data());
    child_fail("cannot execute the command", errno);
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Appends what is readable from fd to out (keeping at most `limit` bytes); false at EOF.
bool drain(int fd, std::string& out, std::size_t limit, bool& overflow)
{
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            const std::size_t room = out.size() < limit ? limit - out.size() : 0;
            out.append(buffer, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
            if (static_cast<std::size_t>(n) > room)
                overflow = true;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return !(n == 0);   // n < 0 with EAGAIN: still open
    }
}

}  // namespace

CommandResult run_command(const CommandSpec& spec)
{
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });   // EPIPE, not death, on stdin

    CommandResult result;
    std::vector<std::string> args = spec.shell_command.empty()
                                        ? spec.argv
                                        : std::vector<std::string>{"sh", "-c", spec.shell_command};
    if (args.empty()) {
        result.spawn_error = std::make_error_code(std::errc::invalid_argument);
        return result;
    }
    ChildSetup setup;
    for (auto& arg : args)
        setup.argv.push_back(arg.data());
    setup.argv.push_back(nullptr);
    std::vector<std::string> env = spec.env;
    for (auto& item : env)
        setup.envp.push_back(item.data());
    setup.envp.push_back(nullptr);
    const std::string program = spec.shell_command.empty() ? spec.argv.front() : std::string("/bin/sh");
    setup.program = program.c_str();
    setup.directory = spec.working_directory.empty() ? "/" : spec.working_directory.c_str();
    if (spec.run_as) {
        setup.run_as = &*spec.run_as;
        setup.groups = spec.run_as->groups.empty() ? std::vector<gid_t>{spec.run_as->gid} : spec.run_as->groups;
    }

    Pipe in, out, err;
    int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (!in.open() || !out.open() || !err.open() || devnull < 0) {
        result.spawn_error = std::error_code(errno, std::generic_category());
        if (devnull >= 0)
            ::close(devnull);
        return result;
    }
    setup.stdin_fd = in.read_end;
    setup.stdout_fd = spec.capture_stdout ? out.write_end : devnull;
    setup.stderr_fd = err.write_end;

    const pid_t pid = ::fork();
    if (pid < 0) {
        result.spawn_error = std::error_code(errno, std::generic_category());
        ::close(devnull);
        return result;
    }
    if (pid == 0)
        run_child(setup);
    ::close(devnull);
    in.close_read();
    out.close_write();
    err.close_write();
    if (!spec.capture_stdout)
        out.close_read();
    set_nonblocking(in.write_end);
    if (out.read_end >= 0)
        set_nonblocking(out.read_end);
    set_nonblocking(err.read_end);

    std::size_t written = 0;
    if (spec.stdin_data.empty())
        in.close_write();
    const auto give_up = std::chrono::steady_clock::now() + spec.timeout;
    bool killed = false;
    while (out.read_end >= 0 || err.read_end >= 0) {
        pollfd fds[3];
        nfds_t count = 0;
        if (in.write_end >= 0)
            fds[count++] = {in.write_end, POLLOUT, 0};
        if (out.read_end >= 0)
            fds[count++] = {out.read_end, POLLIN, 0};
        if (err.read_end >= 0)
            fds[count++] = {err.read_end, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            break;
        }
        const int ready = ::poll(fds, count, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; i < count && ready > 0; ++i) {
            if (fds[i].revents == 0)
                continue;
            if (fds[i].fd == in.write_end) {
                const ssize_t n = ::write(in.write_end, spec.stdin_data.data() + written,
                                          std::min<std::size_t>(spec.stdin_data.size() - written, 65536));
                if (n > 0)
                    written += static_cast<std::size_t>(n);
                if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == spec.stdin_data.size()) {
                    result.stdin_fully_written = written == spec.stdin_data.size();
                    in.close_write();
                }
            } else if (fds[i].fd == out.read_end) {
                if (!drain(out.read_end, result.stdout_data, spec.stdout_limit, result.stdout_truncated))
                    out.close_read();
                if (result.stdout_truncated && !killed) {
                    ::kill(-pid, SIGKILL);
                    killed = true;
                }
            } else if (fds[i].fd == err.read_end) {
                bool ignored = false;
                if (!drain(err.read_end, result.stderr_data, spec.stderr_limit, ignored))
                    err.close_read();
            }
        }
    }
    if (in.write_end >= 0) {
        result.stdin_fully_written = written == spec.stdin_data.size();
        in.close_write();
    }
    if (result.timed_out)
        ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        result.exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.term_signal = WTERMSIG(status);
    return result;
}

}  // namespace mailroom::core
