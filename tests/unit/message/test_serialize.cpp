// tests/unit/message/test_serialize.cpp - the part-tree blob for the index cache: exact
// round trip, and refusal of anything else.
#include "mailstore/message/mime_parser.hpp"
#include "mailstore/message/serialize.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

namespace {

const std::string sample =
    "From: \"A\" <a@b>, group: c@d;\nTo: x@y\nSubject: s\nDate: Mon, 7 Feb 1994 21:52:25 -0800\n"
    "Content-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain; charset=utf-8\nContent-Language: en, de\n"
    "Content-Disposition: inline; filename*=utf-8''x\nContent-ID: <i>\n\nhi\n"
    "--b\nContent-Type: message/rfc822\n\nFrom: inner@x\n\nbody\n--b--\n";

}  // namespace

TEST_CASE("serialize_part_tree: round trip keeps every field")
{
    const Part root = parse_message(sample);
    const std::string blob = serialize_part_tree(root);
    CHECK(blob.substr(0, 4) == "MRPT");
    CHECK(static_cast<unsigned char>(blob[4]) == part_tree_format_version);
    const auto back = deserialize_part_tree(blob);
    REQUIRE(back.has_value());
    CHECK(*back == root);
    REQUIRE(back->children.size() == 2);
    CHECK(back->children[0].mime.language.size() == 2);
    CHECK(back->children[1].children[0].envelope->from.size() == 1);
    CHECK(back->envelope->from.size() == 4);  // a@b, group start, c@d, group end

    Part empty;
    CHECK(*deserialize_part_tree(serialize_part_tree(empty)) == empty);
}

TEST_CASE("deserialize_part_tree: refuses what it did not write")
{
    const std::string blob = serialize_part_tree(parse_message(sample));
    struct Row { std::string in; const char* why; };
    const Row rows[] = {
        {"", "bad magic"},
        {"MRP", "bad magic"},
        {"XXXX\x01", "bad magic"},
        {std::string("MRPT\x02", 5) + blob.substr(5), "unsupported part tree version"},
        {blob + "x", "trailing bytes"},
        {blob.substr(0, blob.size() - 1), "truncated"},
        {std::string("MRPT\x01\x03\x00", 7), "bad part kind"},
        {std::string("MRPT\x01\x00\x08", 7), "bad part kind"},
        {std::string("MRPT\x01\x00\x00", 7) + std::string(10, '\xFF') + "\x7F", "number"},
        {std::string("MRPT\x01\x00\x00", 7) + std::string(7, '\0') + std::string(8, '\0') + "\x02", "count"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        std::string error;
        CHECK_FALSE(deserialize_part_tree(r.in, &error).has_value());
        CHECK(error.find(r.why) != std::string::npos);
    }
}

TEST_CASE("deserialize_part_tree: absurd counts and depths are refused without allocating")
{
    // a string length of 2^62 and a child count of 10^9
    std::string huge_len = std::string("MRPT\x01\x00\x00", 7) + std::string(7, '\0') + "\x01";
    huge_len += std::string("\x80\x80\x80\x80\x80\x80\x80\x80\x40", 9);
    CHECK_FALSE(deserialize_part_tree(huge_len).has_value());
    // nesting deeper than the parser could produce
    std::string deep = "MRPT\x01";
    for (unsigned i = 0; i < 200; ++i)
        deep += std::string("\x01\x00", 2) + std::string(7, '\0') + std::string(8, '\0') + std::string(3, '\0') + "\x01";
    std::string error;
    CHECK_FALSE(deserialize_part_tree(deep, &error).has_value());
    CHECK_FALSE(error.empty());
}

TEST_CASE("deserialize_part_tree: ranges the parser cannot produce are refused")
{
    Part root = parse_message(sample);
    struct Row { const char* why; void (*damage)(Part&); };
    const Row rows[] = {
        {"inconsistent part ranges", [](Part& p) { p.body_offset += 1; }},
        {"inconsistent part ranges", [](Part& p) { p.body_size = UINT64_MAX; }},
        {"child part outside its parent", [](Part& p) { p.children[1].header_offset = 0; p.children[1].body_offset = p.children[1].header_size; }},
        {"child part outside its parent", [](Part& p) { p.children[0].body_size += 100000; }},
    };
    for (const auto& r : rows) {
        CAPTURE(r.why);
        Part damaged = root;
        r.damage(damaged);
        std::string error;
        CHECK_FALSE(deserialize_part_tree(serialize_part_tree(damaged), &error).has_value());
        CHECK(error.find(r.why) != std::string::npos);
    }
}
