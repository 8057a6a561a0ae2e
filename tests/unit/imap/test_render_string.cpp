// tests/unit/imap/test_render_string.cpp - IMAP quoted strings, literals, NIL and astrings
// (RFC 3501 §4.3, §4.5, §9), the forms Dovecot's imap-quote.c picks.
#include "imap/render/imap_string.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::imap;

namespace {

template <class F>
std::string run(F f, std::string_view in)
{
    std::string out;
    f(out, in);
    return out;
}

}  // namespace

TEST_CASE("append_string: quoted unless it cannot or should not be")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", "\"\""},
        {"NIL", "\"NIL\""},
        {"plain", "\"plain\""},
        {"a\"b", "\"a\\\"b\""},
        {"\\\\\\\\", "\"\\\\\\\\\\\\\\\\\""},                    // four specials: still quoted
        {"\"\"\"\"\"", "{5}\r\n\"\"\"\"\""},                  // five: a literal is shorter
        {"a\rb", "{3}\r\na\rb"},
        {"a\nb", "{3}\r\na\nb"},
        {"caf\xC3\xA9", "{5}\r\ncaf\xC3\xA9"},
        {"\x7F", "\"\x7F\""},
        {std::string("a\0b", 3), "{3}\r\na\x80" "b"},         // NUL cannot be sent: 0x80
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(run([](std::string& o, std::string_view s) { append_string(o, s); }, r.in) == r.out);
    }
    const std::string long_value(quoted_max_size + 1, 'x');
    CHECK(run([](std::string& o, std::string_view s) { append_string(o, s); }, long_value).starts_with("{8193}\r\n"));
}

TEST_CASE("append_string_for_humans: Dovecot's cleanup of subjects and names")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", "\"\""},
        {" ", "\"\""},
        {" \t ", "\"\""},
        {"plain", "\"plain\""},
        {" foo", "{3}\r\nfoo"},
        {"foo  ", "{3}\r\nfoo"},
        {"hello\"world", "{11}\r\nhello\"world"},
        {"hello\r\n  world", "{11}\r\nhello world"},
        {"a\tb", "{3}\r\na b"},
        {"one two", "\"one two\""},
        {std::string("n\0l", 3), "{3}\r\nn\x80l"},
        {"J\xC3\xB6rg", "{5}\r\nJ\xC3\xB6rg"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(run([](std::string& o, std::string_view s) { append_string_for_humans(o, s); }, r.in) == r.out);
    }
}

TEST_CASE("append_nstring_nolf, append_nstring, append_astring, append_literal")
{
    auto nolf = [](std::optional<std::string> s) {
        std::string out;
        append_nstring_nolf(out, s);
        return out;
    };
    CHECK(nolf(std::nullopt) == "NIL");
    CHECK(nolf("foo\nbar") == "\"foo bar\"");
    CHECK(nolf("foo\r\n  bar") == "\"foo  bar\"");
    CHECK(nolf("foo\n\tbar") == "\"foo\tbar\"");
    CHECK(nolf("\nfoo\r bar\r\n") == "\" foo bar\"");
    std::string out;
    append_nstring(out, std::nullopt);
    CHECK(out == "NIL");
    auto astr = [](std::string_view s) {
        std::string o;
        append_astring(o, s);
        return o;
    };
    CHECK(astr("INBOX") == "INBOX");
    CHECK(astr("a]b") == "a]b");
    CHECK(astr("nil") == "\"nil\"");
    CHECK(astr("") == "\"\"");
    CHECK(astr("two words") == "\"two words\"");
    CHECK(astr("a{b") == "\"a{b\"");
    std::string lit;
    append_literal(lit, "x\r\ny");
    CHECK(lit == "{4}\r\nx\r\ny");
}
