// mailstore/message/encoded_words.cpp - RFC 2047 §2-§6 encoded-word decoding (B and Q),
// RFC 2231 §5 language suffix, conversion to UTF-8 with ICU.
#include "mailstore/message/encoded_words.hpp"

#include "mailstore/message/charset.hpp"
#include "mailstore/message/header.hpp"
#include "mailstore/message/limits.hpp"
#include "mailstore/message/transfer_decode.hpp"

#include <optional>

namespace mailroom::message {

namespace {

struct Word {
    std::size_t end = 0;       // index after "?="
    std::string_view charset;  // "*language" removed
    std::string bytes;         // decoded, still in charset
};

int hex(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string decode_q(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_') {
            out += ' ';
        } else if (c == '=' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// An encoded word starting at s[pos] ("=?"), or nullopt if it is not well formed.
std::optional<Word> parse_word(std::string_view s, std::size_t pos)
{
    const std::size_t q1 = s.find('?', pos + 2);
    if (q1 == std::string_view::npos || q1 == pos + 2 || q1 + 3 >= s.size() || s[q1 + 2] != '?')
        return std::nullopt;
    const char enc = s[q1 + 1];
    const std::size_t text_begin = q1 + 3;
    const std::size_t close = s.find("?=", text_begin);
    if (close == std::string_view::npos)
        return std::nullopt;
    const std::string_view text = s.substr(text_begin, close - text_begin);
    for (char c : text)
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            return std::nullopt;  // RFC 2047 §5: no whitespace inside a word
    Word w;
    w.charset = s.substr(pos + 2, q1 - pos - 2);
    if (const auto star = w.charset.find('*'); star != std::string_view::npos)
        w.charset = w.charset.substr(0, star);
    for (char c : w.charset)
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            return std::nullopt;
    if (enc == 'B' || enc == 'b')
        w.bytes = decode_base64(text);
    else if (enc == 'Q' || enc == 'q')
        w.bytes = decode_q(text);
    else
        return std::nullopt;
    w.end = close + 2;
    return w;
}

bool only_whitespace(std::string_view s) noexcept
{
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    return true;
}

void append_plain(std::string_view text, std::string& out)
{
    std::string unfolded = unfold(text);
    append_valid_utf8(unfolded, out);
}

}  // namespace

std::string decode_header_text(std::string_view value)
{
    std::string out;
    std::size_t pos = 0, plain_start = 0, words = 0;
    std::string run;  // decoded bytes of adjacent words sharing one charset
    std::string_view run_charset;
    bool in_run = false;

    auto flush_run = [&] {
        if (in_run)
            convert_to_utf8(run_charset, run, out);
        run.clear();
        in_run = false;
    };

    while (words < max_encoded_words) {
        const std::size_t at = value.find("=?", pos);
        if (at == std::string_view::npos)
            break;
        auto word = parse_word(value, at);
        if (!word) {
            pos = at + 2;
            continue;
        }
        ++words;
        const std::string_view between = value.substr(plain_start, at - plain_start);
        const bool adjacent = in_run && only_whitespace(between);
        if (!adjacent) {
            flush_run();
            append_plain(between, out);
        } else if (!iequals(word->charset, run_charset)) {
            flush_run();
        }
        if (!in_run) {
            run_charset = word->charset;
            in_run = true;
        }
        run += word->bytes;
        pos = plain_start = word->end;
    }
    flush_run();
    append_plain(value.substr(plain_start), out);
    return out;
}

}  // namespace mailroom::message
