// mailstore/maildir/maildir_flags.hpp - Maildir info letters and IMAP flags, the way Dovecot
// maps them: D=\Draft F=\Flagged R=\Answered S=\Seen T=\Deleted; P (passed) and other
// upper-case letters have no IMAP meaning and are kept as they are; a-z are keywords 0-25
// in the order of the mailbox's dovecot-keywords file.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mailroom::mailstore::maildir {

struct InfoFlags {
    std::uint8_t flags = 0;        // MessageFlag bits
    std::uint64_t keywords = 0;    // bits 0-25
    std::string other_letters;     // kept verbatim (P, ...)
};

InfoFlags parse_info_flags(std::string_view letters);
// Letters for new flags and keywords, keeping `other_letters`; sorted as the spec asks.
std::string info_letters(std::uint8_t flags, std::uint64_t keywords, std::string_view other_letters);

}  // namespace mailroom::mailstore::maildir
