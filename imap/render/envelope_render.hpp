// imap/render/envelope_render.hpp - the ENVELOPE parenthesized list (RFC 3501 §7.4.2,
// §9 envelope/address) from a message::Envelope.
#pragma once
#include "mailstore/message/envelope.hpp"

#include <string>
#include <vector>

namespace mailroom::imap {

// "(" date subject from sender reply-to to cc bcc in-reply-to message-id ")". Sender and
// Reply-To fall back to From when empty (RFC 3501 §7.4.2). Subject and display names are
// written for humans (whitespace collapsed), as Dovecot does.
void append_envelope(std::string& out, const message::Envelope& envelope);
std::string render_envelope(const message::Envelope& envelope);

// An address list: NIL when empty, else "(" 1*address ")", groups as RFC 3501 §7.4.2 says
// (start: NIL NIL group-name NIL; end: NIL NIL NIL NIL).
void append_address_list(std::string& out, const std::vector<message::Address>& list);

}  // namespace mailroom::imap
