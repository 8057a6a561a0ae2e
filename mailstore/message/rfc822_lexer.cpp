// mailstore/message/rfc822_lexer.cpp - CFWS, atoms, quoted strings, domains (RFC 5322
// §3.2.2-§3.2.5, §3.4.1, §4.4) and MIME tokens (RFC 2045 §5.1).
#include "mailstore/message/rfc822_lexer.hpp"

#include <array>

namespace mailroom::message {

namespace {

// 1: atext; 2: atext that is not a MIME tspecial. Bytes >= 0x80 count as both, so 8-bit
// names and UTF-8 addresses (RFC 6532) survive.
constexpr std::array<unsigned char, 256> make_classes()
{
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum || c >= 0x80)
            t[static_cast<std::size_t>(c)] = 3;
    }
    for (char c : std::string_view("!#$%&'*+-^_`{|}~"))
        t[static_cast<unsigned char>(c)] = 3;
    for (char c : std::string_view("/=?"))
        t[static_cast<unsigned char>(c)] = 1;
    return t;
}
constexpr auto classes = make_classes();

}  // namespace

bool is_atext(char c) noexcept { return classes[static_cast<unsigned char>(c)] != 0; }
bool is_mime_token(char c) noexcept
{
    return (classes[static_cast<unsigned char>(c)] & 2) != 0 || c == '.';
}

int Rfc822Lexer::skip_comment()
{
    // At '('. Nesting and quoted-pairs as in RFC 5322 §3.2.2; the text is kept without
    // the outer parentheses (an addr-spec's comment can serve as its display name).
    last_comment_.clear();
    int level = 1;
    for (++pos_; pos_ < s_.size(); ++pos_) {
        const char c = s_[pos_];
        if (c == '(') {
            ++level;
        } else if (c == ')' && --level == 0) {
            ++pos_;
            return at_end() ? 0 : 1;
        } else if (c == '\\') {
            if (++pos_ >= s_.size())
                return -1;
        }
        last_comment_ += s_[pos_];
    }
    return -1;
}

int Rfc822Lexer::skip_cfws()
{
    while (pos_ < s_.size()) {
        const char c = s_[pos_];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++pos_;
            continue;
        }
        if (c != '(')
            break;
        if (skip_comment() < 0)
            return -1;
    }
    return at_end() ? 0 : 1;
}

int Rfc822Lexer::parse_atom(std::string& out)
{
    if (at_end() || !is_atext(s_[pos_]))
        return -1;
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_atext(s_[pos_]))
        ++pos_;
    out.append(s_.substr(start, pos_ - start));
    return skip_cfws();
}

int Rfc822Lexer::parse_dot_atom(std::string& out)
{
    if (at_end() || !is_atext(s_[pos_]))
        return -1;
    for (;;) {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && is_atext(s_[pos_]))
            ++pos_;
        out.append(s_.substr(start, pos_ - start));
        if (at_end())
            return 0;
        int ret = skip_cfws();
        if (ret <= 0)
            return ret;
        if (s_[pos_] != '.')
            return 1;
        ++pos_;
        out += '.';
        if ((ret = skip_cfws()) <= 0)
            return ret;
    }
}

int Rfc822Lexer::parse_mime_token(std::string& out)
{
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_mime_token(s_[pos_]))
        ++pos_;
    out.append(s_.substr(start, pos_ - start));
    return at_end() ? 0 : skip_cfws();
}

int Rfc822Lexer::parse_quoted_string(std::string& out)
{
    // At '"'. A folding line end inside the quotes is removed (RFC 5322 §3.2.4). An
    // unterminated string appends nothing.
    const std::size_t kept = out.size();
    for (++pos_; pos_ < s_.size(); ++pos_) {
        const char c = s_[pos_];
        if (c == '"') {
            ++pos_;
            return skip_cfws();
        }
        if (c == '\n') {
            if (!out.empty() && out.back() == '\r')
                out.pop_back();
            continue;
        }
        if (c == '\\' && ++pos_ >= s_.size())
            break;
        out += s_[pos_];
    }
    out.resize(kept);
    return -1;
}

int Rfc822Lexer::parse_atom_or_dot(std::string& out)
{
    const std::size_t start = pos_;
    while (pos_ < s_.size() && (is_atext(s_[pos_]) || s_[pos_] == '.'))
        ++pos_;
    out.append(s_.substr(start, pos_ - start));
    return at_end() ? 0 : skip_cfws();
}

int Rfc822Lexer::parse_phrase(std::string& out)
{
    // phrase = 1*word / obs-phrase (word *(word / "." / CFWS)), RFC 5322 §3.2.5, §4.1.
    if (at_end())
        return 0;
    if (s_[pos_] == '.')
        return -1;
    for (;;) {
        const int ret = s_[pos_] == '"' ? parse_quoted_string(out) : parse_atom_or_dot(out);
        if (ret <= 0)
            return ret;
        const char c = s_[pos_];
        if (!is_atext(c) && c != '"' && c != '.')
            break;
        out += ' ';
    }
    return skip_cfws();
}

int Rfc822Lexer::parse_domain_literal(std::string& out)
{
    // At '['; kept with its brackets, as IMAP ENVELOPE shows it (RFC 5322 §3.4.1).
    const std::size_t start = pos_;
    for (; pos_ < s_.size(); ++pos_) {
        if (s_[pos_] == '\\') {
            if (++pos_ >= s_.size())
                break;
        } else if (s_[pos_] == ']') {
            ++pos_;
            out.append(s_.substr(start, pos_ - start));
            return skip_cfws();
        }
    }
    return -1;
}

int Rfc822Lexer::parse_domain(std::string& out)
{
    ++pos_;  // '@'
    if (skip_cfws() <= 0)
        return -1;
    return s_[pos_] == '[' ? parse_domain_literal(out) : parse_dot_atom(out);
}

}  // namespace mailroom::message
