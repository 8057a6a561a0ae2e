// tests/unit/core/test_smtp_command_syntax.cpp - MAIL FROM / RCPT TO arguments (RFC 5321
// section 4.1.2), including the lenient forms the Postfix book's sessions use.
#include "core/smtp/command_syntax.hpp"

#include <doctest/doctest.h>

using namespace mailroom::core::smtp;

TEST_CASE("path arguments: accepted forms")
{
    struct Row {
        std::string_view argument;
        std::string_view address;
        std::size_t parameters;
    };
    const Row rows[] = {
        {"FROM:<ann@example.com>", "ann@example.com", 0},
        {"from:<ann@example.com>", "ann@example.com", 0},
        {"FROM: <ann@example.com>", "ann@example.com", 0},
        {"FROM:ann@example.com", "ann@example.com", 0},
        {"FROM:<>", "", 0},
        {"FROM:<> SIZE=100 BODY=8BITMIME", "", 2},
        {"FROM:<@a,@b:ann@example.com>", "ann@example.com", 0},
        {"FROM:<\"john doe\"@example.com>", "\"john doe\"@example.com", 0},
        {"FROM:<\"a>b\"@example.com>", "\"a>b\"@example.com", 0},
        {"FROM:<j\xc3\xb6rg@b\xc3\xbc.example>", "j\xc3\xb6rg@b\xc3\xbc.example", 0},
        {"  FROM:<a@b>   SMTPUTF8  ", "a@b", 1},
    };
    for (const auto& row : rows) {
        CAPTURE(row.argument);
        PathError error;
        const auto parsed = parse_path_argument(row.argument, "FROM", error);
        REQUIRE(parsed);
        CHECK(parsed->address == row.address);
        CHECK(parsed->parameters.size() == row.parameters);
    }
    PathError error;
    const auto parsed = parse_path_argument("TO:<a@b> orcpt=rfc822;a@b notify", "TO", error);
    REQUIRE(parsed);
    CHECK(parsed->parameters[0] == std::pair<std::string, std::string>{"ORCPT", "rfc822;a@b"});
    CHECK(parsed->parameters[1] == std::pair<std::string, std::string>{"NOTIFY", ""});
}

TEST_CASE("path arguments: refused forms")
{
    struct Row {
        std::string_view argument;
        std::string_view enhanced;
    };
    const Row rows[] = {
        {"", "5.5.4"},
        {"FROM", "5.5.4"},
        {"FROM <a@b>", "5.5.4"},
        {"TO:<a@b>", "5.5.4"},
        {"FROM:<a@b", "5.5.4"},
        {"FROM:<\"a@b>", "5.5.4"},
        {"FROM:<a b@c>", "5.1.3"},
        {"FROM:<a,b@c>", "5.1.3"},
        {"FROM:<a\x01@c>", "5.1.3"},
        {"FROM:<\"unbalanced@c>", "5.5.4"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.argument);
        PathError error;
        CHECK_FALSE(parse_path_argument(row.argument, "FROM", error));
        CHECK(error.enhanced == row.enhanced);
    }
    PathError error;
    CHECK_FALSE(parse_path_argument("FROM:<" + std::string(600, 'a') + "@b>", "FROM", error));
    CHECK(error.enhanced == "5.1.3");
}
