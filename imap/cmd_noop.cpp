// imap/cmd_noop.cpp - NOOP and CHECK (RFC 3501 §6.1.2, §6.4.1: both just give the untagged
// updates; CHECK also writes pending state), LOGOUT (§6.1.3) and IDLE's start (RFC 2177).
#include "imap/commands.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {

Reply cmd_noop(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    return Reply::ok("NOOP completed.");
}

Reply cmd_check(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (auto written = cx.session.selected()->view().checkpoint(); !written)
        return storage_failure(written.error(), cx.session.log());
    return Reply::ok("Check completed.");
}

Reply cmd_logout(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    cx.session.out() += "* BYE Logging out\r\n";
    return Reply::with_action(Action::logout, "Logout completed.");
}

// The waiting happens in the session loop; here only the arguments are checked.
Reply cmd_idle(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    return Reply::with_action(Action::idle, "Idle completed.");
}

}  // namespace mailroom::imap
