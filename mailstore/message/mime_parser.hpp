// mailstore/message/mime_parser.hpp - builds the Part tree of a message (RFC 5322 header +
// body; RFC 2045 §5.2 defaults; RFC 2046 §5.1.1 boundaries, §5.1.5 digest defaults, §5.2.1
// message/rfc822). One pass over the bytes; lenient the way Dovecot's message-parser is.
#pragma once
#include "mailstore/message/limits.hpp"
#include "mailstore/message/part.hpp"

#include <string_view>

namespace mailroom::message {

// Parses a whole message held in memory (the store mmaps the file). Never fails and never
// loses bytes: root.header_offset == 0 and root.size() == message.size(), and every
// child's ranges lie inside its parent's body.
//
// Boundaries: a line that starts with "--" and an active boundary (the innermost first;
// the longest match wins when one boundary is a prefix of another) is a boundary line,
// whatever follows it on the line; "--boundary--" closes the multipart. A missing close
// delimiter ends the multipart at the end of the message or at an outer boundary. A
// multipart with no boundary parameter, or nested at depth limits.nesting_depth - 1, or
// found after limits.total_parts parts, is kept as a leaf (overflow).
Part parse_message(std::string_view message, const ParseLimits& limits = {});

}  // namespace mailroom::message
