// imap/render/body_structure.hpp - BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, §9 body,
// body-type-1part, body-type-mpart, body-ext-*) from a message::Part tree, with Dovecot's
// choices where the RFC leaves room (see docs/message-parsing.md).
#pragma once
#include "mailstore/message/part.hpp"

#include <string>

namespace mailroom::imap {

// The parenthesized body structure of the message whose root is `root`. extended == false
// gives BODY (no extension data); true gives BODYSTRUCTURE (single parts: md5,
// disposition, language, location; multiparts: parameters, disposition, language,
// location). message/rfc822 parts carry the encapsulated message's envelope, body and line
// count; text/* parts their line count. A multipart without parts is shown with one empty
// text/plain part, since the grammar requires at least one.
std::string render_body_structure(const message::Part& root, bool extended);
void append_body_structure(std::string& out, const message::Part& root, bool extended);

}  // namespace mailroom::imap
