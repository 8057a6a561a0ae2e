// mailstore/mbox/mbox_rewrite.hpp - rewriting an mbox file (expunge, and writing flags into
// Status / X-Status / X-Keywords headers the way UW-IMAP, Dovecot and mutt read them): the
// new file is written beside the old one, fsynced and renamed over it while the caller holds
// the dotlock and the fcntl lock, so a crash leaves either the old or the new file.
#pragma once
#include "mailstore/errors.hpp"
#include "mailstore/store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mailroom::mailstore::mbox {

struct RewriteMessage {
    MessageRecord record;               // location/physical_length in the old file
    std::vector<std::string> keywords;  // names for X-Keywords
};

struct RewriteResult {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> placement;   // new location and length, per message
};

// Writes `keep` (in file order) with status headers from their records' flags.
Result<RewriteResult> rewrite_mbox(const std::filesystem::path& file, int old_fd, const std::vector<RewriteMessage>& keep);

// The status header lines for a message's flags and keywords ("Status: RO\n...").
std::string status_headers(std::uint8_t flags, const std::vector<std::string>& keywords);

}  // namespace mailroom::mailstore::mbox
