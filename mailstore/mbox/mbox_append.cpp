// mailstore/mbox/mbox_append.cpp - append with rollback (see mbox_append.hpp).
#include "mailstore/mbox/mbox_append.hpp"

#include "mailstore/mbox/mbox_format.hpp"
#include "mailstore/mbox/mbox_journal.hpp"
#include "mailstore/safe_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace mailroom::mailstore {

Result<MboxAppended> append_to_locked_mbox(int fd, std::string_view path, std::string_view message,
                                           std::string_view envelope_sender, std::time_t arrival, bool fsync,
                                           CommitObserver* observer)
{
    if (auto repaired = repair_interrupted_append(fd, std::filesystem::path(path)); !repaired)
        return repaired.error();
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return errno_error(errno, "cannot stat", path);
    const auto original_size = static_cast<std::uint64_t>(st.st_size);

    std::string data;
    if (original_size > 0) {
        char last = '\n';
        if (::pread(fd, &last, 1, static_cast<off_t>(original_size - 1)) == 1 && last != '\n')
            data += '\n';   // a previous writer left no final newline: keep From_ at a line start
    }
    const std::uint64_t from_offset = original_size + data.size();
    // A message arriving with its own From_ line (procmail-style input) gets ours instead.
    if (message.starts_with("From ")) {
        const auto eol = message.find('\n');
        message.remove_prefix(eol == std::string_view::npos ? message.size() : eol + 1);
    }
    data += mbox_from_line(envelope_sender, arrival ? arrival : std::time(nullptr));
    append_mbox_quoted(data, message);

    // The note lets the next writer undo a partial message if we are killed while writing.
    if (auto noted = begin_append_journal(std::filesystem::path(path), original_size, data); !noted)
        return noted.error();
    auto rollback = [&](Error error) -> Result<MboxAppended> {
        if (observer)
            observer->abandoned();
        if (::ftruncate(fd, static_cast<off_t>(original_size)) != 0)
            error.text += " (and truncating it back to its old size failed: the next writer repairs it)";
        else
            end_append_journal(std::filesystem::path(path));
        return error;
    };
    if (observer)
        observer->before_mbox_append(original_size, data);
    if (auto wrote = write_all(fd, data, path); !wrote)
        return rollback(wrote.error());
    if (fsync)
        if (auto synced = fsync_file(fd, path); !synced)
            return rollback(synced.error());
    end_append_journal(std::filesystem::path(path));
    return MboxAppended{from_offset, data.size()};
}

}  // namespace mailroom::mailstore
