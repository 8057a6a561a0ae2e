// core/util/strings.cpp - ASCII string helpers (see strings.hpp).
#include "core/util/strings.hpp"

#include <charconv>

namespace mailroom::core {

std::string to_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = ascii_lower(c);
    return out;
}

std::string to_upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = ascii_upper(c);
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

std::string_view take_line(std::string_view& text) noexcept
{
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.ends_with('\r'))
        line.remove_suffix(1);
    return line;
}

std::vector<std::string> split_list(std::string_view value)
{
    std::vector<std::string> items;
    std::size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && (value[i] == ',' || is_space(value[i])))
            ++i;
        const std::size_t start = i;
        while (i < value.size() && value[i] != ',' && !is_space(value[i]))
            ++i;
        if (i > start)
            items.emplace_back(value.substr(start, i - start));
    }
    return items;
}

std::vector<std::string_view> split_fields(std::string_view s, char separator)
{
    std::vector<std::string_view> fields;
    for (;;) {
        const auto at = s.find(separator);
        fields.push_back(s.substr(0, at));
        if (at == std::string_view::npos)
            return fields;
        s.remove_prefix(at + 1);
    }
}

std::optional<std::uint64_t> parse_uint(std::string_view s) noexcept
{
    if (s.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

std::string to_hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

}  // namespace mailroom::core
