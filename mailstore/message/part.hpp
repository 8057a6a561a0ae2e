// mailstore/message/part.hpp - the MIME part tree of a message (RFC 2045, RFC 2046 §5.1
// multipart, §5.2 message) with the offsets and sizes IMAP needs (RFC 3501 §6.4.5,
// §7.4.2). Owns its strings, so it outlives the message bytes and can be serialized.
#pragma once
#include "mailstore/message/envelope.hpp"
#include "mailstore/message/mime_fields.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace mailroom::message {

enum class PartKind : unsigned char {
    single,     // a leaf: text/*, application/*, ... (and anything past the limits)
    multipart,  // children are the parts between the boundaries
    message,    // message/rfc822 or message/global: one child, the encapsulated message
};

// Offsets are physical (bytes as stored, so the store can seek); *_virtual_size counts the
// same bytes as if every bare LF were CRLF. header_* covers the header block including the
// blank line that ends it; body_* the rest of the part. A line end just before a boundary
// line belongs to the boundary (RFC 2046 §5.1.1), so it is in neither.
struct Part {
    PartKind kind = PartKind::single;
    // Content-Type asked for multipart/message but a limit (ParseLimits) or a missing
    // boundary kept the part a leaf: kind is single, mime still says what was asked.
    bool overflow = false;
    bool header_has_separator = false;  // header ended with a blank line

    std::uint64_t header_offset = 0, header_size = 0, header_virtual_size = 0;
    std::uint64_t body_offset = 0, body_size = 0, body_virtual_size = 0;
    std::uint64_t body_lines = 0;  // LFs in the body (IMAP body-fld-lines)

    MimeFields mime;                   // empty unless the part is MIME (see declares_mime)
    std::optional<Envelope> envelope;  // on the root and on each encapsulated message
    std::vector<Part> children;

    bool operator==(const Part&) const = default;

    std::uint64_t size() const noexcept { return header_size + body_size; }
    std::uint64_t virtual_size() const noexcept { return header_virtual_size + body_virtual_size; }
};

}  // namespace mailroom::message
