// imap/cmd_append.hpp - APPEND (RFC 3501 §6.3.11; APPENDUID, RFC 4315 §3) in three steps, so
// the message literal is streamed to the store and never held in memory: append_begin() when
// the literal is announced, append_data() for each piece as it arrives, then cmd_append()
// when the command line is complete. Each step is a store call the session loop runs on the
// blocking pool.
#pragma once
#include "imap/reply.hpp"
#include "imap/session.hpp"
#include "imap/protocol/arg.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace mailroom::imap {

struct PendingAppend {
    std::string mailbox;
    std::unique_ptr<mailstore::Saver> saver;
    std::optional<mailstore::Error> error;   // a write failed: the rest is swallowed, the reply is NO
    std::uint64_t expected = 0;
    std::uint64_t received = 0;
};

// The message literal of `partial` (tag, APPEND, mailbox [flags] [date-time]) was announced
// with `size` bytes. Checks the state, the arguments, the size (imap_literal_max, quota) and
// the mailbox, and opens a Saver. An OK reply means "send the continuation and stream";
// anything else is the command's tagged response, and the literal is refused.
Reply append_begin(Session& session, const Command& partial, std::uint64_t size);

// One piece of the literal.
void append_data(Session& session, std::string_view bytes);

}  // namespace mailroom::imap
