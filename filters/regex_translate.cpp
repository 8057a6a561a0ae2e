// filters/regex_translate.cpp - procmail regex -> PCRE2 (procmailrc(5) "Extended regular
// expressions" and MISCELLANEOUS). Character classes are rebuilt as explicit byte sets the
// way procmail's regexp.c reads them: no escapes inside [], ']' and '-' first are literal.
#include "filters/regex_translate.hpp"

#include <array>
#include <bitset>
#include <cstdio>

namespace mailroom::filters {
namespace {

constexpr std::string_view to_macro_key = "^TO";
constexpr std::string_view to_underscore_key = "^TO_";
constexpr std::string_view from_daemon_key = "^FROM_DAEMON";
constexpr std::string_view from_mailer_key = "^FROM_MAILER";

constexpr std::string_view to_underscore_subst =
    "(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^-a-zA-Z0-9_.])?)";
constexpr std::string_view to_subst =
    "(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^a-zA-Z])?)";
constexpr std::string_view from_daemon_subst =
    "(^(Mailing-List:|Precedence:.*(junk|bulk|list)|To: Multiple recipients of |"
    "(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?("
    "Post(ma?(st(e?r)?|n)|office)|(send)?Mail(er)?|daemon|m(mdf|ajordomo)|n?uucp|"
    "LIST(SERV|proc)|NETSERV|o(wner|ps)|r(e(quest|sponse)|oot)|b(ounce|bs\\.smtp)|echo|"
    "mirror|s(erv(ices?|er)|mtp(error)?|ystem)|A(dmin(istrator)?|MMGR|utoanswer))"
    "(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\\(.*\\).*)?)?$([^>]|$)))";
constexpr std::string_view from_mailer_subst =
    "(^(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?("
    "Post(ma(st(er)?|n)|office)|(send)?Mail(er)?|daemon|mmdf|n?uucp|ops|r(esponse|oot)|"
    "(bbs\\.)?smtp(error)?|s(erv(ices?|er)|ystem)|A(dmin(istrator)?|MMGR))"
    "(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\\(.*\\).*)?)?$([^>]|$))";

struct Macro {
    std::string_view key, substitute;
};
// procmail's order: FROM_DAEMON, TO_, TO, FROM_MAILER; after each replacement it starts over.
constexpr std::array<Macro, 4> macros = {{{from_daemon_key, from_daemon_subst},
                                          {to_underscore_key, to_underscore_subst},
                                          {to_macro_key, to_subst},
                                          {from_mailer_key, from_mailer_subst}}};

void append_byte(std::string& out, unsigned char c)
{
    char buf[12];
    std::snprintf(buf, sizeof buf, "\\x{%02x}", c);
    out += buf;
}

void append_literal(std::string& out, unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ' ')
        out.push_back(static_cast<char>(c));
    else
        append_byte(out, c);
}

void append_set(std::string& out, const std::bitset<256>& set)
{
    if (set.none()) {
        out += "(*FAIL)";
        return;
    }
    out.push_back('[');
    for (int c = 0; c < 256; ++c) {
        if (!set[c])
            continue;
        int end = c;
        while (end + 1 < 256 && set[end + 1])
            ++end;
        append_byte(out, static_cast<unsigned char>(c));
        if (end > c) {
            out.push_back('-');
            append_byte(out, static_cast<unsigned char>(end));
        }
        c = end;
    }
    out.push_back(']');
}

// Reads a bracket expression starting after '['; returns the byte set, advances `i`.
std::bitset<256> read_class(std::string_view re, std::size_t& i, bool caseless)
{
    std::bitset<256> set;
    const bool negate = i < re.size() && re[i] == '^';
    if (negate)
        ++i;
    int last = -1;
    if (i < re.size() && (re[i] == ']' || re[i] == '-')) {
        last = static_cast<unsigned char>(re[i++]);
        set.set(last);
    }
    while (i < re.size()) {
        const auto c = static_cast<unsigned char>(re[i]);
        if (c == ']') {
            ++i;
            break;
        }
        if (c == '-' && i + 1 < re.size() && re[i + 1] != ']' && last >= 0) {
            const auto hi = static_cast<unsigned char>(re[i + 1]);
            for (int x = last; x <= hi; ++x)
                set.set(x);
            last = hi;
            i += 2;
            continue;
        }
        set.set(c);
        last = c;
        ++i;
    }
    if (caseless) {
        for (int c = 'a'; c <= 'z'; ++c) {
            if (set[c] || set[c - 'a' + 'A']) {
                set.set(c);
                set.set(c - 'a' + 'A');
            }
        }
    }
    if (negate) {
        set.flip();
        set.reset('\n');
    }
    return set;
}

// True when the pattern holds a \/ token (a backslash that is not itself escaped).
bool has_split_marker(std::string_view re)
{
    for (std::size_t i = 0; i + 1 < re.size(); ++i) {
        if (re[i] != '\\')
            continue;
        if (re[i + 1] == '/')
            return true;
        ++i;
    }
    return false;
}

bool is_quantifier(char c) { return c == '*' || c == '+' || c == '?'; }

// True when only ')' characters follow position i: a ^^ there anchors at the end.
bool only_closing_parens_follow(std::string_view re, std::size_t i)
{
    for (; i < re.size(); ++i)
        if (re[i] != ')')
            return false;
    return true;
}

}  // namespace

