// tests/unit/message/test_utf8_fast_paths.cpp - the ASCII fast paths of UTF-8 validation
// (mailstore/message/charset) and case folding (search_text): at every position of long
// ASCII runs, the same output as the character-by-character definition and as ICU.
#include "mailstore/message/charset.hpp"
#include "mailstore/message/search_text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

namespace {

// Invalid and incomplete sequences, and valid ones of every length.
const std::string inserts[] = {
    "\xFF", "\xC3", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF0\x9F\x98", "\xED\xA0\x80", "\x80\x80",
};

}  // namespace

TEST_CASE("ascii_prefix_length stops at the first byte with the high bit")
{
    const std::string ascii(40, 'a');
    CHECK(ascii_prefix_length("") == 0);
    CHECK(ascii_prefix_length(ascii) == ascii.size());
    for (std::size_t at = 0; at <= ascii.size(); ++at) {
        CAPTURE(at);
        CHECK(ascii_prefix_length(ascii.substr(0, at) + "\x80" + ascii) == at);
    }
}

TEST_CASE("append_valid_utf8 keeps valid text and replaces each bad byte, wherever it is")
{
    const std::string ascii = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (const auto& insert : inserts)
        for (std::size_t at = 0; at <= ascii.size(); ++at) {
            CAPTURE(insert);
            CAPTURE(at);
            const std::string in = ascii.substr(0, at) + insert + ascii.substr(at);
            std::string alone;   // the insert by itself (at the end: nothing can complete it)
            append_valid_utf8(insert, alone);
            std::string out;
            append_valid_utf8(in, out);
            CHECK(out == ascii.substr(0, at) + alone + ascii.substr(at));
        }
}

TEST_CASE("Utf8Converter keeps a sequence split across chunks at any position")
{
    const std::string text = std::string(21, 'x') + "\xE2\x82\xAC" + std::string(13, 'y') + "\xF0\x9F\x98\x80";
    for (std::size_t split = 0; split <= text.size(); ++split) {
        CAPTURE(split);
        Utf8Converter conv("utf-8");
        std::string out;
        conv.feed(std::string_view(text).substr(0, split), out, false);
        conv.feed(std::string_view(text).substr(split), out, true);
        CHECK(out == text);
    }
}

TEST_CASE("fold_case: all-ASCII text folds as ICU folds it")
{
    std::string ascii;
    for (int c = 0; c < 128; ++c)
        ascii += static_cast<char>(c);
    for (std::size_t shift = 0; shift < 8; ++shift) {   // every character in every byte lane
        CAPTURE(shift);
        const std::string in = std::string(shift, ' ') + ascii;
        // The non-ASCII tail sends the whole string through ICU.
        CHECK(fold_case(in) + "\xC3\xA9" == fold_case(in + "\xC3\xA9"));
    }
    CHECK(fold_case("Zephyrine AT Example.ORG") == "zephyrine at example.org");
    CHECK(fold_case("K\xE2\x84\xAA") == "kk");   // KELVIN SIGN folds to ASCII: ICU path
}
