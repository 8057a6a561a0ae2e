// tests/unit/mta/test_dsn.cpp - the bounce message, the delay warning and the success notice
// (RFC 3464 inside RFC 6522 multipart/report), with RFC 3461's ENVID, ORCPT and RET.
#include "mta/queue/dsn.hpp"

#include <doctest/doctest.h>

using namespace mailroom::mta;

TEST_CASE("a bounce names each failed recipient with its status and returns the headers")
{
    ReportInput input;
    input.reporting_host = "mail.example.com";
    input.postmaster = "MAILER-DAEMON@mail.example.com";
    input.original_sender = "ann@example.com";
    input.original_id = "0123456789AB";
    input.arrival = 0;
    input.now = 86400;
    input.recipients = {{"far@remote.example", mailroom::core::smtp::Status::make("5.1.1", "unknown"),
                         "smtp; 550 5.1.1 unknown user", false},
                        {"slow@remote.example", mailroom::core::smtp::Status::make("4.4.1", "connect failed"), "", true}};
    input.original_message = "Subject: hello\nFrom: ann@example.com\n\nsecret body\n";
    const std::string bounce = make_report(input);
    for (const char* expected :
         {"From: Mail Delivery System <MAILER-DAEMON@mail.example.com>\n", "To: <ann@example.com>\n",
          "Content-Type: multipart/report; report-type=delivery-status;", "Auto-Submitted: auto-replied\n",
          "Content-Type: message/delivery-status\n", "Reporting-MTA: dns; mail.example.com\n",
          "Arrival-Date: Thu, 01 Jan 1970 00:00:00 +0000\n", "Final-Recipient: rfc822; far@remote.example\n",
          "Status: 5.1.1\n", "Diagnostic-Code: smtp; 550 5.1.1 unknown user\n",
          "Final-Recipient: rfc822; slow@remote.example\n", "Status: 4.4.1\n", "Action: failed\n",
          "delivery time expired", "Content-Type: text/rfc822-headers\n", "Subject: hello\n"}) {
        CAPTURE(expected);
        CHECK(bounce.find(expected) != std::string::npos);
    }
    CHECK(bounce.find("secret body") == std::string::npos);   // headers only
    CHECK(bounce.find("Date: Fri, 02 Jan 1970 00:00:00 +0000\n") != std::string::npos);
}

TEST_CASE("a delay warning says delayed, until when, and that nothing needs resending")
{
    ReportInput input;
    input.reporting_host = "mail.example.com";
    input.postmaster = "MAILER-DAEMON@mail.example.com";
    input.original_sender = "ann@example.com";
    input.original_id = "0123456789AB";
    input.now = 3600;
    input.kind = ReportKind::delay;
    input.retry_until = 5 * 86400;
    input.recipients = {{"slow@remote.example", mailroom::core::smtp::Status::make("4.4.1", "connect failed"), "", false}};
    input.original_message = "Subject: hello\n\nbody\n";
    const std::string warning = make_report(input);
    for (const char* expected :
         {"Subject: Delayed Mail (still being retried)\n", "you do not need to resend your message",
          "Final-Recipient: rfc822; slow@remote.example\n", "Action: delayed\n", "Status: 4.4.1\n",
          "Will-Retry-Until: Tue, 06 Jan 1970 00:00:00 +0000\n", "Content-Description: Delayed Message Headers\n"}) {
        CAPTURE(expected);
        CHECK(warning.find(expected) != std::string::npos);
    }
    CHECK(warning.find("Action: failed") == std::string::npos);
    CHECK(warning.find("Original-Envelope-Id") == std::string::npos);   // no ENVID given
    CHECK(warning.find("Original-Recipient") == std::string::npos);
}

TEST_CASE("RFC 5322 dates in UTC")
{
    CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(rfc5322_date(1700000000) == "Tue, 14 Nov 2023 22:13:20 +0000");
}

