// imap/cmd_status.cpp - STATUS (RFC 3501 §6.3.10; HIGHESTMODSEQ enables CONDSTORE, RFC 7162
// §3.1).
#include "imap/commands.hpp"
#include "imap/status_items.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {

Reply cmd_status(CommandContext& cx)
{
    const std::string name = cx.args.mailbox();
    const Arg* list = cx.args.list("status items");
    cx.args.end();
    StatusItems items;
    std::string error;
    if (cx.args.ok() && !parse_status_items(*list, items, error))
        cx.args.fail(error);
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (items.highest_modseq)
        cx.session.enable_condstore();
    auto status = cx.session.store().status(name);
    if (!status)
        return storage_failure(status.error(), cx.session.log());
    append_status_response(cx.session.out(), name, items, *status);
    return Reply::ok("Status completed.");
}

}  // namespace mailroom::imap
