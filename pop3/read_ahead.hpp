// pop3/read_ahead.hpp - RETR read-ahead. Clients download a maildrop in order (RETR 1, RETR 2,
// ...), and each RETR that goes to the blocking pool costs two thread switches, most of the
// time a small message takes. So the pool trip that finished message n also reads the whole
// messages after it, already encoded as RETR sends them (MessageEncoder), up to
// retrieve_read_ahead bytes; the next RETRs are answered from memory. Anything else (TOP, a
// RETR out of order) drops what was read ahead. The messages are immutable, so the bytes are
// those RETR would have read; one that another session expunged meanwhile is still sent, as it
// would have been a moment earlier.
#pragma once
#include "pop3/maildrop.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace mailroom::pop3 {

struct EncodedMessage {
    mailstore::Uid uid = 0;
    std::string body;   // the message, dot-stuffed with CRLF line ends
    std::string end;    // the reply's end: a CRLF if the message lacked one, then ".\r\n"
};

class ReadAhead {
public:
    // On the blocking pool, with the mail owner's identity: reads the messages from index
    // `from` of the maildrop's list on, while each fits in what is left of `budget` bytes.
    // A message that cannot be read ends the read-ahead (RETR will report it).
    void fill(Maildrop& drop, std::size_t from, std::size_t budget);

    // The message read ahead for `uid` if it is the next one; otherwise nullopt, and
    // everything read ahead is dropped.
    std::optional<EncodedMessage> take(mailstore::Uid uid);
    void clear() { messages_.clear(); }

private:
    std::deque<EncodedMessage> messages_;
};

}  // namespace mailroom::pop3
