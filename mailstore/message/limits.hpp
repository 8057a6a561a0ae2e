// mailstore/message/limits.hpp - caps that bound the parser's CPU and memory on hostile
// input (RFC 5322 §2.1.1 line lengths are not enforced; these replace them). Values follow
// Dovecot's lib-mail (message-parser.h, rfc822-parser.h) where it has one.
#pragma once
#include <cstddef>

namespace mailroom::message {

// MIME nesting: a part at depth max_nesting_depth - 1 is never split into children; its
// Content-Type is kept but its body is treated as a plain body (Dovecot: 100).
inline constexpr unsigned max_nesting_depth = 100;
// Parts per message, the root included; later boundaries are treated as body text
// (Dovecot: 10000).
inline constexpr unsigned max_total_parts = 10000;
// Header fields remembered per header block; further fields still count toward the
// header's size and offsets but are not looked up.
inline constexpr std::size_t max_header_fields = 10000;
// Bytes of header fields remembered per header block (Dovecot's all-headers cap is 50 MB;
// ours is smaller because a field list is kept per part).
inline constexpr std::size_t max_header_bytes = 8u << 20;
// Content-Type/Disposition parameters kept per field (Dovecot caps RFC 2231 at 128).
inline constexpr std::size_t max_mime_params = 128;
// Addresses kept per address header.
inline constexpr std::size_t max_addresses = 10000;
// Encoded words decoded per header value (RFC 2047); the rest is kept as written.
inline constexpr std::size_t max_encoded_words = 1000;

// Limits as a value so tests can shrink them; the defaults are the constants above.
struct ParseLimits {
    unsigned nesting_depth = max_nesting_depth;
    unsigned total_parts = max_total_parts;
    std::size_t header_fields = max_header_fields;
    std::size_t header_bytes = max_header_bytes;
};

}  // namespace mailroom::message
