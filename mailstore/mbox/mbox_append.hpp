// mailstore/mbox/mbox_append.hpp - appending one message to an mbox file that the caller has
// opened and locked (Postfix mail_copy(3) discipline): From_ line, mboxrd quoting, a newline
// first if the file does not end in one, fsync; on any failure the file is truncated back to
// its old size, so no half message is ever left behind.
#pragma once
#include "mailstore/commit_observer.hpp"
#include "mailstore/errors.hpp"

#include <cstdint>
#include <ctime>
#include <string_view>

namespace mailroom::mailstore {

struct MboxAppended {
    std::uint64_t from_line_offset = 0;   // where the message's "From " line starts
    std::uint64_t bytes_written = 0;
};

// `observer`, when given, is told before the bytes are written and before a failed append is
// truncated away (commit_observer.hpp).
Result<MboxAppended> append_to_locked_mbox(int fd, std::string_view path_for_errors, std::string_view message,
                                           std::string_view envelope_sender, std::time_t arrival, bool fsync,
                                           CommitObserver* observer = nullptr);

}  // namespace mailroom::mailstore
