// pop3/uidl_format.cpp - pop3_uidl_format parsing and expansion, and the apop3d header MD5
// (see uidl_format.hpp).
#include "pop3/uidl_format.hpp"

#include "core/util/strings.hpp"
#include "pop3/md5.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace mailroom::pop3 {
namespace {

constexpr std::string_view modifier_letters = "LUXRMT";
constexpr std::string_view variable_letters = "uvmf";
constexpr std::size_t modifier_max = 10;   // as Dovecot's MAX_MODIFIER_COUNT

std::optional<char> long_key(std::string_view name)
{
    if (name == "uid")
        return 'u';
    if (name == "uidvalidity")
        return 'v';
    if (name == "md5")
        return 'm';
    if (name == "filename")
        return 'f';
    return std::nullopt;
}

// Reads "[-][0]digits" the way var_expand() does; returns the signed number.
int read_number(std::string_view format, std::size_t& i, bool& zero_padding, bool sign_first)
{
    int sign = 1;
    if (sign_first && i < format.size() && format[i] == '-') {
        sign = -1;
        ++i;
    }
    if (i < format.size() && format[i] == '0') {
        zero_padding = true;
        ++i;
    }
    if (!sign_first && i < format.size() && format[i] == '-') {
        sign = -1;
        ++i;
    }
    int value = 0;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9' && value < 1000)
        value = value * 10 + (format[i++] - '0');
    return sign * value;
}

std::string apply_modifier(char modifier, std::string value)
{
    switch (modifier) {
    case 'L':
        return core::to_lower(value);
    case 'U':
        return core::to_upper(value);
    case 'X': {
        const auto number = core::parse_uint(value);
        char text[24];
        std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(number.value_or(0)));
        return text;
    }
    case 'R':
        std::reverse(value.begin(), value.end());
        return value;
    case 'M':
        return md5_hex(value);
    default:   // 'T': trailing white space off
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
            value.pop_back();
        return value;
    }
}

// The header's physical lines without their line ends, up to the empty line that ends it.
std::vector<std::string_view> header_lines(std::string_view header)
{
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < header.size();) {
        const auto end = header.find('\n', start);
        std::string_view line = header.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            break;
        lines.push_back(line);
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return lines;
}

}  // namespace

bool UidlFormat::parse_variable(std::string_view format, std::size_t& i, Piece& piece, std::string& error)
{
    piece.width = read_number(format, i, piece.zero_padding, true);
    if (i < format.size() && format[i] == '.') {
        ++i;
        piece.offset = piece.width;
        piece.zero_padding = false;
        piece.width = read_number(format, i, piece.zero_padding, false);
    } else {
        piece.width = std::abs(piece.width);   // a sign only matters for an offset
    }
    while (i < format.size() && modifier_letters.find(format[i]) != std::string_view::npos &&
           piece.modifiers.size() < modifier_max)
        piece.modifiers += format[i++];
    if (i >= format.size()) {
        error = "\"%\" without a variable at the end";
        return false;
    }
    if (format[i] == '{') {
        const auto close = format.find('}', i);
        const auto key = close == std::string_view::npos ? std::nullopt : long_key(format.substr(i + 1, close - i - 1));
        if (!key) {
            error = "unknown variable \"" + std::string(format.substr(i)) + "\" (known: uid, uidvalidity, md5, filename)";
            return false;
        }
        piece.variable = *key;
        i = close + 1;
        return true;
    }
    if (variable_letters.find(format[i]) == std::string_view::npos) {
        error = std::string("unknown variable or modifier \"%") + format[i] +
                "\" (variables: %u %v %f %m; modifiers: L U X R M T)";
        return false;
    }
    piece.variable = format[i++];
    return true;
}

std::optional<UidlFormat> UidlFormat::parse(std::string_view format, std::string& error)
{
    UidlFormat result;
    Piece piece;
    for (std::size_t i = 0; i < format.size();) {
        if (format[i] != '%') {
            piece.literal += format[i++];
        } else if (++i < format.size() && format[i] == '%') {
            piece.literal += format[i++];
        } else if (!parse_variable(format, i, piece, error)) {
            return std::nullopt;
        } else {
            result.pieces_.push_back(std::exchange(piece, Piece{}));
        }
    }
    if (!piece.literal.empty())
        result.pieces_.push_back(std::move(piece));
    if (result.pieces_.empty()) {
        error = "an empty format gives every message the same id";
        return std::nullopt;
    }
    return result;
}

bool UidlFormat::uses(char variable) const
{
    return std::any_of(pieces_.begin(), pieces_.end(), [&](const Piece& p) { return p.variable == variable; });
}

void UidlFormat::append_value(const Piece& piece, std::string value, std::string& out)
{
    for (char modifier : piece.modifiers)
        value = apply_modifier(modifier, std::move(value));
    std::string_view view = value;
    if (piece.offset < 0) {
        const auto keep = static_cast<std::size_t>(-piece.offset);
        if (view.size() > keep)
            view.remove_prefix(view.size() - keep);
    } else {
        view.remove_prefix(std::min(view.size(), static_cast<std::size_t>(piece.offset)));
    }
    if (piece.zero_padding) {   // "%05u": padded, never cut
        if (piece.width > 0 && view.size() < static_cast<std::size_t>(piece.width))
            out.append(static_cast<std::size_t>(piece.width) - view.size(), '0');
        out += view;
    } else if (piece.width != 0) {
        const long long wanted = piece.width > 0 ? piece.width : static_cast<long long>(view.size()) + piece.width;
        out += view.substr(0, static_cast<std::size_t>(std::max(0LL, wanted)));
    } else {
        out += view;
    }
}

std::string UidlFormat::expand(const UidlInputs& inputs) const
{
    std::string out;
    for (const Piece& piece : pieces_) {
        out += piece.literal;
        switch (piece.variable) {
        case 'u':
            append_value(piece, std::to_string(inputs.uid), out);
            break;
        case 'v':
            append_value(piece, std::to_string(inputs.uid_validity), out);
            break;
        case 'f':
            append_value(piece, std::string(inputs.file_name), out);
            break;
        case 'm':
            append_value(piece, std::string(inputs.header_md5), out);
            break;
        default:   // a literal-only piece
            break;
        }
    }
    return out;
}

std::string header_md5(std::string_view header)
{
    const auto lines = header_lines(header);
    const auto folded = [&](std::size_t i) { return i < lines.size() && (lines[i].front() == ' ' || lines[i].front() == '\t'); };
    Md5 md5;
    bool seen_received = false;
    std::string_view name;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view value = lines[i];
        if (i == 0 || !folded(i)) {   // a new field: name, colon, one blank skipped
            const auto colon = value.find(':');
            name = colon == std::string_view::npos ? value : core::trim(value.substr(0, colon));
            value = colon == std::string_view::npos ? std::string_view() : value.substr(colon + 1);
            if (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
        }
        if (core::iequals(name, "Delivered-To") || core::iequals(name, "X-Delivery-ID")) {
            md5.update(value);
        } else if (core::iequals(name, "Date") || core::iequals(name, "Message-ID")) {
            if (!seen_received)   // the Received header carries a more trusted date and id
                md5.update(value);
        } else if (core::iequals(name, "Received") && !seen_received) {
            md5.update(value);
            seen_received = !folded(i + 1);
        }
    }
    return md5.hex_digest();
}

}  // namespace mailroom::pop3
