// imap/cmd_create.cpp - the mailbox hierarchy: CREATE, DELETE, RENAME (RFC 3501 §6.3.3-5,
// renaming INBOX moves its messages), SUBSCRIBE and UNSUBSCRIBE (§6.3.6-7). Names arrive in
// modified UTF-7; the store refuses names that could leave the user's mail ([CANNOT]).
#include "imap/commands.hpp"
#include "imap/storage_error.hpp"
#include "mailstore/mailbox_name.hpp"

namespace mailroom::imap {
namespace {

// A trailing separator declares the intent to create children (RFC 3501 §6.3.3): the
// mailbox itself is what gets created.
std::string without_trailing_separator(std::string name)
{
    while (name.size() > 1 && name.back() == mailstore::hierarchy_separator)
        name.pop_back();
    return name;
}

bool is_selected(Session& session, std::string_view name)
{
    SelectedMailbox* box = session.selected();
    if (!box)
        return false;
    auto canonical = mailstore::canonical_mailbox_name(name, false);
    return canonical && *canonical == box->view().name();
}

}  // namespace

Reply cmd_create(CommandContext& cx)
{
    const std::string name = without_trailing_separator(cx.args.mailbox());
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (mailstore::is_inbox(name))
        return Reply::no("INBOX always exists.", "ALREADYEXISTS");
    if (auto created = cx.session.store().create(name); !created)
        return storage_failure(created.error(), cx.session.log());
    return Reply::ok("Create completed.");
}

Reply cmd_delete(CommandContext& cx)
{
    const std::string name = cx.args.mailbox();
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (mailstore::is_inbox(name))
        return Reply::no("INBOX can't be deleted.", "CANNOT");
    // The session's own view must not keep the mailbox's files open while they go away.
    if (is_selected(cx.session, name)) {
        cx.session.deselect();
        cx.session.out() += "* OK [CLOSED] Selected mailbox deleted.\r\n";
    }
    if (auto removed = cx.session.store().remove(name); !removed)
        return storage_failure(removed.error(), cx.session.log());
    return Reply::ok("Delete completed.");
}

Reply cmd_rename(CommandContext& cx)
{
    const std::string from = cx.args.mailbox();
    const std::string to = without_trailing_separator(cx.args.mailbox());
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (auto renamed = cx.session.store().rename(from, to); !renamed)
        return storage_failure(renamed.error(), cx.session.log());
    return Reply::ok("Rename completed.");
}

Reply cmd_subscribe(CommandContext& cx)
{
    const std::string name = without_trailing_separator(cx.args.mailbox());
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    const bool subscribe = cx.command.name == "SUBSCRIBE";
    if (auto changed = cx.session.store().set_subscribed(name, subscribe); !changed)
        return storage_failure(changed.error(), cx.session.log());
    return Reply::ok(subscribe ? "Subscribe completed." : "Unsubscribe completed.");
}

}  // namespace mailroom::imap
