// mailstore/maildir/maildir_keywords.hpp - the dovecot-keywords file of a Maildir: which
// keyword each file-name letter a-z stands for ("0 $Forwarded", "1 Junk"), so a mailbox can
// move between Dovecot and mailroom with its keywords.
#pragma once
#include "mailstore/errors.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mailroom::mailstore::maildir {

// Names by letter index (a = 0); missing file: empty.
std::vector<std::string> read_dovecot_keywords(const std::filesystem::path& maildir);
// Rewrites the file (write-new-then-rename) with the first 26 names.
Result<void> write_dovecot_keywords(const std::filesystem::path& maildir, const std::vector<std::string>& names);

}  // namespace mailroom::mailstore::maildir
