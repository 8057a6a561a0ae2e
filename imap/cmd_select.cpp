// imap/cmd_select.cpp - SELECT and EXAMINE (RFC 3501 §6.3.1-2 with RFC 7162 §3.1.2
// HIGHESTMODSEQ and the CONDSTORE parameter, RFC 9051 §7.1 [CLOSED]), CLOSE (§6.4.2: a
// silent expunge) and UNSELECT (RFC 3691: no expunge).
#include "imap/commands.hpp"
#include "core/util/strings.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {
namespace {

void write_select_responses(Session& session, const SelectedMailbox& box)
{
    std::string& out = session.out();
    box.append_flag_responses(out);
    out += "* " + std::to_string(box.count()) + " EXISTS\r\n";
    out += "* " + std::to_string(box.recent_count()) + " RECENT\r\n";
    if (const auto unseen = box.first_unseen())
        out += "* OK [UNSEEN " + std::to_string(unseen) + "] First unseen.\r\n";
    const auto& view = box.view();
    out += "* OK [UIDVALIDITY " + std::to_string(view.uid_validity()) + "] UIDs valid\r\n";
    out += "* OK [UIDNEXT " + std::to_string(view.uid_next()) + "] Predicted next UID\r\n";
    out += "* OK [HIGHESTMODSEQ " + std::to_string(view.highest_modseq()) + "] Highest\r\n";
}

}  // namespace

Reply cmd_select(CommandContext& cx)
{
    const std::string name = cx.args.mailbox();
    if (const Arg* parameters = cx.args.next_is_list() ? cx.args.list("select parameters") : nullptr) {
        for (const Arg& parameter : parameters->items)
            if (parameter.is_atom() && core::iequals(parameter.text, "CONDSTORE"))
                cx.session.enable_condstore();
            else
                cx.args.fail("Unknown select parameter");
    }
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1), so close the old one first.
    if (cx.session.selected()) {
        cx.session.deselect();
        cx.session.out() += "* OK [CLOSED] Previous mailbox closed.\r\n";
    }
    const bool examine = cx.command.name == "EXAMINE";
    auto view = cx.session.store().open(name, examine);
    if (!view)
        return storage_failure(view.error(), cx.session.log());
    auto box = std::make_unique<SelectedMailbox>(std::move(*view));
    write_select_responses(cx.session, *box);
    const bool read_only = box->read_only();
    cx.session.select(std::move(box));
    return Reply::ok(examine ? "Examine completed." : "Select completed.", read_only ? "READ-ONLY" : "READ-WRITE");
}

Reply cmd_close(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    SelectedMailbox& box = *cx.session.selected();
    std::optional<mailstore::Error> failure;
    if (!box.read_only())
        if (auto removed = box.view().expunge(); !removed)
            failure = removed.error();
    cx.session.deselect();
    if (failure)
        return storage_failure(*failure, cx.session.log());
    return Reply::ok("Close completed.");
}

Reply cmd_unselect(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    cx.session.deselect();
    return Reply::ok("Unselect completed.");
}

}  // namespace mailroom::imap
