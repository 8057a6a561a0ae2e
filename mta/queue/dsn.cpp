// mta/queue/dsn.cpp - RFC 3464 bounce messages (see dsn.hpp).
#include "mta/queue/dsn.hpp"

#include "core/log/log.hpp"

namespace mailroom::mta {
namespace {

std::string header_block(const std::string& message)
{
    const auto end = message.find("\n\n");
    return end == std::string::npos ? message : message.substr(0, end + 1);
}

std::string per_recipient_fields(const FailedRecipient& r, std::time_t retry_until)
{
    std::string out = "\nFinal-Recipient: rfc822; " + r.address + "\n";
    out += retry_until ? "Action: delayed\n" : "Action: failed\n";
    out += "Status: " + r.status.enhanced + "\n";
    if (!r.remote_reply.empty())
        out += "Diagnostic-Code: " + r.remote_reply + "\n";
    else
        out += "Diagnostic-Code: X-mailroom; " + core::smtp::one_line(r.status.text) + "\n";
    if (retry_until)
        out += "Will-Retry-Until: " + rfc5322_date(retry_until) + "\n";
    return out;
}

}  // namespace

std::string rfc5322_date(std::time_t when)
{
    struct tm tm{};
    gmtime_r(&when, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buffer;
}

std::string make_bounce(const BounceInput& in)
{
    const std::string boundary = core::new_log_id() + "/" + in.reporting_host;
    std::string out;
    out += "From: Mail Delivery System <" + in.postmaster + ">\n";
    out += "To: <" + in.original_sender + ">\n";
    const bool delayed = in.retry_until != 0;
    out += delayed ? "Subject: Delayed Mail (still being retried)\n" : "Subject: Undelivered Mail Returned to Sender\n";
    out += "Date: " + rfc5322_date(in.now) + "\n";
    out += "Message-ID: <" + core::new_log_id() + "." + in.original_id + "@" + in.reporting_host + ">\n";
    out += "Auto-Submitted: auto-replied\n";   // RFC 3834 section 5
    out += "MIME-Version: 1.0\n";
    out += "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"" + boundary + "\"\n\n";
    out += "This is a MIME-encapsulated message.\n\n";

    out += "--" + boundary + "\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n";
    out += "This is the mail system at host " + in.reporting_host + ".\n\n";
    if (delayed)
        out += "This is a warning only: you do not need to resend your message.\n\nYour message could not yet be "
               "delivered to the recipients below.\nThe mail system will keep trying until " +
               rfc5322_date(in.retry_until) + ".\n\n";
    else
        out += "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n";
    for (const auto& r : in.recipients)
        out += "<" + r.address + ">: " +
               (r.delayed_too_long ? "delivery time expired; last problem: " : std::string()) +
               core::smtp::one_line(r.remote_reply.empty() ? r.status.text : r.remote_reply) + "\n";
    out += "\n--" + boundary + "\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n";
    out += "Reporting-MTA: dns; " + in.reporting_host + "\n";
    out += "X-Mailroom-Queue-ID: " + in.original_id + "\n";
    out += "Arrival-Date: " + rfc5322_date(in.arrival) + "\n";
    for (const auto& r : in.recipients)
        out += per_recipient_fields(r, in.retry_until);
    out += "\n--" + boundary + "\nContent-Description: " + (delayed ? "Delayed" : "Undelivered") + " Message Headers\n";
    out += "Content-Type: text/rfc822-headers\n\n";
    out += header_block(in.original_message);
    out += "\n--" + boundary + "--\n";
    return out;
}

}  // namespace mailroom::mta
