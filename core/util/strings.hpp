// core/util/strings.hpp - small ASCII string helpers shared by every module: case-insensitive
// comparison (protocol keywords, header names, domains), trimming, list splitting.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }
constexpr char ascii_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; }

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b) noexcept;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
std::string_view trim(std::string_view s) noexcept;

// Takes the first line off `text` and returns it without its LF (and a CR before that); a last
// line without LF counts too. For files read line by line with line numbers.
std::string_view take_line(std::string_view& text) noexcept;

// Splits a Postfix-style list: items separated by commas and/or white space; empty items dropped.
std::vector<std::string> split_list(std::string_view value);

// Splits on one separator character, keeping empty fields ("a::b" -> a, "", b).
std::vector<std::string_view> split_fields(std::string_view s, char separator);

// Parses a non-negative decimal number that must fit in uint64_t; no sign, no spaces.
std::optional<std::uint64_t> parse_uint(std::string_view s) noexcept;

// Lower-case hexadecimal of the bytes.
std::string to_hex(std::string_view bytes);

}  // namespace mailroom::core
