// mailstore/maildir/maildir_saver.hpp - adding messages to a Maildir: a saver that streams
// into tmp/ and, when finished, fsyncs and renames into cur/ with its flags (never replacing
// a file) and fsyncs the directory; and hard-link copies between Maildirs.
#pragma once
#include "mailstore/backend.hpp"

namespace mailroom::mailstore::maildir {

Result<std::unique_ptr<BackendSaver>> make_maildir_saver(const std::filesystem::path& dir, const AppendOptions& options);

// Links `source` into `dir`/cur under a new name. nullopt when the file system cannot link
// (another device): the caller copies the content instead.
std::optional<Result<SavedMessage>> link_into_maildir(const std::filesystem::path& dir,
                                                      const std::filesystem::path& source, const MessageRecord& record,
                                                      std::uint8_t flags, std::uint64_t keywords);

}  // namespace mailroom::mailstore::maildir
