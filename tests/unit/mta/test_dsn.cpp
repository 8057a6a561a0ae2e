// tests/unit/mta/test_dsn.cpp - the bounce message and the delay warning (RFC 3464 inside RFC
// 6522 multipart/report).
#include "mta/queue/dsn.hpp"

#include <doctest/doctest.h>

using namespace mailroom::mta;

TEST_CASE("a bounce names each failed recipient with its status and returns the headers")
{
    BounceInput input;
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
    const std::string bounce = make_bounce(input);
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
    BounceInput input;
    input.reporting_host = "mail.example.com";
    input.postmaster = "MAILER-DAEMON@mail.example.com";
    input.original_sender = "ann@example.com";
    input.original_id = "0123456789AB";
    input.now = 3600;
    input.retry_until = 5 * 86400;
    input.recipients = {{"slow@remote.example", mailroom::core::smtp::Status::make("4.4.1", "connect failed"), "", false}};
    input.original_message = "Subject: hello\n\nbody\n";
    const std::string warning = make_bounce(input);
    for (const char* expected :
         {"Subject: Delayed Mail (still being retried)\n", "you do not need to resend your message",
          "Final-Recipient: rfc822; slow@remote.example\n", "Action: delayed\n", "Status: 4.4.1\n",
          "Will-Retry-Until: Tue, 06 Jan 1970 00:00:00 +0000\n", "Content-Description: Delayed Message Headers\n"}) {
        CAPTURE(expected);
        CHECK(warning.find(expected) != std::string::npos);
    }
    CHECK(warning.find("Action: failed") == std::string::npos);
}

TEST_CASE("RFC 5322 dates in UTC")
{
    CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(rfc5322_date(1700000000) == "Tue, 14 Nov 2023 22:13:20 +0000");
}
