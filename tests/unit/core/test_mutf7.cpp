// tests/unit/core/test_mutf7.cpp - modified UTF-7 mailbox names (RFC 3501 section 5.1.3)
// and UTF-8 validation (core/util/mutf7).
#include "core/util/mutf7.hpp"

#include <doctest/doctest.h>

using namespace mailroom::core;

TEST_CASE("round trips, including the RFC's example")
{
    struct Row {
        std::string_view utf8;
        std::string_view mutf7;
    };
    const Row rows[] = {
        {"INBOX", "INBOX"},
        {"~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
        {"A&B", "A&-B"},
        {"Entw\xc3\xbcrfe", "Entw&APw-rfe"},
        {"\xf0\x9f\x98\x80", "&2D3eAA-"},
        {"", ""},
        {"\xc3\xa4\xc3\xb6", "&AOQA9g-"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.utf8);
        CHECK(utf8_to_mutf7(row.utf8) == std::string(row.mutf7));
        CHECK(mutf7_to_utf8(row.mutf7) == std::string(row.utf8));
    }
}

TEST_CASE("malformed input is refused")
{
    for (std::string_view bad : {"&", "&AOQ", "&A-", "&AEE-" /* shifted 'A' */, "&2D3-" /* lone surrogate */,
                                 "&AOQ!-", "tab\there", "\xc3\xa4"}) {
        CAPTURE(bad);
        CHECK_FALSE(mutf7_to_utf8(bad));
    }
    for (std::string_view bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff"}) {
        CAPTURE(bad);
        CHECK_FALSE(utf8_to_mutf7(bad));
        CHECK_FALSE(is_valid_utf8(bad));
    }
}
