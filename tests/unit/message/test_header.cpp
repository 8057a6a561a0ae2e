// tests/unit/message/test_header.cpp - header block parsing (RFC 5322 §2.2, §2.2.3
// folding, §4.5 obsolete whitespace before the colon) and unfolding.
#include "mailstore/message/header.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

TEST_CASE("parse_header: where the header block ends")
{
    struct Row { std::string in; std::size_t size; bool separator; std::size_t fields; };
    const Row rows[] = {
        {"", 0, false, 0},
        {"\n", 1, true, 0},
        {"\r\n", 2, true, 0},
        {"\nbody", 1, true, 0},
        {"A: 1\n\nbody", 6, true, 1},
        {"A: 1\r\n\r\nbody", 8, true, 1},
        {"A: 1\nB: 2", 9, false, 2},                  // no blank line: all is header
        {"A: 1\n \n\nbody", 8, true, 1},              // whitespace-only line continues
        {"A: 1\r\rB: 2\n\n", 12, true, 1},            // CR alone is not a line end
        {"no colon here\nA: 1\n\n", 20, true, 2},     // a stray line does not end it
        {" leading continuation\nA: 1\n\n", 28, true, 2},
        {std::string("A: \0x\n\n", 7), 7, true, 1},   // NUL inside a value
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        const HeaderBlock h = parse_header(r.in);
        CHECK(h.size == r.size);
        CHECK(h.has_separator == r.separator);
        CHECK(h.fields.size() == r.fields);
        std::size_t covered = 0;
        for (const auto& f : h.fields)
            covered += f.raw.size();
        // fields plus the blank line cover the block exactly
        const std::size_t blank = !r.separator ? 0 : r.in.compare(covered, 2, "\r\n") == 0 ? 2 : 1;
        CHECK(covered + blank == r.size);
    }
}

TEST_CASE("parse_header: names, values and offsets")
{
    const std::string m = "From: a@b\nSubject : folded\n\tline\r\nX-Empty:\nbroken line\nTo:x\n\nbody\n";
    const HeaderBlock h = parse_header(m);
    REQUIRE(h.fields.size() == 5);
    CHECK(h.fields[0].name == "From");
    CHECK(h.fields[0].value == "a@b");
    CHECK(h.fields[0].offset == 0);
    CHECK(h.fields[1].name == "Subject");
    CHECK(h.fields[1].value == "folded\n\tline");
    CHECK(h.fields[1].raw == "Subject : folded\n\tline\r\n");
    CHECK(h.fields[1].offset == 10);
    CHECK(h.fields[2].value.empty());
    CHECK_FALSE(h.fields[3].has_colon);
    CHECK(h.fields[4].value == "x");
    CHECK(h.find_first("subject") == &h.fields[1]);
    CHECK(h.find_first("broken line") == nullptr);  // colon-less lines never match
    CHECK(h.find_all("TO").size() == 1);
    CHECK(h.find_first("Nope") == nullptr);
}

TEST_CASE("parse_header: repeated fields, first/last/all")
{
    const HeaderBlock h = parse_header(std::string_view("To: 1\nto: 2\nTO: 3\n\n"));
    CHECK(h.find_first("To")->value == "1");
    CHECK(h.find_last("To")->value == "3");
    CHECK(h.find_all("To").size() == 3);
}

TEST_CASE("parse_header: caps on fields and bytes keep offsets right")
{
    std::string m;
    for (int i = 0; i < 50; ++i)
        m += "X-" + std::to_string(i) + ": v\n";
    m += "\nbody";
    ParseLimits limits;
    limits.header_fields = 10;
    const HeaderBlock h = parse_header(m, 0, m.size(), limits);
    CHECK(h.fields.size() == 10);
    CHECK(h.truncated);
    CHECK(h.size == m.size() - 4);
    limits = {};
    limits.header_bytes = 20;
    CHECK(parse_header(m, 0, m.size(), limits).fields.size() == 2);
}

TEST_CASE("parse_header: a range inside a larger buffer")
{
    const std::string m = "XXXXA: 1\n\nbodyYYYY";
    const HeaderBlock h = parse_header(m, 4, m.size() - 4);
    CHECK(h.offset == 4);
    CHECK(h.size == 6);
    REQUIRE(h.fields.size() == 1);
    CHECK(h.fields[0].offset == 4);
}

TEST_CASE("unfold and normalize_line_ends")
{
    CHECK(unfold("a\r\n b\n\tc") == "a b\tc");
    CHECK(unfold("a\rb") == "a\rb");
    CHECK(unfold(std::string_view("a\0b", 3), true) == "a\xEF\xBF\xBD" "b");
    CHECK(unfold(std::string_view("a\0b", 3)) == std::string("a\0b", 3));
    CHECK(normalize_line_ends("a\r\n b\n c") == "a\n b\n c");
    CHECK(iequals("Content-Type", "content-TYPE"));
    CHECK_FALSE(iequals("Content-Type", "Content-Typ"));
}
