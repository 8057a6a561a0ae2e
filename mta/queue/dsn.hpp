// mta/queue/dsn.hpp - the delivery status notifications the queue sends: the bounce (Action:
// failed), the delay warning (Postfix's delay_warning_time: Action: delayed with
// Will-Retry-Until, RFC 3464 section 2.3.3 and 2.3.9) and the success notice an RFC 3461
// NOTIFY=SUCCESS asks for (Action: delivered, or relayed to a server that does not offer DSN).
// Each is an RFC 3464 report inside an RFC 6522 multipart/report (human-readable part,
// message/delivery-status with the per-message fields - Original-Envelope-Id from ENVID - and
// per-recipient ones - Original-Recipient from ORCPT -, then the returned headers as
// text/rfc822-headers, or for a bounce with RET=FULL the whole message as message/rfc822 when
// it is not over the size limit), sent from the null sender so that it can never bounce itself
// (RFC 5321 section 4.5.5).
#pragma once
#include "core/smtp/dsn_parameters.hpp"
#include "core/smtp/status.hpp"

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace mailroom::mta {

enum class ReportKind { failure, delay, success };

struct ReportedRecipient {
    std::string address;
    core::smtp::Status status;
    std::string remote_reply;   // "smtp; 550 5.1.1 <x@y>: unknown user" or empty
    bool delayed_too_long = false;
    core::smtp::RcptDsn dsn = {};   // NOTIFY and ORCPT as the sender gave them
    bool relayed = false;           // success: handed to a server without DSN (Action: relayed)
};

struct ReportInput {
    std::string reporting_host;   // myhostname
    std::string postmaster;       // MAILER-DAEMON@myhostname
    std::string original_sender;
    std::string original_id;
    std::time_t arrival = 0;
    std::time_t now = 0;
    std::vector<ReportedRecipient> recipients;
    std::string original_message;   // LF line ends; its header block is returned
    ReportKind kind = ReportKind::failure;
    std::time_t retry_until = 0;     // a delay warning: until when the queue keeps trying
    core::smtp::MailDsn dsn = {};    // RET (for a bounce) and ENVID
    std::uint64_t return_limit = 0;  // RET=FULL returns a message up to this size (0: any size)
};

// The complete message with LF line ends.
std::string make_report(const ReportInput& input);

// RFC 5322 date-time for Date: and Arrival-Date: in UTC ("Fri, 27 Nov 2026 08:10:00 +0000").
std::string rfc5322_date(std::time_t when);

}  // namespace mailroom::mta