std::string expand_regex_macros(std::string_view pattern, bool& force_caseless)
{
    std::string re(pattern);
    force_caseless = false;
    for (std::size_t m = 0; m < macros.size();) {
        const std::size_t at = re.find(macros[m].key);
        if (at != std::string::npos && (at == 0 || re[at - 1] != '\\')) {
            re.replace(at, macros[m].key.size(), macros[m].substitute);
            if (m == 0)
                force_caseless = true;
            m = 0;
            continue;
        }
        ++m;
    }
    return re;
}

TranslatedRegex translate_regex(std::string_view re, bool caseless)
{
    TranslatedRegex result;
    std::string& out = result.pattern;
    int depth = 0;
    bool lazy = has_split_marker(re);
    bool can_repeat = false;  // an atom precedes that a quantifier may apply to
    for (std::size_t i = 0; i < re.size();) {
        const char c = re[i];
        if (is_quantifier(c) && can_repeat) {
            out.push_back(c);
            if (lazy)
                out.push_back('?');
            can_repeat = false;  // procmail reads a second quantifier as a literal character
            ++i;
            continue;
        }
        can_repeat = true;
        switch (c) {
        case '(': out += "(?:"; ++depth; can_repeat = false; ++i; continue;
        case ')':
            if (depth > 0) {
                --depth;
                out.push_back(')');
            } else {
                append_literal(out, ')');
            }
            ++i;
            continue;
        case '|': out.push_back('|'); can_repeat = false; ++i; continue;
        case '.': out += "[^\\n]"; ++i; continue;
        case '[': {
            ++i;
            append_set(out, read_class(re, i, caseless));
            continue;
        }
        case '^':
            if (i + 1 < re.size() && re[i + 1] == '^') {
                out += only_closing_parens_follow(re, i + 2) ? "(?=\\n\\z)" : "\\A\\n";
                i += 2;
                continue;
            }
            [[fallthrough]];
        case '$': out += "\\n"; ++i; continue;
        case '\\': {
            if (i + 1 >= re.size()) {
                append_literal(out, '\\');
                ++i;
                continue;
            }
            const char e = re[i + 1];
            i += 2;
            if (e == '/' && depth == 0 && !result.has_match_split) {
                // Left part lazy, right part greedy; group 1 is MATCH.
                std::string left = out;
                out = "(?:" + left + ")(";
                result.has_match_split = true;
                can_repeat = false;
                lazy = false;
                continue;
            }
            if (e == '/') {
                can_repeat = false;
                continue;
            }
            if (e == '<' || e == '>') {
                out += "[^a-zA-Z0-9_]";
                continue;
            }
            append_literal(out, static_cast<unsigned char>(e));
            continue;
        }
        default: append_literal(out, static_cast<unsigned char>(c)); ++i; continue;
        }
    }
    while (depth-- > 0)
        out.push_back(')');
    if (result.has_match_split)
        out.push_back(')');
    return result;
}

}  // namespace mailroom::filters
