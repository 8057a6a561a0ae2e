// imap/command.hpp - how IMAP commands are registered and run (RFC 3501 §6: commands by
// state; §7.4.1 and RFC 9051 §7.5.1: when EXPUNGE may be sent). A table, as in Dovecot's
// imap-commands.c: the dispatcher checks the state and the MSN trait once, so handlers
// don't. Sans-I/O: handlers append untagged responses to Session::out() and return the
// tagged Reply; the session loop decides which thread runs them.
#pragma once
#include "imap/arg_reader.hpp"
#include "imap/reply.hpp"
#include "imap/session.hpp"

#include <cstdint>
#include <string_view>

namespace mailroom::imap {

enum class StateMask : std::uint8_t {
    not_authenticated = 1,
    authenticated = 2,
    selected = 4,
    any = 1 | 2 | 4,
    after_login = 2 | 4,
};

enum CommandTraits : std::uint8_t {
    // The arguments are message sequence numbers: the mailbox is not synchronized around the
    // command, so no EXPUNGE can change what the numbers mean (FETCH, STORE, SEARCH, COPY,
    // MOVE). UID forms synchronize afterwards like every other command.
    uses_msns = 1,
};

struct CommandContext {
    Session& session;
    const Command& command;
    ArgReader args;
    bool uid;                       // the UID form ("UID FETCH")
};

using Handler = Reply (*)(CommandContext&);

struct CommandSpec {
    std::string_view name;          // upper case; "UID FETCH" is its own entry
    Handler handler;
    StateMask states;
    std::uint8_t traits;
};

// nullptr for an unknown name.
const CommandSpec* find_command(std::string_view upper_name);

// Checks that the command exists and is allowed now, then runs its handler.
Reply execute_command(Session& session, const Command& command);

// Ends a command: the untagged updates it may carry (other sessions' changes to the selected
// mailbox, unless it uses MSNs), then its tagged response, into Session::out().
void complete_command(Session& session, const Command& command, const Reply& reply);

// The CAPABILITY list for the session's current state (RFC 3501 §7.2.1).
std::string capability_list(const Session& session);

}  // namespace mailroom::imap
