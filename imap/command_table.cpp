// imap/command_table.cpp - the command table and the dispatcher (see command.hpp).
#include "imap/command.hpp"
#include "imap/commands.hpp"

#include <algorithm>
#include <array>

namespace mailroom::imap {
namespace {

using enum StateMask;

constexpr CommandSpec command_table[] = {
    {"APPEND", cmd_append, after_login, 0},
    {"AUTHENTICATE", cmd_authenticate, not_authenticated, 0},
    {"CAPABILITY", cmd_capability, any, 0},
    {"CHECK", cmd_check, StateMask::selected, 0},
    {"CLOSE", cmd_close, StateMask::selected, 0},
    {"COPY", cmd_copy, StateMask::selected, uses_msns},
    {"CREATE", cmd_create, after_login, 0},
    {"DELETE", cmd_delete, after_login, 0},
    {"ENABLE", cmd_enable, after_login, 0},
    {"EXAMINE", cmd_select, after_login, 0},
    {"EXPUNGE", cmd_expunge, StateMask::selected, 0},
    {"FETCH", cmd_fetch, StateMask::selected, uses_msns},
    {"GETQUOTA", cmd_getquota, after_login, 0},
    {"GETQUOTAROOT", cmd_getquotaroot, after_login, 0},
    {"ID", cmd_id, any, 0},
    {"IDLE", cmd_idle, after_login, 0},
    {"LIST", cmd_list, after_login, 0},
    {"LOGIN", cmd_login, not_authenticated, 0},
    {"LOGOUT", cmd_logout, any, 0},
    {"LSUB", cmd_lsub, after_login, 0},
    {"MOVE", cmd_move, StateMask::selected, uses_msns},
    {"NAMESPACE", cmd_namespace, after_login, 0},
    {"NOOP", cmd_noop, any, 0},
    {"RENAME", cmd_rename, after_login, 0},
    {"SEARCH", cmd_search, StateMask::selected, uses_msns},
    {"SELECT", cmd_select, after_login, 0},
    {"SETQUOTA", cmd_setquota, after_login, 0},
    {"STARTTLS", cmd_starttls, not_authenticated, 0},
    {"STATUS", cmd_status, after_login, 0},
    {"STORE", cmd_store, StateMask::selected, uses_msns},
    {"SUBSCRIBE", cmd_subscribe, after_login, 0},
    {"UID COPY", cmd_copy, StateMask::selected, 0},
    {"UID EXPUNGE", cmd_expunge, StateMask::selected, 0},
    {"UID FETCH", cmd_fetch, StateMask::selected, 0},
    {"UID MOVE", cmd_move, StateMask::selected, 0},
    {"UID SEARCH", cmd_search, StateMask::selected, 0},
    {"UID STORE", cmd_store, StateMask::selected, 0},
    {"UNSELECT", cmd_unselect, StateMask::selected, 0},
    {"UNSUBSCRIBE", cmd_subscribe, after_login, 0},
};

constexpr bool sorted_by_name()
{
    for (std::size_t i = 1; i < std::size(command_table); ++i)
        if (!(command_table[i - 1].name < command_table[i].name))
            return false;
    return true;
}
static_assert(sorted_by_name(), "find_command() searches the table by name");

StateMask mask_of(SessionState state)
{
    switch (state) {
    case SessionState::not_authenticated:
        return not_authenticated;
    case SessionState::authenticated:
        return authenticated;
    case SessionState::selected:
    case SessionState::logout:
        break;
    }
    return StateMask::selected;
}

bool allows(StateMask mask, SessionState state)
{
    return (static_cast<std::uint8_t>(mask) & static_cast<std::uint8_t>(mask_of(state))) != 0;
}

}  // namespace

const CommandSpec* find_command(std::string_view upper_name)
{
    const auto it = std::lower_bound(std::begin(command_table), std::end(command_table), upper_name,
                                     [](const CommandSpec& spec, std::string_view name) { return spec.name < name; });
    return it != std::end(command_table) && it->name == upper_name ? &*it : nullptr;
}

Reply execute_command(Session& session, const Command& command)
{
    const CommandSpec* spec = find_command(command.name);
    if (!spec)
        return Reply::bad("Unknown command " + command.name);
    if (!allows(spec->states, session.state())) {
        if (session.state() == SessionState::not_authenticated)
            return Reply::bad("Log in first");
        if (spec->states == not_authenticated)
            return Reply::bad("Already logged in");
        return Reply::bad("No mailbox selected");
    }
    CommandContext context{session, command, ArgReader(command.args), command.name.starts_with("UID ")};
    return spec->handler(context);
}

void complete_command(Session& session, const Command& command, const Reply& reply)
{
    const CommandSpec* spec = find_command(command.name);
    if (spec && !(spec->traits & uses_msns) && session.selected() && reply.action != Action::logout) {
        std::string error;
        session.selected()->report_changes(session.out(), session.condstore(), error);
        if (!error.empty())
            session.log().warning("mailbox synchronization failed: " + error);
    }
    append_status(session.out(), command.tag, reply.status, reply.code, reply.text);
}

}  // namespace mailroom::imap
