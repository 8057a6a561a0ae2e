// core/programs/pw_command.cpp - `mailroom pw`, like `doveadm pw`: hashes a password for the
// users file (default SHA512-CRYPT), lists schemes (-l), or checks one against a hash (-t).
#include "core/auth/password.hpp"
#include "core/programs/subcommands.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace mailroom::programs {
namespace {

// Reads a line from the terminal without echo, or a plain line from a pipe.
std::string read_secret(const char* prompt)
{
    const bool tty = ::isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        std::cerr << prompt << std::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << "\n";
    }
    return line;
}

}  // namespace

int pw_command(const SubcommandArgs& a)
{
    std::string scheme = "SHA512-CRYPT";
    std::optional<std::string> password;
    std::optional<std::string> test_hash;
    for (std::size_t i = 0; i < a.args.size(); ++i) {
        const std::string& arg = a.args[i];
        const bool has_value = i + 1 < a.args.size();
        if (arg == "-l") {
            for (const auto& name : core::password_schemes())
                std::cout << name << "\n";
            return 0;
        }
        if ((arg == "-s" || arg == "-p" || arg == "-t") && !has_value) {
            std::cerr << "mailroom pw: " << arg << " needs a value\n";
            return 64;
        }
        if (arg == "-s")
            scheme = a.args[++i];
        else if (arg == "-p")
            password = a.args[++i];
        else if (arg == "-t")
            test_hash = a.args[++i];
        else {
            std::cerr << "usage: mailroom pw [-s SCHEME] [-p PASSWORD] [-t HASH] [-l]\n";
            return 64;
        }
    }
    if (!password) {
        password = read_secret("Enter new password: ");
        if (!test_hash && ::isatty(STDIN_FILENO) && read_secret("Retype new password: ") != *password) {
            std::cerr << "mailroom pw: passwords do not match\n";
            return 65;
        }
    }
    if (test_hash) {
        switch (core::verify_password(*test_hash, *password)) {
        case core::PasswordCheck::match:
            std::cout << *test_hash << " (verified)\n";
            return 0;
        case core::PasswordCheck::mismatch:
            std::cerr << "mailroom pw: password does not match the hash\n";
            return 1;
        case core::PasswordCheck::unsupported_scheme:
            std::cerr << "mailroom pw: unsupported scheme in the hash\n";
            return 65;
        }
    }
    const auto hash = core::hash_password(scheme, *password);
    if (!hash) {
        std::cerr << "mailroom pw: unknown scheme " << scheme << " (mailroom pw -l lists them)\n";
        return 64;
    }
    std::cout << *hash << "\n";
    return 0;
}

}  // namespace mailroom::programs
