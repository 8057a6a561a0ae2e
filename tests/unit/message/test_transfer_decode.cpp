// tests/unit/message/test_transfer_decode.cpp - lenient base64 (RFC 2045 §6.8) and
// quoted-printable (§6.7) decoding, whole and one byte at a time.
#include "mailstore/message/transfer_decode.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

namespace {

std::string bytewise(TransferEncoding enc, const std::string& in)
{
    TransferDecoder d(enc);
    std::string out;
    for (char c : in)
        d.feed(std::string_view(&c, 1), out);
    d.finish(out);
    return out;
}

}  // namespace

TEST_CASE("base64: junk skipped, padding optional, '=' ends the data")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", ""},
        {"SGVsbG8=", "Hello"},
        {"SGVsbG8", "Hello"},                   // missing padding
        {"SGVs\r\nbG8=", "Hello"},
        {"SG Vs!b*G8", "Hello"},                 // junk between characters
        {"SGVsbG8g!!d29y\nbGQ*K\n=ignored", "Hello world\n"},
        {"QQ==QUJD", "A"},                       // nothing after the padding
        {"Q", ""},                               // one lone character: no byte
        {"QUI", "AB"},
        {std::string("QU\0JD", 5), "ABC"},
        {"////", "\xFF\xFF\xFF"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(decode_base64(r.in) == r.out);
        CHECK(bytewise(TransferEncoding::base64, r.in) == r.out);
    }
}

TEST_CASE("quoted-printable: escapes, soft breaks, broken sequences kept")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", ""},
        {"Caf=E9", "Caf\xE9"},
        {"caf=e9", "caf\xE9"},                  // lower-case hex
        {"soft=\nbreak", "softbreak"},
        {"soft=\r\nbreak", "softbreak"},
        {"trailing   \nx", "trailing\nx"},     // rule 3: trailing whitespace dropped
        {"a \t=\nb", "ab"},
        {"bad =ZZ here", "bad =ZZ here"},
        {"half =4", "half =4"},
        {"=4\n", "=4\n"},
        {"end=", "end="},
        {"a=\rb", "a=\rb"},
        {"keep  inner  spaces", "keep  inner  spaces"},
        {"x =3D y", "x = y"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(decode_quoted_printable(r.in) == r.out);
        CHECK(bytewise(TransferEncoding::quoted_printable, r.in) == r.out);
    }
}

TEST_CASE("transfer_encoding_from")
{
    CHECK(transfer_encoding_from("BASE64") == TransferEncoding::base64);
    CHECK(transfer_encoding_from("Quoted-Printable") == TransferEncoding::quoted_printable);
    CHECK(transfer_encoding_from("8bit") == TransferEncoding::identity);
    CHECK(transfer_encoding_from("") == TransferEncoding::identity);
    CHECK(bytewise(TransferEncoding::identity, "as is=\n") == "as is=\n");
}

TEST_CASE("quoted-printable: long whitespace runs stay bounded and are kept")
{
    const std::string spaces(10000, ' ');
    const std::string out = decode_quoted_printable(spaces + "x");
    CHECK(out == spaces + "x");
}
