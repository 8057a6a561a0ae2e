// imap/protocol/imap_date.hpp - IMAP's own date forms (RFC 3501 §9): date-time for APPEND
// and INTERNALDATE ("17-Jul-1996 02:44:25 -0700"), and date for SEARCH BEFORE/ON/SINCE
// ("1-Feb-1994"). RFC 5322 Date: fields are parsed by mailstore/message/date.hpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::imap {

// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE,
// given without its quotes; a one-digit day may also come without the leading space.
// Seconds since the epoch (UTC), or nullopt for anything invalid.
std::optional<std::int64_t> parse_date_time(std::string_view text);

// date = date-text / DQUOTE date-text DQUOTE (quotes already removed): "1-Feb-1994".
// Days since 1970-01-01, or nullopt.
std::optional<std::int64_t> parse_search_date(std::string_view text);

// INTERNALDATE text (without quotes) for a UTC time, shown in the server's local zone.
std::string format_internal_date(std::int64_t utc_seconds);

// The day number (days since 1970-01-01) of a UTC time in the server's local zone, and of
// a time seen in the zone it was written in (RFC 5322 Date: for SENTON/SENTBEFORE/SENTSINCE).
std::int64_t local_day(std::int64_t utc_seconds);
std::int64_t zoned_day(std::int64_t utc_seconds, int zone_minutes);

// Days since the epoch for a proleptic Gregorian date (month 1-12).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace mailroom::imap
