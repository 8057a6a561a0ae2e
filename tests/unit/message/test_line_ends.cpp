// tests/unit/message/test_line_ends.cpp - virtual sizes, line counts and the streaming
// LF -> CRLF converter with IMAP partials (RFC 3501 §6.4.5 <origin.octets>).
#include "mailstore/message/line_ends.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

TEST_CASE("count_lines: only LF ends a line; bare LF costs one more virtual byte")
{
    struct Row { std::string in; std::uint64_t virt, lines; char prev; };
    const Row rows[] = {
        {"", 0, 0, 0},
        {"abc", 3, 0, 0},
        {"a\n", 3, 1, 0},
        {"a\r\n", 3, 1, 0},
        {"a\rb", 3, 0, 0},                     // CR alone is data
        {"\n\n", 4, 2, 0},
        {"\r\n\r\n", 4, 2, 0},
        {"\n", 1, 1, '\r'},                    // the CR is just before the range
        {std::string("a\0\n", 3), 4, 1, 0},    // NUL is a byte like any other
        {"x\r\r\n", 4, 1, 0},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        const LineStats s = count_lines(r.in, r.prev);
        CHECK(s.virtual_size == r.virt);
        CHECK(s.lines == r.lines);
    }
}

TEST_CASE("CrlfConverter: whole, partial windows and chunking agree")
{
    const std::string inputs[] = {
        "", "a", "a\nb\n", "a\r\nb\n", "\n\n\n", "x\ry\r\n\n", std::string("n\0l\n", 4), "end\r",
        std::string("\0a\0\nb\0\r\n\0", 9),   // several NULs, at line starts and ends
    };
    for (const auto& in : inputs) {
        CAPTURE(in);
        const std::string full = to_crlf(in);
        CHECK(full.size() == count_lines(in).virtual_size);
        CHECK(full.find('\0') == std::string::npos);
        // every window, fed one byte at a time, is the substring of the whole
        for (std::uint64_t origin = 0; origin <= full.size() + 1; ++origin) {
            for (std::uint64_t len : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{5}, CrlfConverter::unlimited}) {
                CAPTURE(origin);
                CAPTURE(len);
                CrlfConverter conv(origin, len);
                std::string out;
                for (char c : in)
                    conv.feed(std::string_view(&c, 1), out);
                const std::string expect = origin >= full.size() ? "" : full.substr(origin, len == CrlfConverter::unlimited ? std::string::npos : len);
                CHECK(out == expect);
            }
        }
    }
}

TEST_CASE("CrlfConverter: NUL kept when asked, done() when the window is full, huge origin")
{
    std::string out;
    CrlfConverter keep(0, CrlfConverter::unlimited, false);
    keep.feed(std::string_view("a\0\n", 3), out);
    CHECK(out == std::string("a\0\r\n", 4));

    CrlfConverter window(1, 2);
    std::string w;
    window.feed("abc\n", w);
    CHECK(w == "bc");
    CHECK(window.done());

    CrlfConverter far(4294967296ULL, 10);  // origin past any message
    std::string none;
    far.feed("hello\n", none);
    CHECK(none.empty());
    CHECK(far.position() == 7);
}

TEST_CASE("CrlfConverter: a CR at the end of one chunk and its LF in the next")
{
    CrlfConverter conv;
    std::string out;
    conv.feed("a\r", out);
    conv.feed("\nb\n", out);
    CHECK(out == "a\r\nb\r\n");
    CrlfConverter after_cr(0, CrlfConverter::unlimited, true, '\r');  // range starts at the LF
    std::string o2;
    after_cr.feed("\nx", o2);
    CHECK(o2 == "\nx");
}
