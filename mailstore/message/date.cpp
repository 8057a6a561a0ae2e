// mailstore/message/date.cpp - RFC 5322 §3.3/§4.3 date parsing and RFC 3501 §9 date-time.
#include "mailstore/message/date.hpp"

#include "mailstore/message/header.hpp"
#include "mailstore/message/rfc822_lexer.hpp"

#include <array>
#include <cstdio>

namespace mailroom::message {

namespace {

constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) noexcept
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

// Tokens: a run of digits, a run of letters, or one other character; CFWS skipped.
class Tokens {
public:
    explicit Tokens(std::string_view s) : lex_(s) {}

    std::string_view next()
    {
        if (lex_.skip_cfws() <= 0)
            return {};
        const std::string_view rest = lex_.rest();
        std::size_t n = 1;
        auto digit = [](char c) { return c >= '0' && c <= '9'; };
        auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
        if (digit(rest[0]))
            while (n < rest.size() && digit(rest[n])) ++n;
        else if (alpha(rest[0]))
            while (n < rest.size() && alpha(rest[n])) ++n;
        lex_.seek(lex_.position() + n);
        return rest.substr(0, n);
    }

private:
    Rfc822Lexer lex_;
};

bool number(std::string_view t, std::size_t max_digits, int& out) noexcept
{
    if (t.empty() || t.size() > max_digits)
        return false;
    out = 0;
    for (char c : t) {
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + (c - '0');
    }
    return true;
}

int month_number(std::string_view t) noexcept
{
    if (t.size() < 3)
        return 0;
    for (std::size_t i = 0; i < months.size(); ++i)
        if (iequals(t.substr(0, 3), months[i]))
            return static_cast<int>(i) + 1;
    return 0;
}

// Named zones of RFC 5322 §4.3; everything else alphabetic is -0000.
int named_zone(std::string_view t) noexcept
{
    struct Zone { std::string_view name; int minutes; };
    static constexpr Zone zones[] = {{"UT", 0},       {"GMT", 0},      {"Z", 0},
                                     {"EST", -5 * 60}, {"EDT", -4 * 60}, {"CST", -6 * 60},
                                     {"CDT", -5 * 60}, {"MST", -7 * 60}, {"MDT", -6 * 60},
                                     {"PST", -8 * 60}, {"PDT", -7 * 60}};
    for (const auto& z : zones)
        if (iequals(t, z.name))
            return z.minutes;
    return 0;
}

// "hh:mm[:ss] [zone]" after the date; false on bad syntax or range.
bool parse_time_and_zone(Tokens& tok, int& seconds, int& zone)
{
    int hour = 0, minute = 0, second = 0;
    if (!number(tok.next(), 2, hour) || tok.next() != ":" || !number(tok.next(), 2, minute))
        return false;
    std::string_view t = tok.next();
    if (t == ":") {
        if (!number(tok.next(), 2, second))
            return false;
        t = tok.next();
    }
    if (hour > 23 || minute > 59 || second > 60)
        return false;
    seconds = hour * 3600 + minute * 60 + second;
    zone = 0;
    if (t == "+" || t == "-") {
        int hhmm = 0;
        const std::string_view digits = tok.next();
        if (digits.size() != 4 || !number(digits, 4, hhmm) || hhmm % 100 > 59)
            return false;
        zone = (hhmm / 100 * 60 + hhmm % 100) * (t == "-" ? -1 : 1);
    } else if (!t.empty()) {
        zone = named_zone(t);
    }
    return true;
}

}  // namespace

std::optional<DateTime> parse_date(std::string_view value)
{
    Tokens tok(value);
    std::string_view t = tok.next();
    if (!t.empty() && month_number(t) == 0 && (t[0] < '0' || t[0] > '9')) {  // day name
        t = tok.next();
        if (t == ",")
            t = tok.next();
    }
    int day = 0, year = 0;
    if (!number(t, 2, day))
        return std::nullopt;
    const int month = month_number(tok.next());
    if (month == 0 || day < 1 || day > 31)
        return std::nullopt;
    t = tok.next();
    if (!number(t, 4, year))
        return std::nullopt;
    if (t.size() == 2)
        year += year < 50 ? 2000 : 1900;
    else if (t.size() == 3)
        year += 1900;
    int seconds = 0, zone = 0;
    if (!parse_time_and_zone(tok, seconds, zone))
        return std::nullopt;
    DateTime dt;
    dt.zone_minutes = zone;
    dt.utc_seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                     seconds - zone * 60;
    return dt;
}

std::string format_imap_date_time(const DateTime& when)
{
    const std::int64_t local = when.utc_seconds + when.zone_minutes * 60;
    std::int64_t days = local / 86400;
    std::int64_t secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    int y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    const int zone = when.zone_minutes < 0 ? -when.zone_minutes : when.zone_minutes;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%2u-%s-%04d %02d:%02d:%02d %c%02d%02d", d,
                  std::string(months[m - 1]).c_str(), y, static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                  when.zone_minutes < 0 ? '-' : '+', zone / 60, zone % 60);
    return buf;
}

}  // namespace mailroom::message
