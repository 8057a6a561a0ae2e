// imap/cmd_store.cpp - STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8) with CONDSTORE's
// UNCHANGEDSINCE modifier and MODIFIED response code (RFC 7162 §3.1.3).
#include "core/util/strings.hpp"
#include "imap/commands.hpp"
#include "imap/flags.hpp"
#include "imap/storage_error.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

struct StoreRequest {
    SequenceSet set;
    std::optional<mailstore::ModSeq> unchanged_since;
    mailstore::FlagChange change;
    bool silent = false;
};

// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
bool parse_store(CommandContext& cx, StoreRequest& request)
{
    request.set = cx.args.sequence_set();
    if (cx.args.next_is_list()) {
        ArgReader modifiers = list_reader(*cx.args.list("store modifiers"));
        if (modifiers.take_atom("UNCHANGEDSINCE"))
            request.unchanged_since = modifiers.number64("mod-sequence");
        modifiers.end();
        if (!modifiers.ok())
            cx.args.fail(modifiers.error());
    }
    std::string item = cx.args.atom("store item");
    using Mode = mailstore::FlagChange::Mode;
    request.change.mode = item.starts_with('+') ? Mode::add : item.starts_with('-') ? Mode::remove : Mode::replace;
    if (request.change.mode != Mode::replace)
        item.erase(0, 1);
    request.silent = item == "FLAGS.SILENT";
    if (cx.args.ok() && item != "FLAGS" && !request.silent)
        cx.args.fail("Invalid store item " + item);
    FlagSet flags;
    std::string error;
    for (bool first = true; cx.args.ok() && (first || !cx.args.at_end()); first = false) {
        const Arg* arg = cx.args.next("flags");
        if (arg && (!parse_flags(*arg, flags, error) || (arg->is_list() && !first)))
            cx.args.fail(error.empty() ? "Invalid flags" : error);
        if (arg && arg->is_list())
            break;
    }
    cx.args.end();
    // \Recent belongs to the server (RFC 3501 §2.3.2): naming it changes nothing.
    request.change.flags = flags.system;
    request.change.keywords = std::move(flags.keywords);
    return cx.args.ok();
}

}  // namespace

Reply cmd_store(CommandContext& cx)
{
    StoreRequest request;
    if (!parse_store(cx, request))
        return Reply::bad(cx.args.error());
    SelectedMailbox& box = *cx.session.selected();
    if (box.read_only())
        return Reply::no("Mailbox is read-only.");
    std::vector<std::uint32_t> positions;
    if (!box.positions(request.set, cx.uid, positions))
        return Reply::bad("Invalid message sequence number");
    if (request.unchanged_since)
        cx.session.enable_condstore();
    std::vector<mailstore::Uid> uids;
    for (auto position : positions)
        uids.push_back(box.at(position).uid);
    auto result = box.view().update_flags(uids, request.change, request.unchanged_since);
    if (!result)
        return storage_failure(result.error(), cx.session.log());
    box.announce_new_keywords(cx.session.out());
    std::sort(result->conflicted.begin(), result->conflicted.end());
    std::sort(result->changed.begin(), result->changed.end());
    const bool condstore = cx.session.condstore();
    std::vector<std::uint32_t> modified;
    for (auto position : positions) {
        const auto& record = box.at(position);
        const auto msn = position + 1;
        if (std::binary_search(result->conflicted.begin(), result->conflicted.end(), record.uid)) {
            modified.push_back(cx.uid ? record.uid : msn);
        } else if (!request.silent) {
            box.append_fetch_flags(cx.session.out(), msn, record, cx.uid, condstore);
        } else if (condstore && std::binary_search(result->changed.begin(), result->changed.end(), record.uid)) {
            // RFC 7162 §3.1.3: the new mod-sequence is reported even for .SILENT.
            cx.session.out() += "* " + std::to_string(msn) + " FETCH (" +
                                (cx.uid ? "UID " + std::to_string(record.uid) + " " : std::string()) + "MODSEQ (" +
                                std::to_string(record.modseq) + "))\r\n";
        }
    }
    if (!modified.empty())
        return Reply::ok("Conditional STORE failed.", "MODIFIED " + format_sequence(modified));
    return Reply::ok("Store completed.");
}

}  // namespace mailroom::imap
