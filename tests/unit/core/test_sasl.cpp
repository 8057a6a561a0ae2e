// tests/unit/core/test_sasl.cpp - SASL PLAIN (RFC 4616) and LOGIN server exchanges (core/auth/sasl).
#include "core/auth/sasl.hpp"
#include "core/util/base64.hpp"

#include <doctest/doctest.h>

using namespace mailroom::core;
using Kind = SaslStep::Kind;

TEST_CASE("PLAIN with an initial response")
{
    auto sasl = start_sasl("plain");
    REQUIRE(sasl);
    const auto step = sasl->start(base64_encode(std::string("\0ann\0secret", 11)));
    CHECK(step.kind == Kind::credentials);
    CHECK(step.authcid == "ann");
    CHECK(step.authzid.empty());
    CHECK(step.password == "secret");
}

TEST_CASE("PLAIN without an initial response asks with an empty challenge")
{
    auto sasl = start_sasl("PLAIN");
    const auto first = sasl->start(std::nullopt);
    CHECK(first.kind == Kind::challenge);
    CHECK(first.challenge.empty());
    const auto second = sasl->respond(base64_encode(std::string("admin\0ann\0pw", 12)));
    CHECK(second.kind == Kind::credentials);
    CHECK(second.authzid == "admin");
}

TEST_CASE("malformed PLAIN responses fail")
{
    const std::string bad[] = {
        "not base64!!", base64_encode("ann secret"), base64_encode(std::string("\0ann", 4)),
        base64_encode(std::string("\0\0pw", 4)), base64_encode(std::string("a\0b\0c\0d", 7)), "*",
        base64_encode(std::string("\0", 1) + std::string(2000, 'x') + std::string("\0p", 2)),
    };
    for (const auto& response : bad) {
        CAPTURE(response);
        auto sasl = start_sasl("PLAIN");
        CHECK(sasl->start(response).kind == Kind::failed);
    }
}

TEST_CASE("LOGIN asks for the user name and the password")
{
    auto sasl = start_sasl("LOGIN");
    auto step = sasl->start(std::nullopt);
    CHECK(step.kind == Kind::challenge);
    CHECK(base64_decode(step.challenge) == "Username:");
    step = sasl->respond(base64_encode("ann"));
    CHECK(base64_decode(step.challenge) == "Password:");
    step = sasl->respond(base64_encode("secret"));
    CHECK(step.kind == Kind::credentials);
    CHECK(step.authcid == "ann");
    CHECK(step.password == "secret");

    auto cancelled = start_sasl("LOGIN");
    cancelled->start(std::nullopt);
    CHECK(cancelled->respond("*").kind == Kind::failed);
    CHECK_FALSE(start_sasl("CRAM-MD5"));
}

TEST_CASE("base64 decoding is strict")
{
    CHECK(base64_decode("") == "");
    CHECK(base64_decode("YQ==") == "a");
    CHECK(base64_decode("YWI=") == "ab");
    CHECK(base64_decode("YWJj") == "abc");
    CHECK_FALSE(base64_decode("YQ="));
    CHECK_FALSE(base64_decode("Y=Q="));
    CHECK_FALSE(base64_decode("YW Jj"));
    CHECK_FALSE(base64_decode("YWJj\n"));
    CHECK(base64_encode(std::string("\0\xff", 2)) == "AP8=");
}
