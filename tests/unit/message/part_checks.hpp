// tests/unit/message/part_checks.hpp - structural invariants every parsed Part tree must
// keep (mime_parser.hpp's contract), shared by the parser and corpus tests.
#pragma once
#include "mailstore/message/line_ends.hpp"
#include "mailstore/message/part.hpp"

#include <doctest/doctest.h>

#include <string_view>

namespace mailroom::test {

// Ranges nest, sizes add up, and the virtual sizes and line counts are those of the bytes.
inline void check_part(std::string_view msg, const message::Part& p, unsigned depth = 0)
{
    REQUIRE(p.header_offset + p.header_size == p.body_offset);
    REQUIRE(p.body_offset + p.body_size <= msg.size());
    const auto hdr = msg.substr(p.header_offset, p.header_size);
    const auto body = msg.substr(p.body_offset, p.body_size);
    CHECK(message::count_lines(hdr, p.header_offset ? msg[p.header_offset - 1] : 0).virtual_size == p.header_virtual_size);
    const auto stats = message::count_lines(body, p.body_offset ? msg[p.body_offset - 1] : 0);
    CHECK(stats.virtual_size == p.body_virtual_size);
    CHECK(stats.lines == p.body_lines);
    CHECK(depth < message::max_nesting_depth);
    if (p.kind == message::PartKind::message) {
        REQUIRE(p.children.size() == 1);
        CHECK(p.children[0].header_offset == p.body_offset);
        CHECK(p.children[0].size() == p.body_size);
        CHECK(p.children[0].envelope.has_value());
    }
    if (p.kind == message::PartKind::single)
        CHECK(p.children.empty());
    std::uint64_t last = p.body_offset;
    for (const auto& c : p.children) {
        CHECK(c.header_offset >= last);
        CHECK(c.body_offset + c.body_size <= p.body_offset + p.body_size);
        last = c.body_offset + c.body_size;
        check_part(msg, c, depth + 1);
    }
}

inline void check_tree(std::string_view msg, const message::Part& root)
{
    REQUIRE(root.header_offset == 0);
    REQUIRE(root.size() == msg.size());
    REQUIRE(root.envelope.has_value());
    check_part(msg, root);
}

}  // namespace mailroom::test
