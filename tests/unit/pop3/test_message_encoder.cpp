// tests/unit/pop3/test_message_encoder.cpp - RETR and TOP output (RFC 1939 sections 3, 7 and
// 11): CRLF line ends, dot-stuffing, TOP's header and line count, and the same output however
// the stored bytes are split (pop3/message_encoder).
#include "pop3/message_encoder.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using mailroom::pop3::MessageEncoder;

namespace {

std::string encode_in_pieces(std::string_view stored, std::optional<std::uint64_t> lines, std::size_t piece)
{
    MessageEncoder encoder(lines);
    std::string out;
    for (std::size_t pos = 0; pos < stored.size(); pos += piece)
        if (!encoder.encode(stored.substr(pos, piece), out))
            break;
    encoder.finish(out);
    return out;
}

struct Row {
    std::string stored;
    std::optional<std::uint64_t> lines;
    std::string sent;
};

const Row rows[] = {
    {"a\nb\n", std::nullopt, "a\r\nb\r\n.\r\n"},
    {"a\r\nb\r\n", std::nullopt, "a\r\nb\r\n.\r\n"},
    {"a\r\nb\n", std::nullopt, "a\r\nb\r\n.\r\n"},
    {".x\n..y\n.\n", std::nullopt, "..x\r\n...y\r\n..\r\n.\r\n"},
    {".", std::nullopt, "..\r\n.\r\n"},
    {"no line end", std::nullopt, "no line end\r\n.\r\n"},
    {"", std::nullopt, ".\r\n"},
    {"\n", std::nullopt, "\r\n.\r\n"},
    {"a\rb\n", std::nullopt, "a\rb\r\n.\r\n"},               // a lone CR is not a line end
    {"x\r", std::nullopt, "x\r\r\n.\r\n"},
    {"a.b\n.\r\n", std::nullopt, "a.b\r\n..\r\n.\r\n"},      // only a leading dot is stuffed
    {std::string("n\0ul\n", 5), std::nullopt, std::string("n\0ul\r\n.\r\n", 9)},
    {"\xff\xfe 8bit\n", std::nullopt, "\xff\xfe 8bit\r\n.\r\n"},
    {"H: 1\nH2: 2\n\nb1\nb2\n", 0, "H: 1\r\nH2: 2\r\n\r\n.\r\n"},
    {"H: 1\nH2: 2\n\nb1\nb2\n", 1, "H: 1\r\nH2: 2\r\n\r\nb1\r\n.\r\n"},
    {"H: 1\nH2: 2\n\nb1\nb2\n", 2, "H: 1\r\nH2: 2\r\n\r\nb1\r\nb2\r\n.\r\n"},
    {"H: 1\nH2: 2\n\nb1\nb2\n", 99, "H: 1\r\nH2: 2\r\n\r\nb1\r\nb2\r\n.\r\n"},
    {"H: 1\r\n\r\n.dot\r\nb\r\n", 1, "H: 1\r\n\r\n..dot\r\n.\r\n"},
    {"H: 1\nH: 2", 0, "H: 1\r\nH: 2\r\n.\r\n"},              // no body at all
    {"H: 1\n\nlast line", 5, "H: 1\r\n\r\nlast line\r\n.\r\n"},
    {"\n.\n", 1, "\r\n..\r\n.\r\n"},                          // empty header
    {"\nbody\n", 0, "\r\n.\r\n"},
    {"H: 1\n\n\n\nx\n", 2, "H: 1\r\n\r\n\r\n\r\n.\r\n"},      // empty body lines count
    {"H: x\r\n\r\nb\rc\nd\n", 1, "H: x\r\n\r\nb\rc\r\n.\r\n"},
};

}  // namespace

TEST_CASE("stored messages become RETR and TOP replies, however the bytes are split")
{
    for (std::size_t i = 0; i < std::size(rows); ++i) {
        const Row& row = rows[i];
        CAPTURE(i);
        const std::string whole = encode_in_pieces(row.stored, row.lines, std::max<std::size_t>(row.stored.size(), 1));
        CHECK(whole == row.sent);
        for (std::size_t piece = 1; piece <= row.stored.size(); ++piece) {
            CAPTURE(piece);
            CHECK(encode_in_pieces(row.stored, row.lines, piece) == row.sent);
        }
    }
}

TEST_CASE("a RETR reply without its stuffing and terminator is as long as the virtual size")
{
    const std::string stored = "From: a\nSubject: b\r\n\n.leading dot\nmiddle . dot\n..two\n\nend\n";
    std::uint64_t virtual_size = stored.size();
    for (std::size_t i = 0; i < stored.size(); ++i)
        if (stored[i] == '\n' && (i == 0 || stored[i - 1] != '\r'))
            ++virtual_size;
    std::string sent = encode_in_pieces(stored, std::nullopt, 5);
    REQUIRE(sent.ends_with("\r\n.\r\n"));
    sent.resize(sent.size() - 3);
    std::string unstuffed;
    bool line_start = true;
    for (char c : sent) {
        if (line_start && c == '.') {   // every leading dot on the wire is a stuffed one
            line_start = false;
            continue;
        }
        unstuffed += c;
        line_start = c == '\n';
    }
    CHECK(unstuffed.size() == virtual_size);
}

TEST_CASE("TOP stops asking for input once it has its lines")
{
    MessageEncoder encoder(1);
    std::string out;
    CHECK(encoder.encode("H: 1\n\nfir", out));
    CHECK_FALSE(encoder.encode("st\nsecond\n", out));
    CHECK(encoder.done());
    CHECK_FALSE(encoder.encode("third\n", out));
    encoder.finish(out);
    CHECK(out == "H: 1\r\n\r\nfirst\r\n.\r\n");
}
