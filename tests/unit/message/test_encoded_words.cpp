// tests/unit/message/test_encoded_words.cpp - RFC 2047 encoded words and charset
// conversion to UTF-8 with ICU (RFC 2046 §4.1.2 charsets, RFC 2231 §5 languages).
#include "mailstore/message/charset.hpp"
#include "mailstore/message/encoded_words.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

TEST_CASE("decode_header_text: RFC 2047 §8 examples and malformed words")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", ""},
        {"plain text", "plain text"},
        {"=?ISO-8859-1?Q?a?=", "a"},
        {"=?ISO-8859-1?Q?a?= b", "a b"},
        {"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"},           // whitespace between words goes
        {"=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=", "ab"},
        {"=?ISO-8859-1?Q?a_b?=", "a b"},
        {"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"},
        {"(=?ISO-8859-1?Q?a?=)", "(a)"},
        {"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld J\xC3\xB8rn Simonsen"},
        {"=?utf-8?B?SsO2cmc=?=", "J\xC3\xB6rg"},
        {"=?UTF-8*en?Q?hi?=", "hi"},                                   // RFC 2231 §5 language
        {"=?utf-8?B?4oK=?= =?utf-8?B?rA==?=", "\xE2\x82\xAC"},          // a character split across words
        {"=?utf-8?X?abc?=", "=?utf-8?X?abc?="},                         // unknown encoding
        {"=?utf-8?Q?no end", "=?utf-8?Q?no end"},
        {"=?utf-8?Q?sp ace?=", "=?utf-8?Q?sp ace?="},
        {"=??Q?x?=", "=??Q?x?="},
        {"=?bogus-charset?Q?e=FF?=", "e\xEF\xBF\xBD"},                  // unknown charset: bytes kept as UTF-8
        {"raw \xFF latin", "raw \xEF\xBF\xBD latin"},
        {"a\r\n b", "a b"},
        {"=?utf-8?q?x?==?utf-8?q?y?=", "xy"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(decode_header_text(r.in) == r.out);
    }
}

TEST_CASE("convert_to_utf8: names, aliases, unknown charsets")
{
    struct Row { std::string charset, in, out; bool known; };
    const Row rows[] = {
        {"utf-8", "\xC3\xA9", "\xC3\xA9", true},
        {"UTF8", "ok", "ok", true},
        {"us-ascii", "caf\xC3\xA9", "caf\xC3\xA9", true},               // 8-bit under us-ascii: UTF-8
        {"latin1", "\xE9", "\xC3\xA9", true},
        {"ISO-8859-1", "\xE9", "\xC3\xA9", true},
        {"windows-1252", "\x80", "\xE2\x82\xAC", true},
        {"x-unknown", "\xC3\xA9\xFF", "\xC3\xA9\xEF\xBF\xBD", true},
        {"no-such-charset", "a\xFF", "a\xEF\xBF\xBD", false},
        {std::string("utf\0-8", 6), "a", "a", false},
        {"utf-8", "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", true},  // no surrogates
        {"utf-8", "\xF0\x9F\x98", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", true},  // cut short
    };
    for (const auto& r : rows) {
        CAPTURE(r.charset);
        CAPTURE(r.in);
        std::string out;
        CHECK(convert_to_utf8(r.charset, r.in, out) == r.known);
        CHECK(out == r.out);
    }
}

TEST_CASE("Utf8Converter: byte-at-a-time gives the same text")
{
    struct Row { std::string charset, in; };
    const Row rows[] = {
        {"utf-8", "a\xE2\x82\xAC\xF0\x9F\x98\x80z"},
        {"shift_jis", "\x82\xA0\x82\xA2"},
        {"utf-16be", std::string("\xD8\x3D\xDE\x00\x00\x41", 6)},
        {"iso-8859-7", "\xE1\xE2"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.charset);
        std::string whole;
        convert_to_utf8(r.charset, r.in, whole);
        Utf8Converter conv(r.charset);
        std::string pieces;
        for (std::size_t i = 0; i < r.in.size(); ++i)
            conv.feed(std::string_view(r.in).substr(i, 1), pieces, i + 1 == r.in.size());
        CHECK(pieces == whole);
        CHECK(whole.find("\xEF\xBF\xBD") == std::string::npos);
    }
    std::string big;
    for (int i = 0; i < 3000; ++i)
        big += std::string("\xD8\x3D\xDE\x00", 4);  // 6000 UTF-16 units: crosses ICU buffers
    std::string out;
    CHECK(convert_to_utf8("utf-16be", big, out));
    CHECK(out.size() == 3000 * 4);
    CHECK(out.find("\xEF\xBF\xBD") == std::string::npos);
}
