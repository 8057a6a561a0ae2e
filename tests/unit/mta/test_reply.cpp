// tests/unit/mta/test_reply.cpp - the client's view of replies (RFC 5321 section 4.2) and its
// outgoing dot-stuffing (section 4.5.2).
#include "mta/client/reply.hpp"

#include <doctest/doctest.h>

using namespace mailroom::mta;

TEST_CASE("multi-line replies and their statuses")
{
    Reply reply;
    CHECK(add_reply_line(reply, "250-mail.example.com") == false);
    CHECK(add_reply_line(reply, "250-PIPELINING") == false);
    CHECK(add_reply_line(reply, "250 SIZE 1000") == true);
    CHECK(reply.code == 250);
    CHECK(reply.lines.size() == 3);
    CHECK(reply.text() == "250 mail.example.com; PIPELINING; SIZE 1000");
    CHECK(reply.status().enhanced == "2.0.0");

    Reply rejected;
    CHECK(add_reply_line(rejected, "550 5.1.1 <x@y>: unknown user") == true);
    CHECK(rejected.status().reply == 550);
    CHECK(rejected.status().enhanced == "5.1.1");
    CHECK(rejected.status().text == "<x@y>: unknown user");

    Reply mismatched;   // an enhanced code of another class is not believed
    add_reply_line(mismatched, "451 5.1.1 odd");
    CHECK(mismatched.status().enhanced == "4.0.0");

    Reply bare;
    CHECK(add_reply_line(bare, "354") == true);
    CHECK(bare.code == 354);
}

TEST_CASE("lines that are not replies")
{
    for (const char* line : {"", "25", "2500 x", "600 x", "abc", "250_x", "199 x", "25a x"}) {
        CAPTURE(line);
        Reply reply;
        CHECK_FALSE(add_reply_line(reply, line));
    }
    Reply reply;
    add_reply_line(reply, "250-a");
    CHECK_FALSE(add_reply_line(reply, "251 b"));   // the code changed in the middle
}

TEST_CASE("content goes out with CRLF, stuffed dots and the terminator")
{
    struct Row {
        std::string_view in, out;
    };
    const Row rows[] = {
        {"", ".\r\n"},
        {"a\n", "a\r\n.\r\n"},
        {".\n", "..\r\n.\r\n"},
        {"a\n.b\n..c\n", "a\r\n..b\r\n...c\r\n.\r\n"},
        {"no end", "no end\r\n.\r\n"},
        {"x.\n.", "x.\r\n..\r\n.\r\n"},
        {"bare\rcr\n", "bare\rcr\r\n.\r\n"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.in);
        CHECK(dot_stuff(row.in) == row.out);
    }
}