namespace {

ReportInput dsn_input(ReportKind kind)
{
    ReportInput input;
    input.reporting_host = "mail.example.com";
    input.postmaster = "MAILER-DAEMON@mail.example.com";
    input.original_sender = "ann@example.com";
    input.original_id = "0123456789AB";
    input.kind = kind;
    input.dsn.envid = "QQ314159 ann";
    mailroom::core::smtp::RcptDsn orcpt;
    orcpt.notify = mailroom::core::smtp::notify_success;
    orcpt.orcpt_type = "rfc822";
    orcpt.orcpt = "Bob+box@example.com";
    input.recipients = {{"bob@example.com", mailroom::core::smtp::Status::make("2.0.0", "delivered"),
                         "lmtp; 250 2.0.0 <bob@example.com> delivered", false, orcpt, false},
                        {"far@remote.example", mailroom::core::smtp::Status::make("2.0.0", "queued"),
                         "smtp; 250 2.0.0 Ok: queued", false, {}, true}};
    input.original_message = "Subject: hello\nFrom: ann@example.com\n\nsecret body\n";
    return input;
}

// The field `name` inside the delivery-status part, with its value; "" when absent.
std::string status_field(const std::string& report, const std::string& name, std::size_t from = 0)
{
    const auto part = report.find("Content-Type: message/delivery-status\n");
    const auto at = report.find("\n" + name + ": ", std::max(part, from));
    if (part == std::string::npos || at == std::string::npos)
        return {};
    const auto end = report.find('\n', at + 1);
    return report.substr(at + 1, end - at - 1);
}

}  // namespace

TEST_CASE("a success notice: Action delivered or relayed, the ENVID and the ORCPT in their fields")
{
    const std::string report = make_report(dsn_input(ReportKind::success));
    CHECK(report.find("Subject: Successful Mail Delivery Report\n") != std::string::npos);
    CHECK(status_field(report, "Original-Envelope-Id") == "Original-Envelope-Id: QQ314159 ann");
    // RFC 3464 2.2.1: Original-Envelope-Id comes first among the per-message fields.
    CHECK(report.find("Original-Envelope-Id:") < report.find("Reporting-MTA:"));
    CHECK(status_field(report, "Original-Recipient") == "Original-Recipient: rfc822;Bob+box@example.com");
    // 2.3.1: before the Final-Recipient it belongs to.
    const auto original = report.find("Original-Recipient:");
    CHECK(original < report.find("Final-Recipient: rfc822; bob@example.com"));
    const auto second = report.find("Final-Recipient: rfc822; far@remote.example");
    CHECK(status_field(report, "Action") == "Action: delivered");
    CHECK(status_field(report, "Action", second) == "Action: relayed");
    CHECK(report.find("Original-Recipient:", original + 1) == std::string::npos);   // only bob gave one
    CHECK(report.find("Diagnostic-Code: lmtp; 250 2.0.0 <bob@example.com> delivered\n") != std::string::npos);
    CHECK(report.find("Content-Description: Delivered Message Headers\n") != std::string::npos);
    CHECK(report.find("secret body") == std::string::npos);
    CHECK(report.find("Action: failed") == std::string::npos);
}

TEST_CASE("RET: the whole message with RET=FULL up to the size limit, else only the headers")
{
    ReportInput input = dsn_input(ReportKind::failure);
    input.recipients[0].status = mailroom::core::smtp::Status::make("5.1.1", "unknown user");
    input.dsn.ret = mailroom::core::smtp::DsnReturn::full;
    std::string report = make_report(input);
    CHECK(report.find("Content-Type: message/rfc822\n\nSubject: hello\n") != std::string::npos);
    CHECK(report.find("secret body\n") != std::string::npos);
    CHECK(report.find("text/rfc822-headers") == std::string::npos);
    CHECK(report.find("Content-Transfer-Encoding") == std::string::npos);

    input.original_message += "caf\xc3\xa9\n";   // 8-bit content is declared (RFC 2046 5.2.1)
    CHECK(make_report(input).find("Content-Type: message/rfc822\nContent-Transfer-Encoding: 8bit\n") !=
          std::string::npos);

    input.return_limit = 10;   // bounce_size_limit: too big to return in full
    report = make_report(input);
    CHECK(report.find("secret body") == std::string::npos);
    CHECK(report.find("Content-Type: text/rfc822-headers\n\nSubject: hello\n") != std::string::npos);
    CHECK(report.find("too large to be returned in full") != std::string::npos);

    input.return_limit = 0;
    input.dsn.ret = mailroom::core::smtp::DsnReturn::headers;
    report = make_report(input);
    CHECK(report.find("secret body") == std::string::npos);
    CHECK(report.find("text/rfc822-headers") != std::string::npos);

    input.dsn.ret = mailroom::core::smtp::DsnReturn::full;   // RET concerns failures only
    input.kind = ReportKind::delay;
    CHECK(make_report(input).find("secret body") == std::string::npos);
}
