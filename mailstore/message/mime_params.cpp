// mailstore/message/mime_params.cpp - MIME parameters (RFC 2045 §5.1) and RFC 2231
// continuations/extended values (§3, §4), with Dovecot-compatible error recovery.
#include "mailstore/message/mime_params.hpp"

#include "mailstore/message/charset.hpp"
#include "mailstore/message/encoded_words.hpp"
#include "mailstore/message/header.hpp"
#include "mailstore/message/limits.hpp"

#include <algorithm>
#include <optional>

namespace mailroom::message {

namespace {

// 1: parsed into key/value; 0: end of input; -1: malformed (lexer left at the error).
int parse_one(Rfc822Lexer& lex, std::string& key, std::string& value)
{
    key.clear();
    value.clear();
    if (lex.at_end())
        return 0;
    if (lex.peek() != ';')
        return -1;
    lex.advance();
    if (lex.skip_cfws() <= 0)
        return -1;
    if (lex.parse_mime_token(key) <= 0 || lex.peek() != '=')
        return -1;
    lex.advance();
    int ret = lex.skip_cfws();
    if (ret <= 0) {
        // "k=" at the end: an empty value
    } else if (lex.peek() == '"') {
        ret = lex.parse_quoted_string(value);
    } else if (lex.peek() == '=') {
        // Broken but common: name==?utf-8?b?...?= ; keep the word as written.
        while (!lex.at_end()) {
            const char c = lex.peek();
            if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
                break;
            value += c;
            lex.advance();
        }
    } else {
        ret = lex.parse_mime_token(value);
    }
    return ret < 0 ? -1 : 1;
}

struct Section {
    std::string key;  // without the "*n*" suffix
    unsigned index = 0;
    bool extended = false;
    std::string value;
};

// "k*", "k*3", "k*3*" -> Section; anything else -> nullopt (a plain parameter).
std::optional<Section> as_section(const std::string& key, const std::string& value)
{
    const std::size_t star = key.find('*');
    if (star == std::string::npos)
        return std::nullopt;
    Section s;
    std::size_t p = star + 1;
    unsigned long index = 0;
    while (p < key.size() && key[p] >= '0' && key[p] <= '9') {
        index = index * 10 + static_cast<unsigned>(key[p] - '0');
        if (index > 100000)  // no real message has that many sections
            return std::nullopt;
        ++p;
    }
    if (p < key.size() && key[p] == '*') {
        s.extended = true;
        ++p;
    }
    if (p != key.size())
        return std::nullopt;
    if (star + 1 == key.size())  // "k*": one extended section
        s.extended = true;
    s.key = key.substr(0, star);
    s.index = static_cast<unsigned>(index);
    s.value = value;
    return s;
}

int compare_ci(std::string_view a, std::string_view b) noexcept
{
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        int x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
        x = (x >= 'A' && x <= 'Z') ? x + 32 : x;
        y = (y >= 'A' && y <= 'Z') ? y + 32 : y;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

void merge_sections(std::vector<Section>& sections, std::vector<MimeParam>& out)
{
    std::stable_sort(sections.begin(), sections.end(), [](const Section& a, const Section& b) {
        const int c = compare_ci(a.key, b.key);
        return c != 0 ? c < 0 : a.index < b.index;
    });
    for (std::size_t i = 0; i < sections.size();) {
        std::size_t j = i;
        bool contiguous = true, extended = false;
        for (; j < sections.size() && compare_ci(sections[j].key, sections[i].key) == 0; ++j) {
            contiguous = contiguous && sections[j].index == j - i;
            extended = extended || sections[j].extended;
        }
        if (!contiguous) {
            // Missing sections: not a usable RFC 2231 value; keep what was written.
            for (std::size_t k = i; k < j; ++k)
                out.push_back({sections[k].key + "*" + std::to_string(sections[k].index) +
                                   (sections[k].extended ? "*" : ""),
                               sections[k].value});
        } else {
            MimeParam merged{sections[i].key + (extended ? "*" : ""), {}};
            if (extended && !sections[i].extended)
                merged.value = "''";  // no charset'language' prefix was given
            for (std::size_t k = i; k < j; ++k)
                merged.value += sections[k].value;
            out.push_back(std::move(merged));
        }
        i = j;
    }
}

}  // namespace

std::vector<MimeParam> parse_mime_params(Rfc822Lexer& lex)
{
    std::vector<MimeParam> out;
    std::vector<Section> sections;
    std::string key, value;
    for (;;) {
        const int ret = parse_one(lex, key, value);
        if (ret == 0)
            break;
        if (ret < 0) {
            if (lex.at_end())
                break;
            lex.advance();
            continue;
        }
        if (out.size() + sections.size() >= max_mime_params)
            break;
        if (auto s = as_section(key, value))
            sections.push_back(std::move(*s));
        else
            out.push_back({key, value});
    }
    if (!sections.empty())
        merge_sections(sections, out);
    return out;
}

const MimeParam* find_param(const std::vector<MimeParam>& params, std::string_view name) noexcept
{
    for (const auto& p : params) {
        std::string_view n = p.name;
        if (!n.empty() && n.back() == '*')
            n.remove_suffix(1);
        if (iequals(n, name))
            return &p;
    }
    return nullptr;
}

namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string decode_param_value(const MimeParam& param)
{
    if (param.name.empty() || param.name.back() != '*')
        return decode_header_text(param.value);
    // charset'language'percent-encoded (RFC 2231 §4); a malformed prefix: no charset.
    std::string_view v = param.value;
    std::string_view charset;
    const std::size_t q1 = v.find('\'');
    const std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (q2 != std::string_view::npos) {
        charset = v.substr(0, q1);
        v = v.substr(q2 + 1);
    }
    std::string bytes;
    bytes.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        int hi = -1, lo = -1;
        if (v[i] == '%' && i + 2 < v.size() && (hi = hex_value(v[i + 1])) >= 0 && (lo = hex_value(v[i + 2])) >= 0) {
            bytes += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            bytes += v[i];
        }
    }
    std::string out;
    convert_to_utf8(charset, bytes, out);
    return out;
}

}  // namespace mailroom::message
