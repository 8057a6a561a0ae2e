// tests/unit/imap/test_sequence_set.cpp - sequence sets (RFC 3501 §9 sequence-set, "*"
// §6.4.8), their compact form (RFC 4315 uid-set), and the IMAP date forms (§9 date-time, date).
#include "imap/protocol/imap_date.hpp"
#include "imap/protocol/sequence_set.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mailroom::imap;

namespace {

std::string ranges_text(const std::vector<SeqRange>& ranges)
{
    std::string out;
    for (const auto& r : ranges)
        out += (out.empty() ? "" : ",") + std::to_string(r.first) + ":" + std::to_string(r.last);
    return out;
}

}  // namespace

TEST_CASE("sequence sets resolve against the largest number")
{
    struct Row {
        const char* text;
        std::uint32_t largest;
        const char* ranges;
    };
    const Row rows[] = {
        {"1", 10, "1:1"},
        {"1:*", 10, "1:10"},
        {"*", 10, "10:10"},
        {"*:3", 10, "3:10"},
        {"5:2", 10, "2:5"},
        {"1,2,3,7:8,4", 10, "1:4,7:8"},
        {"12:*", 10, "10:12"},           // RFC 3501 §6.4.8: n:* covers the largest even when n is bigger
        {"1:*", 0, ""},                   // empty mailbox: "*" matches nothing
        {"3,1:*", 0, "3:3"},
        {"4294967295", 5, "4294967295:4294967295"},
        {"1:4294967295,2", 5, "1:4294967295"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        const auto set = SequenceSet::parse(row.text);
        REQUIRE(set);
        CHECK(ranges_text(set->resolve(row.largest)) == row.ranges);
    }
}

TEST_CASE("sequence sets refuse malformed text")
{
    const char* rows[] = {"", "0", "1:0", "01", "1,", ",1", "1,,2", "1:", ":1", "1::2", "4294967296",
                          "-1", "+1", "1 2", "a", "1:2:3", "**", "1:**", "12345678901", "$"};
    for (const char* text : rows) {
        CAPTURE(text);
        CHECK_FALSE(SequenceSet::parse(text));
    }
}

TEST_CASE("explicit numbers and stars")
{
    const auto set = SequenceSet::parse("3:7,*,2");
    REQUIRE(set);
    CHECK(set->highest_explicit() == 7);
    CHECK(set->uses_star());
    CHECK_FALSE(SequenceSet::parse("1:2")->uses_star());
}

TEST_CASE("ranges_contain")
{
    const auto ranges = SequenceSet::parse("1:3,7,10:12")->resolve(20);
    for (std::uint32_t n : {1u, 2u, 3u, 7u, 10u, 12u})
        CHECK(ranges_contain(ranges, n));
    for (std::uint32_t n : {0u, 4u, 6u, 8u, 9u, 13u, 4294967295u})
        CHECK_FALSE(ranges_contain(ranges, n));
}

TEST_CASE("format_sequence")
{
    using V = std::vector<std::uint32_t>;
    CHECK(format_sequence(V{}) == "");
    CHECK(format_sequence(V{5}) == "5");
    CHECK(format_sequence(V{1, 2, 3, 5, 7, 8}) == "1:3,5,7:8");
    CHECK(format_sequence(V{1, 1, 2}) == "1:2");
    CHECK(format_sequence(V{4294967294u, 4294967295u}) == "4294967294:4294967295");
}

TEST_CASE("date-time (APPEND, INTERNALDATE)")
{
    CHECK(parse_date_time("17-Jul-1996 02:44:25 -0700") == 837596665);
    CHECK(parse_date_time(" 7-Jul-1996 02:44:25 +0000") == 836707465);
    CHECK(parse_date_time("7-jul-1996 02:44:25 +0000") == 836707465);
    CHECK(parse_date_time("01-Jan-1970 00:00:00 +0000") == 0);
    CHECK(parse_date_time("29-Feb-2024 12:00:00 +0100") == 1709204400);
    const char* bad[] = {"", "17-Jul-1996", "17-Jul-1996 02:44:25", "32-Jul-1996 02:44:25 -0700",
                         "29-Feb-2023 12:00:00 +0000", "17-Jux-1996 02:44:25 -0700", "17-Jul-96 02:44:25 -0700",
                         "17-Jul-1996 24:00:00 -0700", "17-Jul-1996 02:44:25 0700", "17-Jul-1996 02:44:25 -07000",
                         "17-Jul-1996  02:44:25 -0700", "117-Jul-1996 02:44:25 -0700", "17-Jul-1996 2:44:25 -0700"};
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK_FALSE(parse_date_time(text));
    }
}

TEST_CASE("search dates")
{
    CHECK(parse_search_date("1-Feb-1994") == days_from_civil(1994, 2, 1));
    CHECK(parse_search_date("01-FEB-1994") == days_from_civil(1994, 2, 1));
    CHECK(parse_search_date("1-Jan-1970") == 0);
    for (const char* text : {"", "1-Feb-94", "1 Feb 1994", "0-Feb-1994", "30-Feb-1994", " 1-Feb-1994", "1-Feb-1994x"}) {
        CAPTURE(text);
        CHECK_FALSE(parse_search_date(text));
    }
    CHECK(zoned_day(86399, 0) == 0);
    CHECK(zoned_day(86399, 1) == 1);
    CHECK(zoned_day(0, -1) == -1);
}
