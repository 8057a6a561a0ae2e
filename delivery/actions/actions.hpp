// delivery/actions/actions.hpp - carrying out one Destination (Postfix local(8)'s leaves:
// mailbox.c, file.c, command.c, forward.c). Each writes a complete copy or nothing and says
// so with an RFC 3463 status. Synchronous and blocking: run on a blocking-pool thread; file
// writes take the owner's file-system identity (core::ScopedFsIdentity) for their duration.
#pragma once
#include "core/config/config.hpp"
#include "core/log/log.hpp"
#include "delivery/resolve/destination.hpp"
#include "delivery/settings.hpp"
#include "delivery/status.hpp"
#include "delivery/trace_headers.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mailroom::filters {
class Engine;
}

namespace mailroom::delivery {

class StoreJournal;

// What every destination of one message shares.
struct MessageContext {
    const DeliverySettings& settings;
    const core::Config& config;
    std::string_view message;         // as received, LF line ends, no From_ line
    TraceInfo trace;
    std::string original_recipient;   // ORIGINAL_RECIPIENT: the address as the client gave it
    filters::Engine* filters = nullptr;   // procmailrc engine for the filter step; null: none
    const core::Logger* log = nullptr;    // for warnings (ignored rc files, filter errors)
    StoreJournal* journal = nullptr;      // the recipient's hand-off journal (journaled_store.hpp); null: none
};

// The header lines on top of a stored or piped copy: Return-Path, Delivered-To, Received;
// the first two are left out when the message already starts with the very same line.
std::string trace_block(const MessageContext& context, const Destination& destination);

// `prefix` followed by the message, in one allocation (messages may be large).
std::string message_copy(std::string prefix, std::string_view message);

struct MailboxOptions {
    std::string folder;   // a folder to prefer over INBOX when it exists (mailroom deliver -m)
};

// The user's mailbox: mailbox_command for local users when set; else the filter step (the
// site's and the user's procmailrc, see filter.hpp) when there is one; else INBOX, or the
// folder named by the address extension (lmtp_save_to_detail_mailbox) or options.folder when
// that folder exists. Quota and mailbox_size_limit apply (5.2.2, or 4.2.2 with
// quota_full_tempfail). An mbox INBOX in a shared spool directory is created as the user with
// the directory's group when the directory is group-writable (Postfix's mailbox.c).
Status deliver_mailbox(const MessageContext& context, const Destination& destination, const MailboxOptions& options);

// /path: appended to an mbox file (created 0600 if missing), or a Maildir when the path ends
// in '/'; /dev/null accepts and drops. Written with the destination's rights.
Status deliver_file(const MessageContext& context, const Destination& destination);

// |command (or mailbox_command): /bin/sh -c as the destination's rights (never root: those
// become default_privs), in its home, with the environment of local(8) and the From_ line
// and trace headers before the message on stdin.
Status deliver_command(const MessageContext& context, const Destination& destination);

// Re-submits the message to the MTA for `destinations` (all with the same sender and
// Delivered-To): sendmail_path -i -f SENDER -- ADDRESS... with Delivered-To: and Received:
// prepended, as local(8)'s forward.c does.
Status forward_message(const MessageContext& context, const std::vector<const Destination*>& destinations);

}  // namespace mailroom::delivery
