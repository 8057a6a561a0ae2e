// imap/fetch_body.hpp - BODY[section]<partial> data (RFC 3501 §6.4.5, §7.4.2): which stored
// bytes a section is, its size once line ends are CRLF and the partial is applied, and
// writing it into a literal in pieces, so a large body never sits in memory whole.
#pragma once
#include "imap/fetch_attributes.hpp"
#include "imap/message_data.hpp"
#include "mailstore/message/line_ends.hpp"

#include <memory>
#include <span>
#include <string>

namespace mailroom::imap {

// The buffer stored bytes are read into on their way to a literal: one per FETCH, allocated
// at the first body it reads, reused for every chunk of every message after that.
class ReadBuffer {
public:
    static constexpr std::size_t size = 64 * 1024;
    std::span<char> get()
    {
        if (!data_)
            data_ = std::make_unique_for_overwrite<char[]>(size);
        return {data_.get(), size};
    }

private:
    std::unique_ptr<char[]> data_;
};

class BodyLiteral {
public:
    // Works out the section's bytes. A section that does not exist is empty (Dovecot answers
    // ""); store failures (the message was expunged meanwhile) are returned. `buffer` is the
    // one pump() gets next.
    static mailstore::Result<BodyLiteral> prepare(MessageData& data, const BodySection& section, ReadBuffer& buffer);
    // Whether BODY[] of this message will be read whole by prepare() (its CRLF size is not
    // known yet and it fits the buffer), so the caller need not ask the view for its size.
    static bool reads_once(const mailstore::MessageRecord& record);

    std::uint64_t size() const { return size_; }

    // Appends literal bytes to `out` until out.size() reaches `budget` or the literal is
    // complete (true). Exactly size() bytes are written over all calls: should the message
    // have shrunk since its size was known, or a read fail (the error is returned), the rest
    // is padded with spaces so the client's parser stays in step.
    mailstore::Result<bool> pump(MessageData& data, std::string& out, std::size_t budget, ReadBuffer& buffer);

private:
    std::uint64_t size_ = 0;
    std::uint64_t remaining_ = 0;
    std::string inline_;               // small, already converted data (HEADER.FIELDS)
    bool streamed_ = false;
    std::uint64_t offset_ = 0;         // next physical byte to read
    std::uint64_t end_ = 0;
    bool windowed_ = false;            // a partial <origin.length>: converter_ cuts it out
    char prev_ = 0;                    // without one: the byte before offset_ (crlf_copy)
    std::size_t preloaded_ = 0;        // prepare() left the first bytes in the ReadBuffer
    message::CrlfConverter converter_;
};

}  // namespace mailroom::imap
