// core/config/value_parsers.hpp - typed parameter values: booleans (yes/no), integers,
// sizes (k/m/g suffixes) and times (postconf(5) time units s, m, h, d, w).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mailroom::core {

std::optional<bool> parse_bool(std::string_view value);                 // yes/no/true/false/on/off/1/0
std::optional<std::uint64_t> parse_size(std::string_view value);        // "10240000", "50m", "2G"
// "30" with default unit 's' is 30 s; "5m" is 300 s; "1w" is a week. Millisecond
// precision allows "250ms" for tests that need short delays.
std::optional<std::chrono::milliseconds> parse_time(std::string_view value, char default_unit);

}  // namespace mailroom::core
