// core/programs/subcommands.hpp - the `mailroom` command's subcommands. Each takes the
// configuration file path (-c) and its own arguments, and returns a process exit code
// (sysexits(3) values where they mean something to a caller).
#pragma once
#include <string>
#include <vector>

namespace mailroom::programs {

struct SubcommandArgs {
    std::string config_file;
    std::vector<std::string> args;   // after the subcommand name
};

int config_command(const SubcommandArgs& a);   // mailroom config [-d] [NAME...]
int pw_command(const SubcommandArgs& a);       // mailroom pw [-s SCHEME] [-p PASSWORD] [-t HASH] [-l]
int user_command(const SubcommandArgs& a);     // mailroom user NAME...
int mailbox_command(const SubcommandArgs& a);  // mailroom mailbox ACTION USER ... (doveadm-like)

}  // namespace mailroom::programs
