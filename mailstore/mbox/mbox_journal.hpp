// mailstore/mbox/mbox_journal.hpp - a note an mbox appender leaves beside the file while it
// writes (".NAME.mailroom-append": old size, intended size, CRC of the new bytes), so that a
// writer killed half way (kill -9, a crash) never leaves a truncated message behind: the next
// process that locks the mbox for writing finds the note and cuts the partial message out,
// keeping anything other programs appended after it.
#pragma once
#include "mailstore/errors.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace mailroom::mailstore {

std::filesystem::path append_journal_path(const std::filesystem::path& mbox);
bool has_append_journal(const std::filesystem::path& mbox);

// Writes the note before appending `data` at `original_size`.
Result<void> begin_append_journal(const std::filesystem::path& mbox, std::uint64_t original_size, std::string_view data);
void end_append_journal(const std::filesystem::path& mbox);

// With the mbox locked for writing: completes or undoes an interrupted append. true when the
// file was repaired (a partial message removed).
Result<bool> repair_interrupted_append(int fd, const std::filesystem::path& mbox);

}  // namespace mailroom::mailstore
