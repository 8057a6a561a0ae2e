// tests/unit/message/test_address.cpp - address lists (RFC 5322 §3.4 and §4.4 obsolete
// forms) with Dovecot's recovery from garbage, in the shape of RFC 3501 ENVELOPE.
#include "mailstore/message/address.hpp"
#include "mailstore/message/limits.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mailroom::message;

namespace {

// One address as "name|route|mailbox|host" ("-" for nullopt), groups as "<group name"
// and ">", to keep the table readable.
std::string show(const std::vector<Address>& list)
{
    std::string out;
    for (const auto& a : list) {
        if (!out.empty())
            out += " , ";
        if (a.kind == AddressKind::group_start)
            out += "<" + a.mailbox;
        else if (a.kind == AddressKind::group_end)
            out += ">";
        else
            out += a.name.value_or("-") + "|" + a.route.value_or("-") + "|" + a.mailbox + "|" + a.host;
    }
    return out;
}

}  // namespace

TEST_CASE("parse_address_list: RFC 5322 forms and Dovecot's answers for broken ones")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", ""},
        {"   ", ""},
        {"a@b.example", "-|-|a|b.example"},
        {"Joe <joe@x.example>", "Joe|-|joe|x.example"},
        {"\"Joe \\\"Q\\\" Public\" <joe@x>", "Joe \"Q\" Public|-|joe|x"},
        {"<@a.example,@b.example:joe@c.example>", "-|@a.example,@b.example|joe|c.example"},
        {"joe@c.example (Joe Comment)", "Joe Comment|-|joe|c.example"},
        {"Mary Smith <mary@x.test>, jdoe@example.org", "Mary Smith|-|mary|x.test , -|-|jdoe|example.org"},
        {"A Group:Ed <c@a.test>,joe@where.test;", "<A Group , Ed|-|c|a.test , -|-|joe|where.test , >"},
        {"Undisclosed recipients:;", "<Undisclosed recipients , >"},
        {"john.q.public@example.com", "-|-|john.q.public|example.com"},
        {"jdoe@test   . example", "-|-|jdoe|test.example"},                 // obs-domain
        {"\"quoted local\"@x", "-|-|quoted local|x"},
        {"a@[192.0.2.1]", "-|-|a|[192.0.2.1]"},
        {"Name Only", "Name Only|-|MISSING_MAILBOX|MISSING_DOMAIN"},
        {"nodomain", "-|-|nodomain|MISSING_DOMAIN"},
        {"a, , b@c", "-|-|a|MISSING_DOMAIN , -|-|MISSING_MAILBOX|MISSING_DOMAIN , -|-|b|c"},
        {"a@b junk, c@d", "-|-|a|b"},                                     // garbage ends the list
        {"<x@y> trailing garbage, z@w", "-|-|x|y"},
        {"\"unterminated <a@b>", "-|-|MISSING_MAILBOX|MISSING_DOMAIN"},
        {"(unbalanced comment <c@d>", ""},
        {"Joe <broken", "Joe|-|broken|SYNTAX_ERROR"},
        {"<@route-without-colon joe@x>", "-|INVALID_ROUTE|joe|x"},       // marked, then read on
        {"a@b,", "-|-|a|b"},
        {"a@b, (", "-|-|a|b , -|-|MISSING_MAILBOX|MISSING_DOMAIN"},
        {std::string("nul\0byte <a@b>", 14), "-|-|nul|MISSING_DOMAIN"},
        {"=?utf-8?q?J=C3=B6rg?= <j@x>", "=?utf-8?q?J=C3=B6rg?=|-|j|x"},
        {"J\xC3\xB6rg <j@x>", "J\xC3\xB6rg|-|j|x"},
        {"a@b\r\n\t, c@d", "-|-|a|b , -|-|c|d"},
        {"<>", "-|-|MISSING_MAILBOX|MISSING_DOMAIN"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(show(parse_address_list(r.in)) == r.out);
    }
}

TEST_CASE("parse_address_list: without placeholders, invalid flags")
{
    const auto list = parse_address_list("Name Only", false);
    REQUIRE(list.size() == 1);
    CHECK(list[0].mailbox.empty());
    CHECK(list[0].host.empty());
    CHECK(list[0].invalid);
    CHECK_FALSE(parse_address_list("a@b")[0].invalid);
}

TEST_CASE("parse_address_list: huge lists are capped, deep comments are fine")
{
    std::string many;
    for (std::size_t i = 0; i < max_addresses + 50; ++i)
        many += "a@b,";
    CHECK(parse_address_list(many).size() == max_addresses);
    const std::string deep = std::string(5000, '(') + std::string(5000, ')') + " a@b";
    CHECK(show(parse_address_list(deep)) == "-|-|a|b");
}

TEST_CASE("decoded_display_name decodes RFC 2047 words")
{
    const auto list = parse_address_list("=?ISO-8859-1?Q?Keld_J=F8rn?= <k@d>, x@y");
    REQUIRE(list.size() == 2);
    CHECK(decoded_display_name(list[0]) == "Keld J\xC3\xB8rn");
    CHECK(decoded_display_name(list[1]).empty());
}
