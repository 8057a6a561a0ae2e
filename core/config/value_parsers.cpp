// core/config/value_parsers.cpp - typed parameter values (see value_parsers.hpp).
#include "core/config/value_parsers.hpp"

#include "core/util/strings.hpp"

#include <limits>

namespace mailroom::core {

std::optional<bool> parse_bool(std::string_view value)
{
    const std::string v = to_lower(trim(value));
    if (v == "yes" || v == "true" || v == "on" || v == "1")
        return true;
    if (v == "no" || v == "false" || v == "off" || v == "0")
        return false;
    return std::nullopt;
}

namespace {

std::optional<std::uint64_t> checked_multiply(std::uint64_t value, std::uint64_t factor)
{
    if (factor != 0 && value > std::numeric_limits<std::uint64_t>::max() / factor)
        return std::nullopt;
    return value * factor;
}

// Splits "123abc" into 123 and "abc"; nullopt when there is no leading number.
std::optional<std::pair<std::uint64_t, std::string>> number_and_suffix(std::string_view value)
{
    value = trim(value);
    std::size_t digits = 0;
    while (digits < value.size() && value[digits] >= '0' && value[digits] <= '9')
        ++digits;
    const auto number = parse_uint(value.substr(0, digits));
    if (!number)
        return std::nullopt;
    return std::pair{*number, to_lower(trim(value.substr(digits)))};
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view value)
{
    const auto parsed = number_and_suffix(value);
    if (!parsed)
        return std::nullopt;
    const auto& [number, suffix] = *parsed;
    if (suffix.empty() || suffix == "b")
        return number;
    if (suffix == "k" || suffix == "kb")
        return checked_multiply(number, 1024);
    if (suffix == "m" || suffix == "mb")
        return checked_multiply(number, 1024 * 1024);
    if (suffix == "g" || suffix == "gb")
        return checked_multiply(number, 1024ull * 1024 * 1024);
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_time(std::string_view value, char default_unit)
{
    const auto parsed = number_and_suffix(value);
    if (!parsed)
        return std::nullopt;
    const auto& [number, written_suffix] = *parsed;
    const std::string suffix = written_suffix.empty() ? std::string(1, default_unit) : written_suffix;
    std::uint64_t factor_ms = 0;
    if (suffix == "ms")
        factor_ms = 1;
    else if (suffix == "s")
        factor_ms = 1000;
    else if (suffix == "m")
        factor_ms = 60'000;
    else if (suffix == "h")
        factor_ms = 3'600'000;
    else if (suffix == "d")
        factor_ms = 86'400'000;
    else if (suffix == "w")
        factor_ms = 604'800'000;
    else
        return std::nullopt;
    const auto ms = checked_multiply(number, factor_ms);
    if (!ms || *ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
}

}  // namespace mailroom::core
