// imap/search_program.hpp - SEARCH criteria as a tree (RFC 3501 §6.4.4 and §9 search-key;
// MODSEQ from RFC 7162 §3.1.5), parsed from a command's arguments. Strings are kept
// case-folded UTF-8 (ICU full folding), ready for matching against decoded message text.
#pragma once
#include "imap/arg_reader.hpp"
#include "imap/protocol/sequence_set.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::imap {

// NOT and OR nest without parentheses; past this depth a program is refused (it would
// otherwise cost stack in proportion to the command's length).
inline constexpr unsigned search_depth_max = 64;

struct SearchKey {
    enum class Op : std::uint8_t {
        all, and_, or_, not_,
        msn_set, uid_set,
        flag_set, flag_unset, keyword, unkeyword,
        recent, new_, old,
        before, on, since,                 // INTERNALDATE, by day in the server's zone
        sent_before, sent_on, sent_since,  // Date: header, by day in its own zone
        larger, smaller,                   // RFC822.SIZE
        header,                            // field (any case) contains text; "" text: field present
        body, text,
        modseq,
    };

    Op op = Op::all;
    std::uint8_t flag = 0;                 // mailstore::MessageFlag bit
    std::int64_t number = 0;               // day number, size or mod-sequence
    std::string field;                     // header field name / keyword
    std::string text;                      // case-folded needle
    SequenceSet set;
    std::vector<SeqRange> ranges;          // `set` resolved against the mailbox (run_search)
    std::vector<SearchKey> children;       // and_: any number; or_: two; not_: one

    // A rough cost used to test cheap keys first: 0 index only, 1 header, 2 whole message.
    int cost() const;
};

struct SearchProgram {
    SearchKey root;                        // an and_ of the top-level keys
    bool uses_modseq = false;              // a MODSEQ key was given (RFC 7162 §3.1.5)
};

// Parses search keys until the end of the arguments (after RETURN and CHARSET were taken).
// Errors are set in `args` (BAD).
std::optional<SearchProgram> parse_search_program(ArgReader& args);

}  // namespace mailroom::imap
