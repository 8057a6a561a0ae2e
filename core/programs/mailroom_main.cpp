// core/programs/mailroom_main.cpp - the `mailroom` admin command: global options, then a
// subcommand from the table below (config, pw, user, and those of the linked modules).
#include "core/log/log.hpp"
#include "core/programs/command_line.hpp"
#include "core/programs/subcommands.hpp"
#include "delivery/lda/lda_commands.hpp"
#include "filters/dry_run.hpp"
#include "mta/commands/mta_commands.hpp"

#include <vector>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace {

using mailroom::programs::SubcommandArgs;

// delivery's subcommands load the configuration only after checking their arguments.
mailroom::delivery::lda::ConfigLoader config_loader(const SubcommandArgs& a, const char* program)
{
    return [&a, program] { return mailroom::programs::load_config_or_report(a.config_file, program, false); };
}

int deliver_command(const SubcommandArgs& a)
{
    return mailroom::delivery::lda::deliver_main(a.args, config_loader(a, "mailroom deliver"));
}

int newaliases_command(const SubcommandArgs& a)
{
    return mailroom::delivery::lda::newaliases_main(a.args, config_loader(a, "mailroom newaliases"));
}

int sendmail_command(const SubcommandArgs& a)
{
    return mailroom::mta::sendmail_main(a.args, config_loader(a, "mailroom sendmail"));
}

int queue_command(const SubcommandArgs& a)
{
    return mailroom::mta::queue_main(a.args, config_loader(a, "mailroom queue"));
}

// `mailroom filter test ...`: the filter engine's dry run (docs/filters.md).
int filter_command(const SubcommandArgs& a)
{
    if (a.args.empty() || a.args[0] != "test") {
        std::cerr << "usage: mailroom filter test [--rc FILE] [--site-rc FILE] [-a RECIPIENT|ARG]... [-f SENDER]\n"
                     "                            [--home DIR] [--set NAME=VALUE]... [--run-programs] < message\n";
        return 64;
    }
    std::vector<std::string> words{"mailroom filter test"};
    words.insert(words.end(), a.args.begin() + 1, a.args.end());
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    return mailroom::filters::filter_test_main(static_cast<int>(words.size()), argv.data());
}

struct Subcommand {
    const char* name;
    int (*run)(const SubcommandArgs&);
    const char* summary;
};

constexpr Subcommand subcommands[] = {
    {"config", mailroom::programs::config_command, "print parameters: set ones, NAMEs' values, or -d defaults"},
    {"pw", mailroom::programs::pw_command, "hash a password for the users file (-s SCHEME, -l lists)"},
    {"user", mailroom::programs::user_command, "show how a user name resolves"},
    {"mailbox", mailroom::programs::mailbox_command, "a user's mailboxes: list, status, save, fetch, flags, expunge..."},
    {"deliver", deliver_command, "deliver a message from stdin (-f SENDER -a RCPT -d USER -m FOLDER)"},
    {"newaliases", newaliases_command, "check aliases files and report problems by line"},
    {"filter", filter_command, "filter test: a dry run of procmailrc rules over a message on stdin"},
    {"sendmail", sendmail_command, "queue a message from stdin (-t -i -f SENDER -F NAME -bs); also as argv[0]"},
    {"queue", queue_command, "the mail queue: list, flush, delete ID|ALL, show ID"},
};

int usage()
{
    std::cerr << "usage: mailroom [-c CONFIG_FILE] COMMAND [ARGS...]\n\ncommands:\n";
    for (const auto& command : subcommands)
        std::cerr << "  " << command.name << std::string(12 - std::strlen(command.name), ' ') << command.summary
                  << "\n";
    std::cerr << "\nCONFIG_FILE defaults to " << mailroom::programs::default_config_file << "\n";
    return 64;
}

}  // namespace

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    // An admin command reports on stderr; routine info lines would only be noise there.
    mailroom::core::LogSettings quiet;
    quiet.min_level = mailroom::core::LogLevel::warning;
    mailroom::core::configure_logging(quiet);
    SubcommandArgs args{mailroom::programs::default_config_file, {}};
    // Installed as /usr/sbin/sendmail or mailq (a link to mailroom): Postfix's command lines.
    const std::string_view program = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
    if (program == "sendmail" || program == "mailq") {
        for (int k = 1; k < argc; ++k)
            args.args.emplace_back(argv[k]);
        if (const char* file = std::getenv("MAILROOM_CONFIG"))
            args.config_file = file;
        return program == "sendmail" ? sendmail_command(args) : queue_command(args);
    }
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        if (std::strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            args.config_file = argv[++i];
        else if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0)
            return usage(), 0;
        else
            return usage();
    }
    if (i >= argc)
        return usage();
    const std::string name = argv[i];
    // Options after the subcommand name: -c is still accepted there (mailroom deliver -c FILE).
    for (++i; i < argc; ++i) {
        if (std::strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            args.config_file = argv[++i];
        else
            args.args.emplace_back(argv[i]);
    }
    for (const auto& command : subcommands)
        if (name == command.name)
            return command.run(args);
    std::cerr << "mailroom: unknown command \"" << name << "\"\n";
    return usage();
}
