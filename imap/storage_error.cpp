// imap/storage_error.cpp - Errc to RFC 5530 response codes (see storage_error.hpp).
#include "imap/storage_error.hpp"

namespace mailroom::imap {

std::string_view storage_code(const mailstore::Error& error)
{
    using mailstore::Errc;
    if (error.code.category() != mailstore::store_category())
        return "SERVERBUG";
    switch (static_cast<Errc>(error.code.value())) {
    case Errc::not_found:
        return "NONEXISTENT";
    case Errc::already_exists:
        return "ALREADYEXISTS";
    case Errc::no_permission:
    case Errc::unsafe_path:
        return "NOPERM";
    case Errc::over_quota:
        return "OVERQUOTA";
    case Errc::in_use:
        return "INUSE";
    case Errc::expunged:
        return "EXPUNGEISSUED";
    case Errc::corrupt:
        return "SERVERBUG";
    case Errc::temporary:
        return "UNAVAILABLE";
    case Errc::invalid_name:
    case Errc::has_children:
        return "CANNOT";
    case Errc::too_big:
        return "TOOBIG";
    }
    return "SERVERBUG";
}

Reply storage_failure(const mailstore::Error& error, const core::Logger& log)
{
    const std::string_view code = storage_code(error);
    const bool client_safe = code == "NONEXISTENT" || code == "ALREADYEXISTS" || code == "OVERQUOTA" ||
                             code == "TOOBIG" || code == "CANNOT" || code == "EXPUNGEISSUED";
    // Store texts name mailboxes; those about files name paths, which stay in the log.
    const bool names_path = error.text.starts_with('/') || error.text.find(" /") != std::string::npos;
    if (client_safe && !error.text.empty() && !names_path)
        return Reply::no(error.text, std::string(code));
    log.warning("storage error: " + (error.text.empty() ? error.code.message() : error.text));
    if (code == "NONEXISTENT")
        return Reply::no("Mailbox doesn't exist or cannot be created there.", std::string(code));
    if (code == "NOPERM")
        return Reply::no("Permission denied", std::string(code));
    if (code == "INUSE")
        return Reply::no("Mailbox is locked, try again later", std::string(code));
    return Reply::no("Internal error occurred; the server log has details", std::string(code));
}

}  // namespace mailroom::imap
