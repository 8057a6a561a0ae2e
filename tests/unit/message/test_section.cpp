// tests/unit/message/test_section.cpp - section-spec grammar and part numbering
// (RFC 3501 §6.4.5, §9), HEADER.FIELDS[.NOT] filtering.
#include "mailstore/message/line_ends.hpp"
#include "mailstore/message/mime_parser.hpp"
#include "mailstore/message/section.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

TEST_CASE("parse_section_spec: accepted and rejected")
{
    struct Row { std::string in; bool ok; std::size_t path; SectionText text; std::size_t fields; };
    const Row rows[] = {
        {"", true, 0, SectionText::none, 0},
        {"1", true, 1, SectionText::none, 0},
        {"1.2.3", true, 3, SectionText::none, 0},
        {"header", true, 0, SectionText::header, 0},
        {"TEXT", true, 0, SectionText::text, 0},
        {"2.MIME", true, 1, SectionText::mime, 0},
        {"1.HEADER.FIELDS (From To)", true, 1, SectionText::header_fields, 2},
        {"HEADER.FIELDS.NOT (\"X-A b\" Subject)", true, 0, SectionText::header_fields_not, 2},
        {"4294967295", true, 1, SectionText::none, 0},
        {"4294967296", false, 0, SectionText::none, 0},
        {"99999999999999999999", false, 0, SectionText::none, 0},
        {"0", false, 0, SectionText::none, 0},
        {"01", false, 0, SectionText::none, 0},
        {"1.", false, 0, SectionText::none, 0},
        {".1", false, 0, SectionText::none, 0},
        {"1..2", false, 0, SectionText::none, 0},
        {"MIME", false, 0, SectionText::none, 0},
        {"HEADER.FIELDS ()", false, 0, SectionText::none, 0},
        {"HEADER.FIELDS (From", false, 0, SectionText::none, 0},
        {"HEADER.FIELDS (\"unterminated)", false, 0, SectionText::none, 0},
        {"HEADER.FIELDS", false, 0, SectionText::none, 0},
        {"BOGUS", false, 0, SectionText::none, 0},
        {std::string("1\0", 2), false, 0, SectionText::none, 0},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        const auto s = parse_section_spec(r.in);
        REQUIRE(s.has_value() == r.ok);
        if (!s)
            continue;
        CHECK(s->path.size() == r.path);
        CHECK(s->text == r.text);
        CHECK(s->fields.size() == r.fields);
    }
}

namespace {

std::string fetch(const std::string& msg, const Part& root, const std::string& spec)
{
    const auto parsed = parse_section_spec(spec);
    REQUIRE(parsed.has_value());
    const auto range = resolve_section(root, *parsed);
    if (!range)
        return "<none>";
    std::string bytes = msg.substr(range->offset, range->size);
    if (range->filter != SectionText::none)
        bytes = filter_header_fields(bytes, range->filter, parsed->fields);
    return bytes;
}

}  // namespace

TEST_CASE("resolve_section: RFC 3501 §6.4.5 numbering")
{
    const std::string msg =
        "Subject: top\n"
        "Content-Type: multipart/mixed; boundary=o\n\n"
        "--o\nContent-Type: text/plain\n\nfirst\n"
        "--o\nContent-Type: message/rfc822\n\nSubject: inner\n"
        "Content-Type: multipart/alternative; boundary=i\n\n"
        "--i\n\ninner one\n--i\n\ninner two\n--i--\n"
        "--o\nContent-Type: message/rfc822\n\nSubject: plain inner\n\nplain body\n"
        "--o--\n";
    const Part root = parse_message(msg);
    struct Row { std::string spec, bytes; };
    const Row rows[] = {
        {"1", "first"},
        {"1.MIME", "Content-Type: text/plain\n\n"},
        {"2.HEADER", "Subject: inner\nContent-Type: multipart/alternative; boundary=i\n\n"},
        {"2.1", "inner one"},
        {"2.2", "inner two"},
        {"2.2.MIME", "\n"},
        {"2.3", "<none>"},
        {"2.1.1", "<none>"},
        {"3.TEXT", "plain body"},                 // its LF belongs to the boundary
        {"3.1", "plain body"},                    // a non-multipart message's part 1: its body
        {"3.1.MIME", "Subject: plain inner\n\n"},
        {"3.HEADER.FIELDS (subject)", "Subject: plain inner\n\n"},
        {"1.HEADER", "<none>"},                   // HEADER needs a message/rfc822 part
        {"1.TEXT", "<none>"},
        {"4", "<none>"},
        {"4294967295", "<none>"},
        {"HEADER.FIELDS (Subject)", "Subject: top\n\n"},
        {"HEADER.FIELDS.NOT (Subject)", "Content-Type: multipart/mixed; boundary=o\n\n"},
        {"HEADER.FIELDS (X-None)", "\n"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.spec);
        CHECK(fetch(msg, root, r.spec) == r.bytes);
    }
    CHECK(fetch(msg, root, "") == msg);
    CHECK(fetch(msg, root, "TEXT") == msg.substr(root.body_offset));

    const std::string single = "Subject: s\n\nbody\n";
    const Part sroot = parse_message(single);
    CHECK(fetch(single, sroot, "1") == "body\n");
    CHECK(fetch(single, sroot, "1.MIME") == "Subject: s\n\n");
    CHECK(fetch(single, sroot, "2") == "<none>");
    CHECK(fetch(single, sroot, "1.1") == "<none>");
}

TEST_CASE("filter_header_fields: folding, case, separators")
{
    const std::string h = "From: a\nSubject: one\n two\nno colon\nsubject: again\r\n\r\n";
    CHECK(filter_header_fields(h, SectionText::header_fields, {"SUBJECT"}) == "Subject: one\n two\nsubject: again\r\n\n");
    CHECK(filter_header_fields(h, SectionText::header_fields_not, {"subject"}) == "From: a\nno colon\n\r\n");
    CHECK(filter_header_fields("A: 1", SectionText::header_fields, {"A"}) == "A: 1\n");
    CHECK(filter_header_fields("A: 1", SectionText::header_fields_not, {"B"}) == "A: 1");
    CHECK(filter_header_fields("", SectionText::header_fields, {"A"}) == "\n");
    CHECK(to_crlf(filter_header_fields("A: 1\r", SectionText::header_fields, {"A"})) == "A: 1\r\n");
}
