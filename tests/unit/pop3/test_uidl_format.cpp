// tests/unit/pop3/test_uidl_format.cpp - pop3_uidl_format in Dovecot's notation (the default
// %08Xu%08Xv gives Dovecot's ids), refused formats, and the apop3d header MD5 behind %m
// (pop3/uidl_format).
#include "pop3/uidl_format.hpp"

#include <doctest/doctest.h>

using mailroom::pop3::header_md5;
using mailroom::pop3::UidlFormat;
using mailroom::pop3::UidlInputs;

namespace {

struct Row {
    const char* format;
    const char* expected;
};

// uid 42, UIDVALIDITY 975095575 (0x3a1ec717), a Maildir base name and a header digest.
const UidlInputs inputs{42, 975095575, "1700000000.M1P2.host,S=10,W=12", "0123456789abcdef0123456789abcdef"};

const Row rows[] = {
    {"%08Xu%08Xv", "0000002a3a1ec717"},   // Dovecot's default; X is lower-case hex
    {"%u", "42"},
    {"%v.%u", "975095575.42"},
    {"%{uidvalidity}-%{uid}", "975095575-42"},
    {"%f", "1700000000.M1P2.host,S=10,W=12"},
    {"%{filename}", "1700000000.M1P2.host,S=10,W=12"},
    {"%m", "0123456789abcdef0123456789abcdef"},
    {"%{md5}", "0123456789abcdef0123456789abcdef"},
    {"%Xv", "3a1ec717"},
    {"%XUv", "3A1EC717"},                 // modifiers apply left to right
    {"%UXv", "3a1ec717"},
    {"%Mu", "a1d0c6e83f027327d8461063f4ac58a6"},
    {"%4v", "9750"},                      // a width truncates...
    {"%012u", "000000000042"},            // ...unless it is zero-padded
    {"%02v", "975095575"},
    {"%2.3f", "000"},
    {"%11.4f", "M1P2"},
    {"%-4.f", "W=12"},                    // a negative offset counts from the end
    {"%.-5f", "1700000000.M1P2.host,S=10"},   // a negative width drops characters at the end
    {"%-4f", "1700"},                     // without an offset, the sign is ignored
    {"%Rv", "575590579"},
    {"%Lf", "1700000000.m1p2.host,s=10,w=12"},
    {"%Uf", "1700000000.M1P2.HOST,S=10,W=12"},
    {"100%%", "100%"},
    {"x%%%u", "x%42"},
    {"pre-%u-post", "pre-42-post"},
};

}  // namespace

TEST_CASE("pop3_uidl_format expands like Dovecot's var_expand")
{
    for (const Row& row : rows) {
        CAPTURE(row.format);
        std::string error;
        const auto format = UidlFormat::parse(row.format, error);
        REQUIRE_MESSAGE(format, error);
        CHECK(format->expand(inputs) == row.expected);
    }
}

TEST_CASE("Dovecot's default gives Dovecot's ids (qpopper-era UIDVALIDITY, small UIDs)")
{
    std::string error;
    const auto format = UidlFormat::parse("%08Xu%08Xv", error);
    REQUIRE(format);
    CHECK(format->expand({1, 0x3a1ec717, {}, {}}) == "000000013a1ec717");
    CHECK(format->expand({4294967295u, 1, {}, {}}) == "ffffffff00000001");
    CHECK_FALSE(format->uses_file_name());
    CHECK_FALSE(format->uses_header_md5());
    CHECK(UidlFormat::parse("%f", error)->uses_file_name());
    CHECK(UidlFormat::parse("%v-%m", error)->uses_header_md5());
    CHECK(UidlFormat::parse("%{md5}", error)->uses_header_md5());
}

TEST_CASE("formats that would not give unique ids are refused")
{
    for (const char* bad : {"", "%", "%08X", "%g", "%{guid}", "%{uid", "%q", "%Eu", "%08Xu%", "%{}"}) {
        CAPTURE(bad);
        std::string error;
        CHECK_FALSE(UidlFormat::parse(bad, error));
        CHECK_FALSE(error.empty());
    }
}

TEST_CASE("the %m digest covers the header fields Dovecot's apop3d variant picks")
{
    struct Md5Row {
        const char* header;
        const char* md5;
    };
    const Md5Row md5_rows[] = {
        {"Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <a@b.example>\nSubject: x\n\nbody\n",
         "bd3d1259078cc56d1e6465d0aa3c6edf"},
        {"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <a@b.example>\r\nSubject: x\r\n\r\nbody\r\n",
         "bd3d1259078cc56d1e6465d0aa3c6edf"},
        {"date: Mon, 1 Jan 2024 10:00:00 +0000\nMESSAGE-ID: <a@b.example>\n\n", "bd3d1259078cc56d1e6465d0aa3c6edf"},
        // After a Received line, Date and Message-ID no longer count; only the first Received does.
        {"Received: from a.example\n\tby b.example\nDate: D\nMessage-ID: <m>\nReceived: from c\n"
         "Delivered-To: ann@example.com\n\n",
         "abd373248a549f319510106f5778c2d5"},
        {"Date: D\nReceived: r1\nMessage-ID: <m>\n\n", "9bf8da531b246cea4926ffe72bf03fec"},
        {"X-Delivery-ID: abc\n\n", "900150983cd24fb0d6963f7d28e17f72"},
        {"Subject: nothing counted\n\n", "d41d8cd98f00b204e9800998ecf8427e"},
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"Date: Mon,\n 1 Jan\n\n", "0001691bc3fb6b6d5244e3e9e226a484"},      // folded: the line as is
        {"Subject: s\n\nDate: in the body\n", "d41d8cd98f00b204e9800998ecf8427e"},
        {"Date:D\n\n", "f623e75af30e62bbd73d6df5b50bb7b5"},
        {"Date:  D\n\n", "2eab0deb7fa851fcaef7f3cd0c655fd8"},              // one blank skipped
        {"Date: D", "f623e75af30e62bbd73d6df5b50bb7b5"},                   // no line end at all
    };
    for (const auto& row : md5_rows) {
        CAPTURE(row.header);
        CHECK(header_md5(row.header) == row.md5);
    }
}
