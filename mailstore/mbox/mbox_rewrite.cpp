// mailstore/mbox/mbox_rewrite.cpp - safe mbox rewrites (see mbox_rewrite.hpp).
#include "mailstore/mbox/mbox_rewrite.hpp"

#include "core/util/strings.hpp"
#include "mailstore/mbox/mbox_parser.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mailroom::mailstore::mbox {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_range(int fd, std::uint64_t offset, std::uint64_t length, const fs::path& file)
{
    std::string data(length, '\0');
    std::uint64_t done = 0;
    while (done < length) {
        const ssize_t n = ::pread(fd, data.data() + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error(errno, "cannot read", file.string());
        if (n == 0)
            break;
        done += static_cast<std::uint64_t>(n);
    }
    data.resize(done);
    return data;
}

// One message with its state headers replaced; ends with the separating empty line.
std::string rewritten_message(std::string_view old, const RewriteMessage& message)
{
    std::string out;
    out.reserve(old.size() + 64);
    std::size_t pos = old.find('\n');
    out.append(old.substr(0, pos + 1));   // From_ line
    ++pos;
    std::string field;
    auto flush_field = [&] {
        const auto colon = field.find(':');
        if (!field.empty() && !is_internal_header(core::trim(std::string_view(field).substr(0, colon))))
            out += field;
        field.clear();
    };
    bool header_done = false;
    while (pos < old.size()) {
        const auto eol = old.find('\n', pos);
        const std::size_t end = eol == std::string_view::npos ? old.size() : eol + 1;
        const std::string_view line = old.substr(pos, end - pos);
        pos = end;
        if (line == "\n" || line == "\r\n") {
            header_done = true;
            break;
        }
        if ((line.front() == ' ' || line.front() == '\t') && !field.empty())
            field += line;
        else {
            flush_field();
            field = line;
        }
    }
    flush_field();
    if (!out.empty() && out.back() != '\n')
        out += '\n';
    out += status_headers(message.record.flags, message.keywords);
    out += '\n';
    if (header_done)
        out.append(old.substr(pos));
    // Exactly one empty line before the next message.
    if (out.back() != '\n')
        out += '\n';
    if (!out.ends_with("\n\n"))
        out += '\n';
    return out;
}

}  // namespace

std::string status_headers(std::uint8_t flags, const std::vector<std::string>& keywords)
{
    std::string out = (flags & flag_seen) ? "Status: RO\n" : "Status: O\n";
    std::string x_status;
    if (flags & flag_answered)
        x_status += 'A';
    if (flags & flag_flagged)
        x_status += 'F';
    if (flags & flag_draft)
        x_status += 'T';
    if (flags & flag_deleted)
        x_status += 'D';
    if (!x_status.empty())
        out += "X-Status: " + x_status + "\n";
    if (!keywords.empty()) {
        out += "X-Keywords:";
        for (const auto& keyword : keywords)
            out += " " + keyword;
        out += "\n";
    }
    return out;
}

Result<RewriteResult> rewrite_mbox(const fs::path& file, int old_fd, const std::vector<RewriteMessage>& keep)
{
    struct stat original {};
    if (::fstat(old_fd, &original) != 0)
        return errno_error(errno, "cannot stat", file.string());
    // Left by a rewriter that was killed: stale, since we hold the lock now.
    const std::string prefix = "." + file.filename().string() + ".mailroom-rewrite.";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(file.parent_path(), ec))
        if (entry.path().filename().string().starts_with(prefix))
            fs::remove(entry.path(), ec);
    const fs::path temp = file.parent_path() / (prefix + std::to_string(::getpid()));
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        return errno_error(errno, "cannot create", temp.string());
    struct Cleanup {
        const fs::path& path;
        bool armed = true;
        ~Cleanup()
        {
            if (armed)
                ::unlink(path.c_str());
        }
    } cleanup{temp};

    RewriteResult result;
    std::uint64_t position = 0;
    for (const auto& message : keep) {
        auto old = read_range(old_fd, message.record.location, message.record.physical_length, file);
        if (!old)
            return old.error();
        if (!old->starts_with("From "))
            return Error{make_error_code(Errc::corrupt),
                         "mailbox " + file.string() + " changed under the index at offset " +
                             std::to_string(message.record.location)};
        const std::string data = rewritten_message(*old, message);
        if (auto wrote = write_all(fd.get(), data, temp.string()); !wrote)
            return wrote.error();
        result.placement.emplace_back(position, data.size());
        position += data.size();
    }
    if (auto synced = fsync_file(fd.get(), temp.string()); !synced)
        return synced.error();
    // Same owner and mode as before; a non-root writer may only keep the group it has.
    (void)!::fchown(fd.get(), original.st_uid, original.st_gid);
    ::fchmod(fd.get(), original.st_mode & 07777);
    if (::rename(temp.c_str(), file.c_str()) != 0)
        return errno_error(errno, "cannot replace", file.string());
    cleanup.armed = false;
    if (auto synced = fsync_directory(file.parent_path()); !synced)
        return synced.error();
    return result;
}

}  // namespace mailroom::mailstore::mbox
