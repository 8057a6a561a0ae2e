// mailstore/mailbox_list.hpp - one user's mailbox hierarchy on disk: where a named mailbox
// and its index live, listing (Maildir++ ".Name" directories or a tree of mbox files),
// creating, deleting, renaming, subscriptions, and RFC 6154 special-use names.
// Internal to mailstore/; UserStore wraps it.
#pragma once
#include "mailstore/shared_mailbox.hpp"

namespace mailroom::mailstore {

// Canonicalizes `name` and says where the mailbox and its index are.
Result<MailboxPaths> mailbox_paths(const MailLocation& location, std::string_view name);
bool mailbox_exists(const MailboxPaths& paths);

// Every mailbox (INBOX first), with parents that exist only as names marked not selectable.
Result<std::vector<MailboxListEntry>> list_mailboxes(const MailLocation& location);

Result<void> create_mailbox(const MailLocation& location, const MailboxPaths& paths);
// Refuses INBOX and mailboxes with children (Errc::has_children).
Result<void> delete_mailbox(const MailLocation& location, const MailboxPaths& paths);
// Renames a mailbox other than INBOX together with its children.
Result<void> rename_mailbox(const MailLocation& location, const MailboxPaths& from, const MailboxPaths& to);

std::vector<std::string> read_subscriptions(const MailLocation& location);
Result<void> write_subscriptions(const MailLocation& location, const std::vector<std::string>& names);

// "\\Sent" for "Sent" etc. (the names auto_create_folders documents); empty otherwise.
std::string special_use_for(std::string_view name);

}  // namespace mailroom::mailstore
