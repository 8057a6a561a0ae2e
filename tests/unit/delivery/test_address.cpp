// tests/unit/delivery/test_address.cpp - address splitting and extensions (postconf(5)
// recipient_delimiter, owner_request_special; local(8) case folding).
#include "delivery/resolve/address.hpp"

#include <doctest/doctest.h>

using namespace mailroom::delivery;

TEST_CASE("extensions split at the first delimiter character")
{
    struct Row {
        std::string_view address;
        std::string_view delimiters;
        std::string_view user, extension, domain, local, delimiter;
    };
    const Row rows[] = {
        {"rich+lists@Example.COM", "+", "rich", "lists", "example.com", "rich+lists", "+"},
        {"Rich+Lists@example.com", "+", "rich", "lists", "example.com", "rich+lists", "+"},
        {"rich@example.com", "+", "rich", "", "example.com", "rich", ""},
        {"rich+a+b@x", "+", "rich", "a+b", "x", "rich+a+b", "+"},
        {"rich-a+b@x", "+-", "rich", "a+b", "x", "rich-a+b", "-"},
        {"+lists@x", "+", "+lists", "", "x", "+lists", ""},
        {"rich+@x", "+", "rich", "", "x", "rich+", "+"},
        {"rich", "+", "rich", "", "", "rich", ""},
        {"rich+lists", "", "rich+lists", "", "", "rich+lists", ""},
        {"owner-list@x", "-", "owner-list", "", "x", "owner-list", ""},
        {"list-request@x", "-", "list-request", "", "x", "list-request", ""},
        {"rich+../etc@x", "+", "rich", "", "x", "rich", ""},
        {"\"john+doe\"@x", "+", "john", "doe", "x", "john+doe", "+"},
        {"a@b@c", "+", "a@b", "", "c", "a@b", ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.address);
        const AddressParts parts = split_address(row.address, {row.delimiters, true, true});
        CHECK(parts.user == row.user);
        CHECK(parts.extension == row.extension);
        CHECK(parts.domain == row.domain);
        CHECK(parts.local == row.local);
        CHECK(parts.delimiter == row.delimiter);
    }
}

TEST_CASE("case is kept when local parts are case-sensitive; the domain is always lower-cased")
{
    const AddressParts parts = split_address("Rich+Lists@EXAMPLE.com", {"+", true, false});
    CHECK(parts.user == "Rich");
    CHECK(parts.extension == "Lists");
    CHECK(parts.domain == "example.com");
    CHECK(split_address("owner-list@x", {"-", false, true}).user == "owner");
}

TEST_CASE("quoted local parts are unquoted")
{
    CHECK(unquote_local_part("\"john doe\"@example.com") == "john doe@example.com");
    CHECK(unquote_local_part("\"a\\\"b\"@x") == "a\"b@x");
    CHECK(unquote_local_part("\"unbalanced@x") == "\"unbalanced@x");
    CHECK(unquote_local_part("plain@x") == "plain@x");
}
