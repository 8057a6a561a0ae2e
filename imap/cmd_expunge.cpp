// imap/cmd_expunge.cpp - EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1: only the
// named messages among those marked \Deleted).
#include "imap/commands.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {

Reply cmd_expunge(CommandContext& cx)
{
    SequenceSet set;
    if (cx.uid)
        set = cx.args.sequence_set();
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    SelectedMailbox& box = *cx.session.selected();
    if (box.read_only())
        return Reply::no("Mailbox is read-only.");
    std::vector<mailstore::Uid> only;
    if (cx.uid) {
        std::vector<std::uint32_t> positions;
        box.positions(set, true, positions);
        for (auto position : positions)
            only.push_back(box.at(position).uid);
        if (only.empty())
            return Reply::ok("Expunge completed.");
    }
    auto removed = cx.uid ? box.view().expunge(std::span<const mailstore::Uid>(only)) : box.view().expunge();
    if (!removed)
        return storage_failure(removed.error(), cx.session.log());
    box.report_own_expunges(cx.session.out(), *removed);
    return Reply::ok("Expunge completed.");
}

}  // namespace mailroom::imap
