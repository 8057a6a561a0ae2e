// mta/queue/dsn.cpp - RFC 3464 delivery status notifications (see dsn.hpp).
#include "mta/queue/dsn.hpp"

#include "core/log/log.hpp"

#include <algorithm>

namespace mailroom::mta {
namespace {

std::string header_block(const std::string& message)
{
    const auto end = message.find("\n\n");
    return end == std::string::npos ? message : message.substr(0, end + 1);
}

const char* action(ReportKind kind, const ReportedRecipient& r)
{
    switch (kind) {
    case ReportKind::failure: return "failed";
    case ReportKind::delay: return "delayed";
    case ReportKind::success: break;
    }
    return r.relayed ? "relayed" : "delivered";
}

// RFC 3464 section 2.3: Original-Recipient (2.3.1, from ORCPT) comes before Final-Recipient.
std::string per_recipient_fields(const ReportInput& in, const ReportedRecipient& r)
{
    std::string out = "\n";
    if (!r.dsn.orcpt_type.empty())
        out += "Original-Recipient: " + r.dsn.orcpt_type + ";" + core::smtp::one_line(r.dsn.orcpt) + "\n";
    out += "Final-Recipient: rfc822; " + r.address + "\n";
    out += "Action: " + std::string(action(in.kind, r)) + "\n";
    out += "Status: " + r.status.enhanced + "\n";
    if (!r.remote_reply.empty())
        out += "Diagnostic-Code: " + r.remote_reply + "\n";
    else
        out += "Diagnostic-Code: X-mailroom; " + core::smtp::one_line(r.status.text) + "\n";
    if (in.kind == ReportKind::delay && in.retry_until)
        out += "Will-Retry-Until: " + rfc5322_date(in.retry_until) + "\n";
    return out;
}

std::string subject(ReportKind kind)
{
    switch (kind) {
    case ReportKind::failure: return "Undelivered Mail Returned to Sender";
    case ReportKind::delay: return "Delayed Mail (still being retried)";
    case ReportKind::success: break;
    }
    return "Successful Mail Delivery Report";
}

std::string explanation(const ReportInput& in, bool too_big)
{
    switch (in.kind) {
    case ReportKind::failure:
        return std::string("I'm sorry to have to inform you that your message could not\nbe delivered to one or more "
                           "recipients.\n\n") +
               (too_big ? "Your message was too large to be returned in full: only its headers follow.\n\n" : "");
    case ReportKind::delay:
        return "This is a warning only: you do not need to resend your message.\n\nYour message could not yet be "
               "delivered to the recipients below.\nThe mail system will keep trying until " +
               rfc5322_date(in.retry_until) + ".\n\n";
    case ReportKind::success: break;
    }
    return "Your message was delivered to the recipients below, as you asked\n(NOTIFY=SUCCESS). A recipient "
           "marked \"relayed\" was handed to a mail\nsystem that sends no such reports: this is the last one you "
           "get for it,\nbut you may still hear of a failure from there.\n\n";
}

bool has_8bit(const std::string& text)
{
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
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

std::string make_report(const ReportInput& in)
{
    // RFC 3461 4.3: RET concerns failure reports. A message over the limit returns only its
    // headers, like Postfix with bounce_size_limit, rather than a cut-off MIME structure.
    const bool want_full = in.kind == ReportKind::failure && in.dsn.ret == core::smtp::DsnReturn::full;
    const bool too_big = want_full && in.return_limit != 0 && in.original_message.size() > in.return_limit;
    const bool return_full = want_full && !too_big;

    const std::string boundary = core::new_log_id() + "/" + in.reporting_host;
    std::string out;
    out += "From: Mail Delivery System <" + in.postmaster + ">\n";
    out += "To: <" + in.original_sender + ">\n";
    out += "Subject: " + subject(in.kind) + "\n";
    out += "Date: " + rfc5322_date(in.now) + "\n";
    out += "Message-ID: <" + core::new_log_id() + "." + in.original_id + "@" + in.reporting_host + ">\n";
    out += "Auto-Submitted: auto-replied\n";   // RFC 3834 section 5
    out += "MIME-Version: 1.0\n";
    out += "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"" + boundary + "\"\n\n";
    out += "This is a MIME-encapsulated message.\n\n";

    out += "--" + boundary + "\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n";
    out += "This is the mail system at host " + in.reporting_host + ".\n\n";
    out += explanation(in, too_big);
    for (const auto& r : in.recipients)
        out += "<" + r.address + ">: " +
               (r.delayed_too_long ? "delivery time expired; last problem: " : std::string()) +
               core::smtp::one_line(r.remote_reply.empty() ? r.status.text : r.remote_reply) + "\n";
    out += "\n--" + boundary + "\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n";
    if (!in.dsn.envid.empty())   // RFC 3464 2.2.1, the ENVID as the sender gave it
        out += "Original-Envelope-Id: " + core::smtp::one_line(in.dsn.envid) + "\n";
    out += "Reporting-MTA: dns; " + in.reporting_host + "\n";
    out += "X-Mailroom-Queue-ID: " + in.original_id + "\n";
    out += "Arrival-Date: " + rfc5322_date(in.arrival) + "\n";
    for (const auto& r : in.recipients)
        out += per_recipient_fields(in, r);
    const char* what = in.kind == ReportKind::failure ? "Undelivered"
                       : in.kind == ReportKind::delay ? "Delayed"
                                                      : "Delivered";
    if (return_full) {
        out += "\n--" + boundary + "\nContent-Description: " + what + " Message\nContent-Type: message/rfc822\n";
        if (has_8bit(in.original_message))
            out += "Content-Transfer-Encoding: 8bit\n";
        out += "\n" + in.original_message;
        if (!in.original_message.empty() && !in.original_message.ends_with('\n'))
            out += "\n";
    } else {
        out += "\n--" + boundary + "\nContent-Description: " + what + " Message Headers\n";
        out += "Content-Type: text/rfc822-headers\n\n";
        out += header_block(in.original_message);
    }
    out += "\n--" + boundary + "--\n";
    return out;
}

}  // namespace mailroom::mta
