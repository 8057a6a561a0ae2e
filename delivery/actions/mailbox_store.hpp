// delivery/actions/mailbox_store.hpp - writing one copy into a user's INBOX or folder with the
// right identity (Postfix mailbox.c "DELIVERY RIGHTS": the user's; for an mbox in a shared
// spool directory, the user with the directory's group, or mailroom's own rights with the
// new file handed to the user when only root may write there), after the quota and
// mailbox_size_limit checks. Internal to delivery/actions/.
#pragma once
#include "core/auth/user.hpp"
#include "core/config/config.hpp"
#include "delivery/settings.hpp"
#include "delivery/status.hpp"
#include "mailstore/location.hpp"

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::delivery {

class StoreJournal;

struct StoreRequest {
    const core::User& user;
    const mailstore::MailLocation& location;
    std::string folder;            // canonical folder name; empty: INBOX
    std::string_view bytes;        // the complete copy, trace headers included
    std::string envelope_sender;   // for the mbox From_ line
    std::time_t arrival = 0;
    StoreJournal* journal = nullptr;   // journaled_store.hpp; null: no hand-off record
};

// Stores the copy durably (fsync'd) or not at all. Success text: "delivered to maildir",
// "delivered to mailbox", or "... folder NAME".
Status store_in_mailbox(const DeliverySettings& settings, const core::Config& config, const StoreRequest& request);

// The quota and mailbox_size_limit check alone, for a message of `size` bytes into INBOX
// (LMTP RCPT time, with the size from MAIL FROM SIZE=). A status when it would not fit.
std::optional<Status> check_mailbox_space(const DeliverySettings& settings, const core::Config& config,
                                          const core::User& user, std::uint64_t size);

// True when `folder` exists for the user (checked with the owner's identity); `canonical`
// receives its canonical name. Invalid names are simply absent.
bool folder_exists(const mailstore::MailLocation& location, std::string_view folder, std::string& canonical);

}  // namespace mailroom::delivery
