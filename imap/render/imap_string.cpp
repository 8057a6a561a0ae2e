// imap/render/imap_string.cpp - quoted strings, literals, NIL (RFC 3501 §4.3, §4.5, §9).
#include "imap/render/imap_string.hpp"

#include <algorithm>

namespace mailroom::imap {

void append_nil(std::string& out) { out += "NIL"; }

void append_quoted(std::string& out, std::string_view s)
{
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

void append_literal(std::string& out, std::string_view s)
{
    out += '{';
    out += std::to_string(s.size());
    out += "}\r\n";
    const std::size_t at = out.size();
    out.append(s);
    std::replace(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), '\0', '\x80');
}

void append_string(std::string& out, std::string_view s)
{
    unsigned escapes = 0;
    bool literal = s.size() > quoted_max_size;
    for (std::size_t i = 0; i < s.size() && !literal; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\')
            literal = ++escapes > quoted_max_escapes;
        else
            literal = c == '\r' || c == '\n' || c == 0 || c >= 0x80;
    }
    if (literal)
        append_literal(out, s);
    else
        append_quoted(out, s);
}

void append_nstring(std::string& out, const std::optional<std::string>& s)
{
    if (s)
        append_string(out, *s);
    else
        append_nil(out);
}

void append_nstring_nolf(std::string& out, const std::optional<std::string>& s)
{
    if (!s || s->find_first_of("\r\n") == std::string::npos) {
        append_nstring(out, s);
        return;
    }
    std::string joined;
    joined.reserve(s->size());
    for (std::size_t i = 0; i < s->size(); ++i) {
        const char c = (*s)[i];
        if (c != '\r' && c != '\n') {
            joined += c;
            continue;
        }
        const char next = i + 1 < s->size() ? (*s)[i + 1] : '\0';
        if (next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '\0')
            joined += ' ';
    }
    append_string(out, joined);
}

namespace {

bool is_astring_char(char ch) noexcept
{
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F)
        return false;
    // atom-specials except resp-specials (']' is allowed in an astring)
    return c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"' && c != '\\';
}

bool is_lwsp(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

void append_astring(std::string& out, std::string_view s)
{
    const bool atom = !s.empty() && std::all_of(s.begin(), s.end(), is_astring_char) &&
                      !(s.size() == 3 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'l');
    if (atom)
        out.append(s);
    else
        append_string(out, s);
}

void append_string_for_humans(std::string& out, std::string_view s)
{
    std::string clean;
    clean.reserve(s.size());
    bool modified = false, pending_space = false;
    for (char c : s) {
        if (is_lwsp(c)) {
            modified = modified || c != ' ' || pending_space || clean.empty();
            pending_space = !clean.empty();
            continue;
        }
        if (pending_space)
            clean += ' ';
        pending_space = false;
        if (c == '\0')
            c = '\x80';
        modified = modified || c == '\x80' || c == '"' || c == '\\' || (static_cast<unsigned char>(c) & 0x80) != 0;
        clean += c;
    }
    modified = modified || pending_space;  // trailing whitespace was dropped
    // Dovecot sends a literal whenever it had to change anything; match it exactly.
    if (clean.empty())
        out += "\"\"";
    else if (modified || clean.size() > quoted_max_size)
        append_literal(out, clean);
    else
        append_quoted(out, clean);
}

}  // namespace mailroom::imap
