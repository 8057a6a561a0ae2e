// tests/unit/core/test_smtp_data_decoder.cpp - DATA dot-unstuffing and terminator detection
// (RFC 5321 section 4.5.2), BDAT line-end conversion (RFC 3030), fed whole and byte by byte.
#include "core/smtp/data_decoder.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace mailroom::core::smtp;

namespace {

struct Decoded {
    std::string out;
    std::size_t used = 0;
    bool done = false;
};

Decoded dot_decode(std::string_view input, bool byte_by_byte)
{
    DotDecoder decoder;
    Decoded d;
    if (!byte_by_byte) {
        d.used = decoder.decode(input, d.out);
    } else {
        for (std::size_t i = 0; i < input.size() && !decoder.done(); ++i)
            d.used += decoder.decode(input.substr(i, 1), d.out);
    }
    d.done = decoder.done();
    return d;
}

}  // namespace

TEST_CASE("DotDecoder rows: whole input and one byte at a time agree")
{
    struct Row {
        std::string_view input;
        std::string_view out;
        std::size_t used;
        bool done;
    };
    const Row rows[] = {
        {".\r\n", "", 3, true},
        {"a\r\n.\r\nrest", "a\n", 6, true},
        {"..\r\n.\r\n", ".\n", 7, true},
        {".x\r\n", "x\n", 4, false},
        {"a\rb\r\n", "a\rb\n", 5, false},
        {"\r\r\n", "\r\n", 3, false},
        {"\n.\n", "\n", 3, true},
        {"x.\r\n", "x.\n", 4, false},
        {".", "", 1, false},
        {".\r", "", 2, false},
        {"", "", 0, false},
        {"a\r\n..\r\n.\r\n", "a\n.\n", 10, true},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        for (const bool bytes : {false, true}) {
            const Decoded d = dot_decode(row.input, bytes);
            CHECK(d.out == row.out);
            CHECK(d.used == row.used);
            CHECK(d.done == row.done);
        }
    }
}

TEST_CASE("ChunkDecoder turns CRLF into LF across chunk boundaries and keeps lone CRs")
{
    struct Row {
        std::vector<std::string_view> chunks;
        std::string_view out;
    };
    const Row rows[] = {
        {{"a\r\nb"}, "a\nb"},
        {{"a\r", "\nb"}, "a\nb"},
        {{"a\r", "b"}, "a\rb"},
        {{"a\r"}, "a\r"},
        {{"\r", "\r", "\n"}, "\r\n"},
        {{"", "x"}, "x"},
        {{"\r\r\r\n"}, "\r\r\n"},
    };
    for (const auto& row : rows) {
        ChunkDecoder decoder;
        std::string out;
        for (const auto chunk : row.chunks)
            decoder.decode(chunk, out);
        decoder.finish(out);
        CHECK(out == row.out);
    }
}
