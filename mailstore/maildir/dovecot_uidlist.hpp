// mailstore/maildir/dovecot_uidlist.hpp - reads the dovecot-uidlist file Dovecot (and, in its
// version 1 form, Courier's courierimapuiddb) keeps in a Maildir: UIDVALIDITY, the next UID
// and "uid [fields] :filename" lines. A Maildir that Dovecot served keeps its UIDs when
// mailroom indexes it for the first time, so IMAP clients do not download it again and POP3
// UIDLs built from the UID (Dovecot's default %08Xu%08Xv) stay the same.
#pragma once
#include "mailstore/errors.hpp"
#include "mailstore/index/index_files.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace mailroom::mailstore::maildir {

// The list with file base names (before ":2,") as keys; nullopt when the Maildir has no
// dovecot-uidlist; Errc::corrupt (naming the file and line) when its header is unusable.
// Lines that do not parse are skipped: their messages get new UIDs.
Result<std::optional<index::UidList>> read_dovecot_uidlist(const std::filesystem::path& maildir);

// The parser itself, for a file's contents; `origin` names the file in errors.
Result<index::UidList> parse_dovecot_uidlist(std::string_view text, const std::string& origin);

}  // namespace mailroom::mailstore::maildir
