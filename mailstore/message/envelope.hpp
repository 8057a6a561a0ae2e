// mailstore/message/envelope.hpp - the header fields an IMAP ENVELOPE is made of
// (RFC 3501 §7.4.2; fields from RFC 5322 §3.3, §3.6.2-§3.6.5), taken from one header.
#pragma once
#include "mailstore/message/address.hpp"
#include "mailstore/message/header.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mailroom::message {

struct Envelope {
    // Raw values (RFC 2047 words kept), folding kept with every line end written as LF
    // (normalize_line_ends; unfold() removes them); NUL bytes become U+FFFD. When a field
    // appears more than once the last one wins, as in Dovecot.
    std::optional<std::string> date, subject, in_reply_to, message_id;
    // Parsed address lists; repeated fields are concatenated. Empty: field absent or
    // nothing parseable (the IMAP renderer then falls back from Sender/Reply-To to From).
    std::vector<Address> from, sender, reply_to, to, cc, bcc;

    bool operator==(const Envelope&) const = default;
};

Envelope parse_envelope(const HeaderBlock& header);

}  // namespace mailroom::message
