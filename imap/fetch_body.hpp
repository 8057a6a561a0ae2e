// imap/fetch_body.hpp - BODY[section]<partial> data (RFC 3501 §6.4.5, §7.4.2): which stored
// bytes a section is, its size once line ends are CRLF and the partial is applied, and
// writing it into a literal in pieces, so a large body never sits in memory whole.
#pragma once
#include "imap/fetch_attributes.hpp"
#include "imap/message_data.hpp"
#include "mailstore/message/line_ends.hpp"

#include <string>

namespace mailroom::imap {

class BodyLiteral {
public:
    // Works out the section's bytes. A section that does not exist is empty (Dovecot answers
    // ""); store failures (the message was expunged meanwhile) are returned.
    static mailstore::Result<BodyLiteral> prepare(MessageData& data, const BodySection& section);

    std::uint64_t size() const { return size_; }

    // Appends literal bytes to `out` until out.size() reaches `budget` or the literal is
    // complete (true). Exactly size() bytes are written over all calls: should the message
    // have shrunk since its size was known, or a read fail (the error is returned), the rest
    // is padded with spaces so the client's parser stays in step.
    mailstore::Result<bool> pump(MessageData& data, std::string& out, std::size_t budget);

private:
    std::uint64_t size_ = 0;
    std::uint64_t remaining_ = 0;
    std::string inline_;               // small, already converted data (HEADER.FIELDS)
    bool streamed_ = false;
    std::uint64_t offset_ = 0;         // next physical byte to read
    std::uint64_t end_ = 0;
    message::CrlfConverter converter_;
};

}  // namespace mailroom::imap
