// core/util/mutf7.cpp - modified UTF-7 (RFC 3501 section 5.1.3) and UTF-8 validation.
#include "core/util/mutf7.hpp"

#include <cstdint>
#include <vector>

namespace mailroom::core {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int alphabet_index(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == ',') return 63;
    return -1;
}

// Decodes one UTF-8 code point at text[i]; advances i. nullopt when invalid.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i)
{
    const auto lead = static_cast<unsigned char>(text[i]);
    int length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > text.size())
        return std::nullopt;
    char32_t cp = length == 1 ? lead : length == 2 ? (lead & 0x1f) : length == 3 ? (lead & 0x0f) : (lead & 0x07);
    for (int k = 1; k < length; ++k) {
        const auto c = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
        if ((c & 0xc0) != 0x80)
            return std::nullopt;
        cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return std::nullopt;
    i += static_cast<std::size_t>(length);
    return cp;
}

void append_utf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

void flush_shift(std::string& out, const std::vector<std::uint16_t>& units)
{
    out += '&';
    std::uint32_t bits = 0;
    int count = 0;
    for (std::uint16_t unit : units) {
        bits = (bits << 16) | unit;
        count += 16;
        while (count >= 6) {
            count -= 6;
            out += alphabet[(bits >> count) & 0x3f];
        }
    }
    if (count > 0)
        out += alphabet[(bits << (6 - count)) & 0x3f];
    out += '-';
}

}  // namespace

bool is_valid_utf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();)
        if (!next_code_point(text, i))
            return false;
    return true;
}

std::optional<std::string> utf8_to_mutf7(std::string_view utf8)
{
    std::string out;
    std::vector<std::uint16_t> pending;
    for (std::size_t i = 0; i < utf8.size();) {
        const auto cp = next_code_point(utf8, i);
        if (!cp)
            return std::nullopt;
        if (*cp >= 0x20 && *cp <= 0x7e) {
            if (!pending.empty()) {
                flush_shift(out, pending);
                pending.clear();
            }
            out += static_cast<char>(*cp);
            if (*cp == '&')
                out += '-';
            continue;
        }
        if (*cp >= 0x10000) {
            const char32_t v = *cp - 0x10000;
            pending.push_back(static_cast<std::uint16_t>(0xd800 + (v >> 10)));
            pending.push_back(static_cast<std::uint16_t>(0xdc00 + (v & 0x3ff)));
        } else {
            pending.push_back(static_cast<std::uint16_t>(*cp));
        }
    }
    if (!pending.empty())
        flush_shift(out, pending);
    return out;
}

std::optional<std::string> mutf7_to_utf8(std::string_view mutf7)
{
    std::string out;
    for (std::size_t i = 0; i < mutf7.size(); ++i) {
        const char c = mutf7[i];
        if (c < 0x20 || c > 0x7e)
            return std::nullopt;
        if (c != '&') {
            out += c;
            continue;
        }
        const auto end = mutf7.find('-', i + 1);
        if (end == std::string_view::npos)
            return std::nullopt;
        if (end == i + 1) {
            out += '&';
            i = end;
            continue;
        }
        std::uint32_t bits = 0;
        int count = 0;
        std::vector<std::uint16_t> units;
        for (std::size_t k = i + 1; k < end; ++k) {
            const int value = alphabet_index(mutf7[k]);
            if (value < 0)
                return std::nullopt;
            bits = (bits << 6) | static_cast<std::uint32_t>(value);
            count += 6;
            if (count >= 16) {
                count -= 16;
                units.push_back(static_cast<std::uint16_t>((bits >> count) & 0xffff));
            }
        }
        if (count >= 6 || (bits & ((1u << count) - 1)) != 0 || units.empty())
            return std::nullopt;   // leftover bits must be zero padding
        for (std::size_t u = 0; u < units.size(); ++u) {
            char32_t cp = units[u];
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (u + 1 >= units.size() || units[u + 1] < 0xdc00 || units[u + 1] > 0xdfff)
                    return std::nullopt;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (units[++u] - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return std::nullopt;
            } else if (cp >= 0x20 && cp <= 0x7e) {
                return std::nullopt;   // printable ASCII must not be shifted
            }
            append_utf8(out, cp);
        }
        i = end;
    }
    return out;
}

}  // namespace mailroom::core
