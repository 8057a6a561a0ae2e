// mailstore/message/date.hpp - Date: field values (RFC 5322 §3.3 date-time and the
// obsolete forms of §4.3: 2- and 3-digit years, named and military zones, comments) and
// the IMAP date-time form (RFC 3501 §9 date-time).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::message {

struct DateTime {
    std::int64_t utc_seconds = 0;  // seconds since 1970-01-01T00:00:00Z
    int zone_minutes = 0;          // the writer's offset east of UTC
    bool operator==(const DateTime&) const = default;
};

// Parses a Date: value. Accepted: an optional day name with or without its comma,
// 1-2 digit day, month name (case-insensitive; longer names by their first three
// letters), year of 2 digits (< 50 -> 20xx, else 19xx), 3 digits (+1900) or 4, hh:mm with
// optional :ss, a zone (+hhmm/-hhmm, UT, GMT, Z, EST/EDT/CST/CDT/MST/MDT/PST/PDT; other
// single-letter military zones and unknown names count as -0000, as RFC 5322 §4.3 asks;
// a missing zone too). CFWS anywhere between tokens. nullopt for anything else, including
// out-of-range fields and numbers too long to be a date.
std::optional<DateTime> parse_date(std::string_view value);

// "dd-Mon-yyyy hh:mm:ss +zzzz" in the writer's zone, day space-padded (RFC 3501 §9
// date-time without its quotes).
std::string format_imap_date_time(const DateTime& when);

}  // namespace mailroom::message
