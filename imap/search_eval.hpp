// imap/search_eval.hpp - evaluating a SearchProgram against the selected mailbox (RFC 3501
// §6.4.4): index data first, header keys from the values cached per message (cached_items.hpp),
// the whole message only for BODY and TEXT. Text keys match decoded (RFC 2047, transfer
// encodings, charsets via ICU), case-folded text.
#pragma once
#include "imap/search_program.hpp"
#include "imap/selected_mailbox.hpp"

#include <cstdint>
#include <vector>

namespace mailroom::imap {

struct SearchOutcome {
    std::vector<std::uint32_t> positions;   // 0-based, ascending
    bool expunged = false;                  // some message vanished while it was read
    bool failed = false;                    // some message could not be read (logged)
    std::string error;                      // the first such error's text
};

// Resolves the program's sequence sets against the mailbox, then tests every message.
SearchOutcome run_search(SearchProgram& program, SelectedMailbox& box);

}  // namespace mailroom::imap
