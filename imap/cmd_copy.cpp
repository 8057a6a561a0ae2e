// imap/cmd_copy.cpp - COPY (RFC 3501 §6.4.7) and MOVE (RFC 6851), with their UID forms and
// UIDPLUS COPYUID (RFC 4315 §3). A missing target gets NO [TRYCREATE] (§6.4.7).
#include "imap/commands.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {
namespace {

Reply copy_or_move(CommandContext& cx, bool move)
{
    const SequenceSet set = cx.args.sequence_set();
    const std::string target = cx.args.mailbox();
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    SelectedMailbox& box = *cx.session.selected();
    if (move && box.read_only())
        return Reply::no("Mailbox is read-only.");
    std::vector<std::uint32_t> positions;
    if (!box.positions(set, cx.uid, positions))
        return Reply::bad("Invalid message sequence number");
    std::vector<mailstore::Uid> uids;
    for (auto position : positions)
        uids.push_back(box.at(position).uid);
    const std::string_view done = move ? "Move completed." : "Copy completed.";
    if (uids.empty())
        return Reply::ok(std::string(done));
    auto result = cx.session.store().copy(box.view(), uids, target, move);
    if (!result && result.error().is(mailstore::Errc::not_found))
        return Reply::no("Mailbox doesn't exist: " + target, "TRYCREATE");
    if (!result)
        return storage_failure(result.error(), cx.session.log());
    std::string code;
    if (!result->target_uids.empty())
        code = "COPYUID " + std::to_string(result->target_uid_validity) + " " + format_sequence(result->source_uids) +
               " " + format_sequence(result->target_uids);
    if (!move)
        return Reply::ok(std::string(done), code);
    // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGE responses.
    if (!code.empty())
        cx.session.out() += "* OK [" + code + "] Moved UIDs.\r\n";
    box.report_own_expunges(cx.session.out(), result->source_uids);
    return Reply::ok(std::string(done));
}

}  // namespace

Reply cmd_copy(CommandContext& cx) { return copy_or_move(cx, false); }

Reply cmd_move(CommandContext& cx) { return copy_or_move(cx, true); }

}  // namespace mailroom::imap
