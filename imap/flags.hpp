// imap/flags.hpp - message flags on the wire (RFC 3501 §2.3.2, §9 flag, flag-list,
// flag-keyword): the system flags as mailstore bits, keywords by name, \Recent as a session
// property.
#pragma once
#include "imap/protocol/arg.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::imap {

struct FlagSet {
    std::uint8_t system = 0;               // mailstore::MessageFlag bits
    std::vector<std::string> keywords;
    bool recent = false;                   // \Recent was named (never stored)
};

// Adds one flag ("\Seen", "$Forwarded"...). false: an unknown system flag, "\*", or a
// keyword that is not an atom.
bool parse_flag(std::string_view text, FlagSet& flags);

// The flags of a flag-list argument, or of one bare flag atom (STORE allows both). false and
// `error` set on anything else.
bool parse_flags(const Arg& arg, FlagSet& flags, std::string& error);

// "(\Seen \Recent $Label1)" from stored bits, keyword bits and the mailbox's keyword names.
void append_flag_list(std::string& out, std::uint8_t system, std::uint64_t keywords,
                      const std::vector<std::string>& names, bool recent);

// "\Answered \Flagged \Deleted \Seen \Draft" (the FLAGS response's system part).
std::string_view system_flag_names();

}  // namespace mailroom::imap
