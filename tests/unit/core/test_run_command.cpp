// tests/unit/core/test_run_command.cpp - running programs with an exact environment, stdin,
// output capture, exit codes and timeouts (core/priv/run_command).
#include "core/priv/run_command.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

using namespace mailroom::core;

TEST_CASE("stdin goes in, stdout comes out, the environment is exactly what was given")
{
    CommandSpec spec;
    spec.shell_command = "tr a-z A-Z; echo \"[$FOO][$HOME][$PATH]\"; pwd";
    spec.env = {"FOO=bar", "PATH=/usr/bin:/bin"};
    spec.stdin_data = "hello\n";
    spec.capture_stdout = true;
    spec.working_directory = "/tmp";
    const auto result = run_command(spec);
    CHECK(result.ok());
    CHECK(result.stdout_data == "HELLO\n[bar][][/usr/bin:/bin]\n/tmp\n");
}

TEST_CASE("exit codes, signals and stderr are reported")
{
    CommandSpec spec;
    spec.shell_command = "echo 'mailbox full' >&2; exit 75";
    auto result = run_command(spec);
    CHECK(result.exit_status == 75);
    CHECK(result.stderr_data == "mailbox full\n");
    CHECK_FALSE(result.ok());

    spec.shell_command = "kill -9 $$";
    result = run_command(spec);
    CHECK(result.exit_status == -1);
    CHECK(result.term_signal == 9);
}

TEST_CASE("a command that runs too long is killed with everything it started")
{
    CommandSpec spec;
    spec.shell_command = "sleep 30 & sleep 30";
    spec.timeout = std::chrono::milliseconds(200);
    const auto started = std::chrono::steady_clock::now();
    const auto result = run_command(spec);
    CHECK(result.timed_out);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("output beyond the limit stops the command")
{
    CommandSpec spec;
    spec.shell_command = "yes";
    spec.capture_stdout = true;
    spec.stdout_limit = 1000;
    const auto result = run_command(spec);
    CHECK(result.stdout_truncated);
    CHECK(result.stdout_data.size() == 1000);
}

TEST_CASE("a command that does not read its input is reported, not fatal")
{
    CommandSpec spec;
    spec.shell_command = "exit 0";
    const std::string big(4 << 20, 'x');
    spec.stdin_data = big;
    const auto result = run_command(spec);
    CHECK(result.exit_status == 0);
    CHECK_FALSE(result.stdin_fully_written);
}

TEST_CASE("argv mode runs a program directly; a missing program is a clear failure")
{
    CommandSpec spec;
    spec.argv = {"/bin/echo", "a b", "$HOME"};
    spec.capture_stdout = true;
    auto result = run_command(spec);
    CHECK(result.stdout_data == "a b $HOME\n");

    spec.argv = {"/nonexistent/program"};
    result = run_command(spec);
    CHECK(result.exit_status == 126);
    CHECK(result.stderr_data.find("cannot execute the command") != std::string::npos);
}

TEST_CASE("run_as switches user and group before exec")
{
    if (::geteuid() != 0)
        return;   // only root can switch; CI runs as root
    CommandSpec spec;
    spec.shell_command = "id -u; id -g; id -G";
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.capture_stdout = true;
    spec.run_as = Credentials{65534, 65534, {65534}, "nobody"};
    const auto result = run_command(spec);
    CHECK(result.stdout_data == "65534\n65534\n65534\n");
}
