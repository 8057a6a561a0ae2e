// imap/protocol/imap_date.cpp - IMAP date-time and date (see imap_date.hpp).
#include "imap/protocol/imap_date.hpp"

#include "core/util/strings.hpp"
#include "mailstore/message/date.hpp"

#include <ctime>

namespace mailroom::imap {
namespace {

constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<unsigned> month_number(std::string_view name)
{
    for (unsigned i = 0; i < 12; ++i)
        if (core::iequals(name, month_names[i]))
            return i + 1;
    return std::nullopt;
}

std::optional<unsigned> digits(std::string_view text, std::size_t count)
{
    if (text.size() != count)
        return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
}

bool valid_day(std::int64_t year, unsigned month, unsigned day)
{
    static constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day >= 1 && day <= lengths[month - 1] + (month == 2 && leap ? 1 : 0);
}

struct Date {
    std::int64_t year = 0;
    unsigned month = 0, day = 0;
};

// "d-Mon-yyyy" or "dd-Mon-yyyy" (a leading space allowed for date-day-fixed).
std::optional<Date> parse_date_part(std::string_view text)
{
    if (!text.empty() && text[0] == ' ')
        text.remove_prefix(1);
    const auto first = text.find('-');
    const auto second = first == std::string_view::npos ? first : text.find('-', first + 1);
    if (second == std::string_view::npos)
        return std::nullopt;
    const auto day_text = text.substr(0, first);
    const auto day = digits(day_text, day_text.size());
    const auto month = month_number(text.substr(first + 1, second - first - 1));
    const auto year = digits(text.substr(second + 1), 4);
    if (day_text.empty() || day_text.size() > 2 || !day || !month || !year || !valid_day(*year, *month, *day))
        return std::nullopt;
    return Date{*year, *month, *day};
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day)
{
    // Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar.
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_date_time(std::string_view text)
{
    // "dd-Mon-yyyy hh:mm:ss +zzzz"; the date part may start with a space (date-day-fixed).
    const std::size_t offset = !text.empty() && text[0] == ' ' ? 1 : 0;
    const auto space = text.find(' ', offset);
    if (space == std::string_view::npos || text.size() != space + 15 || text[space + 9] != ' ')
        return std::nullopt;
    const auto date = parse_date_part(text.substr(0, space));
    const auto time = text.substr(space + 1, 8);
    const auto zone = text.substr(space + 10);
    const auto hh = digits(time.substr(0, 2), 2), mm = digits(time.substr(3, 2), 2), ss = digits(time.substr(6, 2), 2);
    const auto zh = digits(zone.substr(1, 2), 2), zm = digits(zone.substr(3, 2), 2);
    if (!date || !hh || !mm || !ss || time[2] != ':' || time[5] != ':' || *hh > 23 || *mm > 59 || *ss > 60 ||
        (zone[0] != '+' && zone[0] != '-') || !zh || !zm || *zm > 59)
        return std::nullopt;
    const std::int64_t zone_seconds = (zone[0] == '-' ? -1 : 1) * static_cast<std::int64_t>(*zh * 3600 + *zm * 60);
    return days_from_civil(date->year, date->month, date->day) * 86400 + *hh * 3600 + *mm * 60 + *ss - zone_seconds;
}

std::optional<std::int64_t> parse_search_date(std::string_view text)
{
    if (!text.empty() && text[0] == ' ')
        return std::nullopt;
    const auto date = parse_date_part(text);
    if (!date)
        return std::nullopt;
    return days_from_civil(date->year, date->month, date->day);
}

namespace {

int local_offset_minutes(std::int64_t utc_seconds)
{
    const auto t = static_cast<std::time_t>(utc_seconds);
    std::tm local{};
    if (!::localtime_r(&t, &local))
        return 0;
    return static_cast<int>(local.tm_gmtoff / 60);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

std::string format_internal_date(std::int64_t utc_seconds)
{
    return message::format_imap_date_time({utc_seconds, local_offset_minutes(utc_seconds)});
}

std::int64_t local_day(std::int64_t utc_seconds)
{
    return zoned_day(utc_seconds, local_offset_minutes(utc_seconds));
}

std::int64_t zoned_day(std::int64_t utc_seconds, int zone_minutes)
{
    return floor_div(utc_seconds + static_cast<std::int64_t>(zone_minutes) * 60, 86400);
}

}  // namespace mailroom::imap
