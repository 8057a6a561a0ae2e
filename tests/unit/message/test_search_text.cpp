// tests/unit/message/test_search_text.cpp - SEARCH text (RFC 3501 §6.4.4): decoding,
// charsets, case folding, chunked walking of the part tree.
#include "mailstore/message/header.hpp"
#include "mailstore/message/mime_parser.hpp"
#include "mailstore/message/search_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mailroom::message;

TEST_CASE("fold_case: full Unicode folding")
{
    CHECK(fold_case("HeLLo") == "hello");
    CHECK(fold_case("STRASSE stra\xC3\x9F" "e") == "strasse strasse");    // ß folds to ss
    CHECK(fold_case("\xCE\xA3\xCE\x9F\xCE\xA6") == "\xCF\x83\xCE\xBF\xCF\x86");  // ΣΟΦ
    CHECK(fold_case("bad \xFF") == "bad \xEF\xBF\xBD");
    CHECK(fold_case("") == "");
}

TEST_CASE("header_search_text decodes and folds")
{
    const HeaderBlock h = parse_header(std::string_view("Subject: =?ISO-8859-1?Q?CAF=C9?=\n =?utf-8?q?_Cr=C3=A8me?=\n\n"));
    CHECK(header_search_text(h.fields[0]) == "caf\xC3\xA9 cr\xC3\xA8me");
}

namespace {

const std::string message =
    "Subject: top\n"
    "Content-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
    "Caf=E9 CR=C8ME soft=\nbreak\n"
    "--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
    "PGI+SGVsbG8gV09STEQ8L2I+\n"
    "--b\nContent-Type: application/octet-stream\n\nNEEDLE-IN-BINARY\n"
    "--b\nContent-Type: message/rfc822\n\nSubject: =?utf-8?q?Inner_Subj=C3=89ct?=\n\ninner BODY text\n"
    "--b--\n";

}  // namespace

TEST_CASE("for_each_search_text: text parts and encapsulated headers, decoded and folded")
{
    const Part root = parse_message(message);
    std::vector<std::string> pieces;
    for_each_search_text(message, root, [&](const Part&, std::string_view t) { pieces.emplace_back(t); });
    REQUIRE(pieces.size() == 4);
    CHECK(pieces[0] == "caf\xC3\xA9 cr\xC3\xA8me softbreak");
    CHECK(pieces[1] == "<b>hello world</b>");
    CHECK(pieces[2] == "subject: inner subj\xC3\xA9" "ct\n");
    CHECK(pieces[3] == "inner body text");
}

TEST_CASE("search_text_contains: substrings across chunks, any case, not in binaries")
{
    const Part root = parse_message(message);
    CHECK(search_text_contains(message, root, "CAFÉ"));
    CHECK(search_text_contains(message, root, "softbreak"));
    CHECK(search_text_contains(message, root, "Hello World"));
    CHECK(search_text_contains(message, root, "inner subjéct"));
    CHECK(search_text_contains(message, root, ""));
    CHECK_FALSE(search_text_contains(message, root, "needle-in-binary"));
    CHECK_FALSE(search_text_contains(message, root, "world</b>caf"));  // never across parts

    // a big body, small chunks: a match straddling every chunk boundary is found
    std::string big = "Content-Type: text/plain\n\n";
    for (int i = 0; i < 2000; ++i)
        big += "abcdefghij";
    big += "NEEDLE";
    const Part broot = parse_message(big);
    std::size_t chunks = 0, largest = 0;
    for_each_search_text(big, broot, [&](const Part&, std::string_view t) { ++chunks; largest = std::max(largest, t.size()); }, 7);
    CHECK(chunks > 1000);
    CHECK(largest <= 7);
    CHECK(search_text_contains(big, broot, "jabcdefghijab"));
    CHECK(search_text_contains(big, broot, "ijneedle"));
    CHECK_FALSE(search_text_contains(big, broot, "jj"));
}

TEST_CASE("for_each_search_text: a tree of other bytes is ignored")
{
    const Part root = parse_message(message);
    int calls = 0;
    for_each_search_text("short", root, [&](const Part&, std::string_view) { ++calls; });
    CHECK(calls == 0);
}
