// tests/unit/message/test_date.cpp - Date: parsing (RFC 5322 §3.3, obsolete §4.3) and the
// IMAP date-time form (RFC 3501 §9).
#include "mailstore/message/date.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

TEST_CASE("parse_date: accepted forms, as UTC seconds and zone")
{
    struct Row { std::string in; std::int64_t utc; int zone; };
    const Row rows[] = {
        {"Mon, 7 Feb 1994 21:52:25 -0800 (PST)", 760686745, -480},
        {"7 Feb 1994 21:52:25 -0800", 760686745, -480},              // no weekday
        {"Mon,7 Feb 1994 21:52:25 -0800", 760686745, -480},
        {"Mon 7 Feb 1994 21:52:25 -0800", 760686745, -480},          // no comma
        {"  Mon ,  7  Feb  1994  21 : 52 : 25  -0800  ", 760686745, -480},
        {"Thu, 13 Feb 1969 23:32:54 -0330", -27723426, -210},         // before the epoch
        {"1 Jan 99 12:00 EST", 915210000, -300},                       // 2-digit year, no seconds
        {"1 Jan 49 00:00:00 GMT", 2493072000, 0},                      // < 50 -> 20xx
        {"1 Jan 103 00:00:00 +0000", 1041379200, 0},                   // 3-digit year + 1900
        {"1 jan 2000 00:00:00 UT", 946684800, 0},
        {"1 January 2000 00:00:00 PDT", 946710000, -420},
        {"1 Jan 2000 00:00:00 A", 946684800, 0},                        // military: -0000
        {"1 Jan 2000 00:00:00", 946684800, 0},                          // no zone
        {"1 Jan 2000 (comment) 00:00:00 (c) +0100", 946681200, 60},
        {"29 Feb 2000 23:59:60 +0000", 951868800, 0},                   // leap second kept
        {"Fri, 21 Nov 1997 09:55:06 -0600", 880127706, -360},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        const auto d = parse_date(r.in);
        REQUIRE(d.has_value());
        CHECK(d->utc_seconds == r.utc);
        CHECK(d->zone_minutes == r.zone);
    }
}

TEST_CASE("parse_date: rejected input")
{
    const std::string rows[] = {
        "", "   ", "garbage", "Mon,", "32 Jan 2000 00:00 +0000", "0 Jan 2000 00:00 +0000",
        "1 Foo 2000 00:00 +0000", "1 Jan 2000 24:00 +0000", "1 Jan 2000 00:60 +0000",
        "1 Jan 2000 00:00:61 +0000", "1 Jan 2000 00:00 +01", "1 Jan 2000 00:00 +0160",
        "1 Jan 4294967296 00:00 +0000", "4294967296 Jan 2000 00:00 +0000", "1 Jan 2000",
        "1 Jan 2000 00", "1 Jan 2000 00:", "(unterminated comment", std::string("1 Jan\0 2000 00:00", 17),
    };
    for (const auto& in : rows) {
        CAPTURE(in);
        CHECK_FALSE(parse_date(in).has_value());
    }
}

TEST_CASE("format_imap_date_time")
{
    CHECK(format_imap_date_time(*parse_date("Mon, 7 Feb 1994 21:52:25 -0800")) == " 7-Feb-1994 21:52:25 -0800");
    CHECK(format_imap_date_time(*parse_date("Thu, 13 Feb 1969 23:32:54 -0330")) == "13-Feb-1969 23:32:54 -0330");
    CHECK(format_imap_date_time(DateTime{0, 0}) == " 1-Jan-1970 00:00:00 +0000");
    CHECK(format_imap_date_time(DateTime{0, 90}) == " 1-Jan-1970 01:30:00 +0130");
    CHECK(format_imap_date_time(DateTime{-1, 0}) == "31-Dec-1969 23:59:59 +0000");
}
