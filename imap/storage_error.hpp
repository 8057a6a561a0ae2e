// imap/storage_error.hpp - storage failures as IMAP responses: the one place where
// mailstore::Errc becomes an RFC 5530 response code.
#pragma once
#include "core/log/log.hpp"
#include "imap/reply.hpp"
#include "mailstore/errors.hpp"

namespace mailroom::imap {

// "NO [NONEXISTENT] ..." and friends. Texts that name only mailboxes and sizes go to the
// client; the others (they may hold file paths and errno texts) are logged to `log` and the
// client reads a generic text.
Reply storage_failure(const mailstore::Error& error, const core::Logger& log);

// The response code alone ("NONEXISTENT", "OVERQUOTA", ...), for untagged NO lines.
std::string_view storage_code(const mailstore::Error& error);

}  // namespace mailroom::imap
