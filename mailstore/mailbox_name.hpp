// mailstore/mailbox_name.hpp - mailbox names in the storage API and on disk. API names are
// UTF-8 with '/' as the hierarchy separator ("Lists/boost"); "INBOX" in any case is INBOX.
// On disk a Maildir++ folder is ".Lists.boost" (modified UTF-7, as Dovecot and Courier
// store it) and an mbox folder is ROOT/Lists/boost. Validation makes sure a name can never
// reach outside the user's store.
#pragma once
#include "mailstore/errors.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace mailroom::mailstore {

inline constexpr char hierarchy_separator = '/';
inline constexpr std::size_t max_mailbox_name_length = 1000;   // bytes, whole name
inline constexpr std::size_t max_name_component_length = 200;  // bytes, after encoding for disk

bool is_inbox(std::string_view name);

// Checks a name and returns its canonical form ("inbox" -> "INBOX", "Inbox/x" -> "INBOX/x").
// Refused (Errc::invalid_name): empty names or components, "." and "..", leading or trailing
// separators, control characters, invalid UTF-8, '*' and '%', over-long names, and for
// Maildir++ a '.' inside a name (it is the separator on disk).
Result<std::string> canonical_mailbox_name(std::string_view name, bool maildir_plus_plus);

// On-disk locations. The name must be canonical; INBOX is not a folder here.
std::filesystem::path maildir_folder_path(const std::filesystem::path& root, std::string_view canonical_name);
std::filesystem::path mbox_folder_path(const std::filesystem::path& root, std::string_view canonical_name);

// The API name of a Maildir++ directory entry (".Lists.boost" -> "Lists/boost"); empty when
// the entry is not a folder name mailroom would have written.
std::string maildir_folder_name(std::string_view directory_entry);

}  // namespace mailroom::mailstore
