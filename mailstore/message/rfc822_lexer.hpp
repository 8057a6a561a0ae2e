// mailstore/message/rfc822_lexer.hpp - the lexical layer of structured header fields:
// CFWS, atoms, dot-atoms, quoted strings, domains (RFC 5322 §3.2, §3.4.1, §4.4) and MIME
// tokens (RFC 2045 §5.1). Lenient in the same places as Dovecot's rfc822-parser.c.
#pragma once
#include <string>
#include <string_view>

namespace mailroom::message {

bool is_atext(char c) noexcept;        // RFC 5322 atext, plus every byte >= 0x80
bool is_mime_token(char c) noexcept;   // RFC 2045 token characters ('.' included)

// A cursor over one field value. Every parse_* method returns 1 when input remains after
// what it consumed (and the whitespace/comments that follow), 0 at the end of input, -1
// on a syntax error (the cursor then stays where the error was found). Appends what it
// reads to `out`. Never reads outside the value.
class Rfc822Lexer {
public:
    explicit Rfc822Lexer(std::string_view value) noexcept : s_(value) {}

    bool at_end() const noexcept { return pos_ >= s_.size(); }
    char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }
    void advance() noexcept { if (!at_end()) ++pos_; }
    std::size_t position() const noexcept { return pos_; }
    void seek(std::size_t pos) noexcept { pos_ = pos < s_.size() ? pos : s_.size(); }
    std::string_view rest() const noexcept { return s_.substr(pos_); }

    // Skips whitespace, line ends and (nested) comments; the text of the last comment
    // skipped is kept in last_comment(). -1 on an unterminated comment.
    int skip_cfws();
    int skip_comment();
    const std::string& last_comment() const noexcept { return last_comment_; }
    void clear_last_comment() noexcept { last_comment_.clear(); }

    int parse_atom(std::string& out);
    int parse_dot_atom(std::string& out);         // whitespace allowed around '.' (RFC 822)
    int parse_quoted_string(std::string& out);    // unescapes, drops folding line ends
    int parse_phrase(std::string& out);           // words joined by one space; obs "."
    int parse_domain(std::string& out);           // at '@': skips it, dot-atom or literal
    int parse_mime_token(std::string& out);       // may be empty

private:
    int parse_atom_or_dot(std::string& out);
    int parse_domain_literal(std::string& out);

    std::string_view s_;
    std::size_t pos_ = 0;
    std::string last_comment_;
};

}  // namespace mailroom::message
