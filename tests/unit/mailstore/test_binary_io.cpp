// tests/unit/mailstore/test_binary_io.cpp - the index files' CRC-32 (mailstore/index/binary_io):
// the IEEE 802.3 check value, every length and alignment against a bit-at-a-time reference,
// and continuing a CRC over pieces.
#include "mailstore/index/binary_io.hpp"

#include <doctest/doctest.h>

#include <string>

using mailroom::mailstore::index::crc32;

namespace {

std::uint32_t reference_crc32(std::string_view bytes)
{
    std::uint32_t crc = 0xffffffffu;
    for (unsigned char b : bytes) {
        crc ^= b;
        for (int k = 0; k < 8; ++k)
            crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

}  // namespace

TEST_CASE("crc32 gives the IEEE 802.3 check value")
{
    CHECK(crc32("") == 0);
    CHECK(crc32("123456789") == 0xCBF43926u);
    CHECK(crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}

TEST_CASE("crc32 agrees with the bitwise definition at every length and alignment")
{
    std::string data;
    for (int i = 0; i < 300; ++i)
        data += static_cast<char>((i * 151 + 7) & 0xff);
    for (std::size_t start = 0; start < 8; ++start)
        for (std::size_t length = 0; start + length <= 80; ++length) {
            CAPTURE(start);
            CAPTURE(length);
            const std::string_view piece = std::string_view(data).substr(start, length);
            CHECK(crc32(piece) == reference_crc32(piece));
        }
    CHECK(crc32(data) == reference_crc32(data));
}

TEST_CASE("crc32 continues over pieces")
{
    const std::string a = "From: ann@example.com\n", b = "Subject: eight bytes and then some\n";
    for (std::size_t split = 0; split <= b.size(); ++split) {
        CAPTURE(split);
        CHECK(crc32(b.substr(split), crc32(a + b.substr(0, split))) == crc32(a + b));
    }
}
