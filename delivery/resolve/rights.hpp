// delivery/resolve/rights.hpp - whose rights a |command or /file destination gets (Postfix
// local(8) "DELIVERY RIGHTS"): the recipient's for .forward entries, the file owner's for
// aliases and :include: files not owned by root, and default_privs for root-owned ones and
// for root itself. A user-supplied command or file never runs as root.
#pragma once
#include "core/priv/credentials.hpp"

#include <optional>
#include <string>

namespace mailroom::delivery {

struct Rights {
    std::optional<core::Credentials> credentials;   // unset: root context, default_privs applies
    std::string home;                               // HOME and working directory of commands
    std::string shell;                              // SHELL of commands

    bool is_root() const { return !credentials || credentials->uid == 0; }
};

// The rights of the system account with `uid` (owner of an aliases or :include: file).
// nullopt and `error` when no account has that uid.
std::optional<Rights> rights_of_uid(uid_t uid, std::string& error);

// What a command or file delivery actually runs as: `rights`, or default_privs when they are
// root's. nullopt and `error` when default_privs names no user or a privileged one.
std::optional<core::Credentials> effective_credentials(const Rights& rights, const std::string& default_privs,
                                                       std::string& error);

// run_command's run_as for `who`: unset when this process already is that user and is not
// root (an unprivileged mailroom cannot switch, and need not).
std::optional<core::Credentials> run_as_for(const core::Credentials& who);

}  // namespace mailroom::delivery
