// delivery/resolve/targets.hpp - the destinations listed on the right-hand side of an alias,
// on a line of a .forward file or of an :include: file (aliases(5)): addresses, /file/name,
// ~/file, "|command", :include:/path and \user, separated by commas; double quotes keep a
// command or a name with white space or commas together.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::delivery {

struct Target {
    enum class Kind {
        address,   // user, user@domain, "Name <user@domain>" (the part in angle brackets)
        file,      // /path (mbox), /path/ (Maildir); ~/path is made absolute later
        command,   // |command, run with /bin/sh -c
        include,   // :include:/path
        local_user,  // \user: this user's mailbox, no further alias or .forward expansion
    };
    Kind kind = Kind::address;
    std::string value;   // the address, path, command text or user name
};

struct TargetList {
    std::vector<Target> targets;
    std::vector<std::string> errors;   // "unterminated quote", "empty command after |", ...
};

// Parses one right-hand side. Empty items (",,", a trailing comma) are skipped.
TargetList parse_targets(std::string_view text);

// Lines of a .forward or :include: file: each line that does not start with '#' is a
// right-hand side. Errors carry "line N: ".
TargetList parse_target_lines(std::string_view text);

}  // namespace mailroom::delivery
