// mta/queue/dsn.hpp - the bounce message, and the delay warning (Postfix's delay_warning_time:
// Action: delayed with Will-Retry-Until, RFC 3464 section 2.3.3 and 2.3.9): an RFC 3464
// delivery status notification inside an
// RFC 6522 multipart/report (human-readable part, message/delivery-status with per-message
// and per-recipient fields, then the returned headers as text/rfc822-headers), sent from the
// null sender so that it can never bounce itself (RFC 5321 section 4.5.5).
#pragma once
#include "core/smtp/status.hpp"

#include <ctime>
#include <string>
#include <vector>

namespace mailroom::mta {

struct FailedRecipient {
    std::string address;
    core::smtp::Status status;
    std::string remote_reply;   // "smtp; 550 5.1.1 <x@y>: unknown user" or empty
    bool delayed_too_long = false;
};

struct BounceInput {
    std::string reporting_host;   // myhostname
    std::string postmaster;       // MAILER-DAEMON@myhostname
    std::string original_sender;
    std::string original_id;
    std::time_t arrival = 0;
    std::time_t now = 0;
    std::vector<FailedRecipient> recipients;
    std::string original_message;   // LF line ends; its header block is returned
    std::time_t retry_until = 0;     // set: a delay warning for recipients still being retried
};

// The complete message with LF line ends.
std::string make_bounce(const BounceInput& input);

// RFC 5322 date-time for Date: and Arrival-Date: in UTC ("Fri, 27 Nov 2026 08:10:00 +0000").
std::string rfc5322_date(std::time_t when);

}  // namespace mailroom::mta
