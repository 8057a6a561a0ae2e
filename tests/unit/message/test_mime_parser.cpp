// tests/unit/message/test_mime_parser.cpp - MIME structure (RFC 2046 §5.1.1 boundaries,
// §5.1.5 digest, §5.2.1 message/rfc822; RFC 2045 §5.2 defaults) and the limits.
#include "mailstore/message/mime_parser.hpp"
#include "tests/unit/message/part_checks.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

namespace {

// kind[header bytes+body bytes/lines](children...)
std::string shape(const Part& p)
{
    static const char* kinds[] = {"S", "M", "R"};
    std::string out = kinds[static_cast<int>(p.kind)];
    if (p.overflow)
        out += "!";
    out += "[" + std::to_string(p.header_size) + "+" + std::to_string(p.body_size) + "/" +
           std::to_string(p.body_lines) + "]";
    if (!p.children.empty()) {
        out += "(";
        for (std::size_t i = 0; i < p.children.size(); ++i)
            out += (i ? "," : "") + shape(p.children[i]);
        out += ")";
    }
    return out;
}

const std::string mp = "Content-Type: multipart/mixed; boundary=b\n\n";  // 43 bytes

}  // namespace

TEST_CASE("parse_message: structure of small messages")
{
    struct Row { std::string in, shape; };
    const Row rows[] = {
        {"", "S[0+0/0]"},
        {"\n", "S[1+0/0]"},
        {"Subject: x\n\nbody\n", "S[12+5/1]"},
        {"Subject: x\r\n\r\nbody\r\n", "S[14+6/1]"},
        {"Subject: x", "S[10+0/0]"},
        {mp + "--b\n\none\n--b\n\ntwo\n--b--\n", "M[43+24/7](S[1+3/0],S[1+3/0])"},
        {mp + "--b\r\n\r\none\r\n--b--\r\n", "M[43+19/4](S[2+3/0])"},
        {mp + "pre\n--b\n\none\n--b--\nepilogue\n", "M[43+28/6](S[1+3/0])"},
        {mp + "--b\n\nno close\n", "M[43+14/3](S[1+9/1])"},                  // missing close delimiter
        {mp + "no boundary at all\n", "M[43+19/1]"},                        // no parts
        {mp + "--b--\n", "M[43+6/1]"},
        {mp + "--b   \n\nx\n--b--trailing\n", "M[43+24/4](S[1+1/0])"},       // junk after boundaries
        {mp + "--bb\n\nx\n--b--\n", "M[43+14/4](S[1+1/0])"},                 // "--bb" starts with "b"
        {"Content-Type: multipart/mixed\n\n--b\n\nx\n", "M[31+7/3]"},         // no boundary parameter
        {"Content-Type: message/rfc822\n\nSubject: in\n\nbody\n", "R[30+18/3](S[13+5/1])"},
        {"Content-Type: message/global\n\nSubject: in\n\nbody\n", "R[30+18/3](S[13+5/1])"},
        {"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: a\n\nx\n--d--\n",
         "M[44+25/6](R[1+13/2](S[12+1/0]))"},
        {"Content-Transfer-Encoding: base64\n\nx", "S[35+1/0]"},             // not MIME: fields dropped
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        const Part root = parse_message(r.in);
        CHECK(shape(root) == r.shape);
        mailroom::test::check_tree(r.in, root);
    }
    CHECK_FALSE(parse_message("Content-Transfer-Encoding: base64\n\nx").mime.transfer_encoding.has_value());
}

