// delivery/pipeline.hpp - one message to one recipient, shared by LMTP and `mailroom
// deliver`: resolve (users, aliases, .forward, extension) -> Delivered-To loop check ->
// actions (mailbox, file, command, forward) -> one RFC 3463 status for the reply (RFC 2033
// section 4.2), and one log line per destination in Postfix's format. Blocking: run it on
// a blocking-pool thread.
#pragma once
#include "core/auth/user_database.hpp"
#include "core/config/config.hpp"
#include "core/log/log.hpp"
#include "delivery/resolve/alias_maps.hpp"
#include "delivery/settings.hpp"
#include "delivery/status.hpp"
#include "delivery/trace_headers.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace mailroom::filters {
class Engine;
}

namespace mailroom::delivery {

// What deliveries need from one configuration snapshot; shared by every session using it.
struct DeliveryServices {
    DeliverySettings settings;
    std::shared_ptr<const core::Config> config;
    std::shared_ptr<core::UserDatabase> users;
    std::shared_ptr<AliasMaps> aliases;   // long-lived: outlives snapshots to keep its cache
    std::shared_ptr<filters::Engine> filters;   // long-lived too: caches parsed rc files
};

struct RecipientRequest {
    std::string address;        // as the client gave it (RCPT TO, mailroom deliver -a)
    std::string mailbox_user;   // set: straight to this user's mailbox, no aliases, .forward or
                                // Delivered-To: loop check: the MTA did those (mailroom deliver -d)
    std::string folder;         // preferred folder when it exists (mailroom deliver -m)
};

struct MessageInput {
    std::string_view message;   // LF line ends, no From_ line
    std::string sender;         // envelope sender; empty for <>
    TraceInfo trace;
    std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();   // for delay=
    std::string relay = "local";   // the log's relay= field
};

// Destinations delivered for earlier recipients of the same message: a later recipient
// that resolves to one of them does not get a second copy (duplicate elimination).
using DeliveredSet = std::set<std::string>;

// The RCPT-time check: the recipient resolves to at least one destination now, and its
// mailboxes have room for `size` bytes (MAIL FROM SIZE=, or 0). 250 2.1.5 when accepted.
Status check_recipient(DeliveryServices& services, std::string_view address, std::string_view sender,
                       std::uint64_t size);

class StoreJournal;

// Delivers to one recipient. The result is temporary when any destination failed
// temporarily (the client retries the whole recipient, as with local(8)), else permanent
// when any failed permanently, else success. With a `journal` (the message came with a
// hand-off record: actions/journaled_store.hpp) Maildir and mbox stores are journaled, and
// those an earlier attempt committed before a crash are not made again; each destination
// delivered is recorded too (the caller seeds `delivered` from the record).
Status deliver_to_recipient(DeliveryServices& services, const MessageInput& input, const RecipientRequest& request,
                            DeliveredSet& delivered, const core::Logger& log, StoreJournal* journal = nullptr);

}  // namespace mailroom::delivery
