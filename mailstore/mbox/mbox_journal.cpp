// mailstore/mbox/mbox_journal.cpp - repairing appends interrupted by a crash (see mbox_journal.hpp).
#include "mailstore/mbox/mbox_journal.hpp"

#include "core/util/strings.hpp"
#include "mailstore/index/binary_io.hpp"
#include "mailstore/mbox/mbox_format.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace mailroom::mailstore {
namespace {

namespace fs = std::filesystem;

struct Journal {
    std::uint64_t original = 0;
    std::uint64_t intended = 0;
    std::uint32_t crc = 0;
};

std::optional<Journal> read_journal(const fs::path& path)
{
    std::ifstream in(path);
    Journal j;
    if (!(in >> j.original >> j.intended >> j.crc) || j.intended < j.original)
        return std::nullopt;
    return j;
}

Result<std::string> read_range(int fd, std::uint64_t from, std::uint64_t to)
{
    std::string data(to - from, '\0');
    std::uint64_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(from + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return errno_error(n < 0 ? errno : EIO, "cannot read mailbox", "");
        done += static_cast<std::uint64_t>(n);
    }
    return data;
}

// Where the first message another writer appended after `from` starts ("\nFrom ..." lines),
// or the end of the file.
Result<std::uint64_t> next_message_after(int fd, std::uint64_t from, std::uint64_t size)
{
    auto data = read_range(fd, from, size);
    if (!data)
        return data.error();
    for (std::size_t at = data->find("\nFrom "); at != std::string::npos; at = data->find("\nFrom ", at + 1)) {
        const auto end = data->find('\n', at + 1);
        if (core::trim(std::string_view(*data).substr(at + 1, end - at - 1)).empty())
            continue;
        if (is_mbox_from_line(std::string_view(*data).substr(at + 1, end == std::string::npos ? end : end - at - 1)))
            return from + at + 1;
    }
    return size;
}

}  // namespace

fs::path append_journal_path(const fs::path& mbox)
{
    return mbox.parent_path() / ("." + mbox.filename().string() + ".mailroom-append");
}

bool has_append_journal(const fs::path& mbox)
{
    struct stat st {};
    return ::lstat(append_journal_path(mbox).c_str(), &st) == 0;
}

Result<void> begin_append_journal(const fs::path& mbox, std::uint64_t original_size, std::string_view data)
{
    const fs::path path = append_journal_path(mbox);
    FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        return errno_error(errno, "cannot create", path.string());
    const std::string text = std::to_string(original_size) + " " + std::to_string(original_size + data.size()) + " " +
                             std::to_string(index::crc32(data)) + "\n";
    return write_all(fd.get(), text, path.string());
}

void end_append_journal(const fs::path& mbox) { ::unlink(append_journal_path(mbox).c_str()); }

Result<bool> repair_interrupted_append(int fd, const fs::path& mbox)
{
    const fs::path path = append_journal_path(mbox);
    const auto journal = read_journal(path);
    if (!journal) {
        ::unlink(path.c_str());   // absent, or unreadable: nothing we can act on
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return errno_error(errno, "cannot stat", mbox.string());
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size >= journal->intended) {
        auto written = read_range(fd, journal->original, journal->intended);
        if (written && index::crc32(*written) == journal->crc) {
            end_append_journal(mbox);   // the append had finished; only the note was left
            return false;
        }
    }
    if (size <= journal->original) {
        end_append_journal(mbox);
        return false;
    }
    auto next = next_message_after(fd, journal->original, size);
    if (!next)
        return next.error();
    if (*next < size) {
        // Others appended after the broken message: move their bytes down over it. (Through a
        // descriptor of our own: pwrite on an O_APPEND one would append instead.)
        auto tail = read_range(fd, *next, size);
        if (!tail)
            return tail.error();
        FileDescriptor writer(::open(mbox.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
        struct stat same {};
        if (!writer || ::fstat(writer.get(), &same) != 0 || same.st_ino != st.st_ino || same.st_dev != st.st_dev)
            return errno_error(writer ? ESTALE : errno, "cannot repair", mbox.string());
        if (::pwrite(writer.get(), tail->data(), tail->size(), static_cast<off_t>(journal->original)) !=
            static_cast<ssize_t>(tail->size()))
            return errno_error(errno, "cannot repair", mbox.string());
    }
    if (::ftruncate(fd, static_cast<off_t>(journal->original + (size - *next))) != 0 || ::fsync(fd) != 0)
        return errno_error(errno, "cannot repair", mbox.string());
    end_append_journal(mbox);
    return true;
}

}  // namespace mailroom::mailstore