TEST_CASE("parse_message: nested boundaries, prefixes and the same boundary twice")
{
    // inner "ab" is never closed; "--a" closes it; "--abc" is a part of "a" (longest match).
    const std::string prefixes = "Content-Type: multipart/mixed; boundary=a\n\n--a\n"
                                 "Content-Type: multipart/mixed; boundary=ab\n\n--ab\n\n1\n--a\n\n2\n--abc\n\n3\n--a--\n";
    CHECK(shape(parse_message(prefixes)) == "M[43+78/13](M[44+7/2](S[1+1/0]),S[1+1/0],S[1+1/0])");
    // the same boundary reused inside: the innermost one wins (RFC 2046 §5.1.1 forbids it,
    // real mail has it); the LF after the inner close line stays in the inner multipart
    // because nothing of its epilogue precedes the outer boundary (Dovecot agrees)
    const std::string same = mp + "--b\n" + mp + "--b\n\ninner\n--b--\n--b--\n";
    const Part root = parse_message(same);
    CHECK(shape(root) == "M[43+70/8](M[43+17/4](S[1+5/0]))");
    mailroom::test::check_tree(same, root);
}

TEST_CASE("parse_message: a line end before a boundary belongs to the boundary")
{
    // the blank line that ends a part's header is taken back when the body is empty
    const std::string m = mp + "--b\nContent-Type: text/plain\n\n--b--\n";
    const Part root = parse_message(m);
    REQUIRE(root.children.size() == 1);
    const Part& c = root.children[0];
    CHECK(c.header_size == 25);
    CHECK(c.body_size == 0);
    CHECK_FALSE(c.header_has_separator);
    // a header cut by a boundary (no blank line)
    const std::string cut = mp + "--b\nContent-Type: message/rfc822\n\nSubject: x\n--b--\n";
    const Part r2 = parse_message(cut);
    REQUIRE(r2.children.size() == 1);
    REQUIRE(r2.children[0].kind == PartKind::message);
    CHECK(r2.children[0].children[0].header_size == 10);
    CHECK(r2.children[0].body_size == 10);
    mailroom::test::check_tree(cut, r2);
}

TEST_CASE("parse_message: nesting and part limits turn parts into leaves")
{
    std::string deep = "Subject: deep\n";
    for (int i = 0; i < 6; ++i)
        deep += "Content-Type: multipart/mixed; boundary=\"x" + std::to_string(i) + "\"\n\n--x" + std::to_string(i) + "\n";
    deep += "\nleaf\n";
    ParseLimits limits;
    limits.nesting_depth = 3;
    Part root = parse_message(deep, limits);
    CHECK(shape(root).find("S!") != std::string::npos);
    mailroom::test::check_tree(deep, root);
    std::size_t depth = 0;
    for (const Part* p = &root; !p->children.empty(); p = &p->children[0])
        ++depth;
    CHECK(depth == 2);

    std::string many = mp;
    for (int i = 0; i < 10; ++i)
        many += "--b\n\npart\n";
    many += "--b--\n";
    limits = {};
    limits.total_parts = 4;
    root = parse_message(many, limits);
    CHECK(root.children.size() == 3);  // the root counts as one part
    CHECK(root.body_offset + root.body_size == many.size());
    mailroom::test::check_tree(many, root);
    CHECK(parse_message(many).children.size() == 10);
}

TEST_CASE("parse_message: envelopes on the root and encapsulated messages only")
{
    const std::string m = mp + "--b\nContent-Type: message/rfc822\n\nFrom: a@b\nSubject: inner\n\nx\n--b--\n";
    const Part root = parse_message(m);
    REQUIRE(root.envelope.has_value());
    CHECK_FALSE(root.children[0].envelope.has_value());
    REQUIRE(root.children[0].children[0].envelope.has_value());
    CHECK(root.children[0].children[0].envelope->subject == "inner");
}

TEST_CASE("parse_message: adversarial bytes never escape the message")
{
    const std::string rows[] = {
        std::string("\0\0\0", 3), "\r", "\r\r\r", "\n\n\n", "--", "--\n--", mp, mp + "--b", mp + "--b\n",
        mp + "--b\r", "Content-Type: message/rfc822\n\n", "Content-Type: message/rfc822\n",
        "Content-Type: multipart/digest; boundary=\"\"\n\n--\n\n--\n",
        std::string(10000, '-') + "\n", "A:" + std::string(100000, 'x'),
    };
    for (const auto& in : rows) {
        CAPTURE(in.substr(0, 60));
        mailroom::test::check_tree(in, parse_message(in));
    }
}
