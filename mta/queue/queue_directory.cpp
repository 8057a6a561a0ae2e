// mta/queue/queue_directory.cpp - queue files on disk: create, commit, list, load, mark,
// defer, remove (see queue_directory.hpp).
#include "mta/queue/queue_directory.hpp"

#include "core/log/log.hpp"
#include "core/smtp/status.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace mailroom::mta {
namespace fs = std::filesystem;
namespace {

constexpr const char* queues[] = {"incoming", "active", "deferred", "defer", "handoff"};

// 64 random bits in hex: unguessable, so no LMTP client can write a record that counts.
std::string new_handoff_nonce()
{
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llX", static_cast<unsigned long long>(generator()));
    return text;
}

QueueError os_error(std::string_view what, const fs::path& path)
{
    return QueueError(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view bytes, const fs::path& path)
{
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw os_error("cannot write", path);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void fsync_directory(const fs::path& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw os_error("cannot open directory", dir);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        throw os_error("cannot fsync directory", dir);
}

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw os_error("cannot open", path);
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

}  // namespace

bool valid_queue_id(std::string_view id)
{
    if (id.empty() || id.size() > 32)
        return false;
    for (const char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
            return false;
    return true;
}

QueueWriter::QueueWriter(const fs::path& root, Envelope envelope) : root_(root)
{
    do {
        envelope.id = core::new_log_id();
        const fs::path path = root_ / "incoming" / envelope.id;
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd_ < 0 && errno != EEXIST)
            throw os_error("cannot create queue file", path);
    } while (fd_ < 0);
    id_ = envelope.id;
    envelope.handoff = new_handoff_nonce();
    write_all(fd_, format_envelope(envelope), root_ / "incoming" / id_);
}

QueueWriter::~QueueWriter()
{
    if (fd_ >= 0)
        ::close(fd_);
    if (!committed_)
        ::unlink((root_ / "incoming" / id_).c_str());
}

void QueueWriter::append(std::string_view bytes) { write_all(fd_, bytes, root_ / "incoming" / id_); }

void QueueWriter::commit()
{
    const fs::path incoming = root_ / "incoming" / id_;
    const fs::path active = root_ / "active" / id_;
    if (::fsync(fd_) != 0)
        throw os_error("cannot fsync", incoming);
    ::close(fd_);
    fd_ = -1;
    if (::rename(incoming.c_str(), active.c_str()) != 0)
        throw os_error("cannot move queue file into", active);
    committed_ = true;   // from here on the file is the queue's, even if the fsync fails
    fsync_directory(root_ / "active");
}

void QueueDirectory::prepare() const
{
    for (const char* name : queues) {
        std::error_code ec;
        fs::create_directories(root_ / name, ec);
        if (ec)
            throw QueueError("cannot create queue directory " + (root_ / name).string() + ": " + ec.message());
        ::chmod((root_ / name).c_str(), 0700);
    }
    for (const auto& entry : fs::directory_iterator(root_ / "incoming"))
        fs::remove(entry.path());
}

std::vector<QueueEntry> QueueDirectory::list() const
{
    std::vector<QueueEntry> entries;
    for (const char* queue : {"active", "deferred"}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root_ / queue, ec)) {
            const std::string id = entry.path().filename().string();
            struct stat st{};
            if (!valid_queue_id(id) || ::stat(entry.path().c_str(), &st) != 0)
                continue;   // removed meanwhile, or not ours
            entries.push_back({id, queue, st.st_mtime, static_cast<std::uint64_t>(st.st_size)});
        }
        if (ec)
            throw QueueError("cannot list queue directory " + (root_ / queue).string() + ": " + ec.message());
    }
    return entries;
}

fs::path QueueDirectory::find(const std::string& id, std::string* queue) const
{
    if (!valid_queue_id(id))
        return {};
    for (const char* name : {"active", "deferred"}) {
        fs::path path = root_ / name / id;
        if (::access(path.c_str(), F_OK) == 0) {
            if (queue)
                *queue = name;
            return path;
        }
    }
    return {};
}

std::optional<LoadedMessage> QueueDirectory::load(const std::string& id) const
{
    LoadedMessage message;
    message.path = find(id, &message.queue);
    if (message.path.empty())
        return std::nullopt;
    std::string file = read_file(message.path);
    std::uint64_t data_offset = 0;
    message.envelope = parse_envelope(file, message.path.string(), data_offset);
    message.content = file.substr(data_offset);
    return message;
}

namespace {

// One byte rewritten in place. No fsync: the page cache survives a process crash, and after a
// power failure the worst case is a repeated delivery or warning, never a lost one. Waiting for
// the disk here would only widen the window in which a crash repeats one.
void write_byte(const fs::path& path, std::uint64_t offset, char byte, std::string_view what)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw os_error("cannot open queue file", path);
    const bool ok = ::pwrite(fd, &byte, 1, static_cast<off_t>(offset)) == 1;
    const int saved = errno;
    ::close(fd);
    errno = saved;
    if (!ok)
        throw os_error("cannot update " + std::string(what) + " in", path);
}

}  // namespace

void QueueDirectory::set_state(const LoadedMessage& message, std::size_t recipient, RecipientState state) const
{
    write_byte(message.path, message.envelope.recipients.at(recipient).state_offset, static_cast<char>(state),
               "recipient state");
}

void QueueDirectory::set_warned(const LoadedMessage& message) const
{
    if (message.envelope.warned_offset != 0)
        write_byte(message.path, message.envelope.warned_offset, 'Y', "the delay warning record");
}

void QueueDirectory::defer(const std::string& id, std::time_t when) const
{
    std::string queue;
    const fs::path path = find(id, &queue);
    if (path.empty())
        return;
    const fs::path target = root_ / "deferred" / id;
    const struct timespec times[2] = {{when, 0}, {when, 0}};
    if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0)
        throw os_error("cannot set the retry time of", path);
    if (queue == "deferred")
        return;
    if (::rename(path.c_str(), target.c_str()) != 0)
        throw os_error("cannot move queue file into", target);
    fsync_directory(root_ / "deferred");
    fsync_directory(root_ / "active");
}

void QueueDirectory::flush() const
{
    const std::time_t now = std::time(nullptr);
    for (const auto& entry : list())
        if (entry.queue == "deferred")
            defer(entry.id, now);
}

void QueueDirectory::remove(const std::string& id) const
{
    // The side files first: a crash in between leaves a queue file without pending
    // recipients, which the next run removes, rather than side files nobody removes.
    ::unlink((root_ / "defer" / id).c_str());
    ::unlink((root_ / "handoff" / id).c_str());
    const fs::path path = find(id, nullptr);
    if (!path.empty() && ::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw os_error("cannot remove queue file", path);
}

void QueueDirectory::record_defer_reason(const std::string& id, std::string_view recipient,
                                         std::string_view reason) const
{
    const fs::path path = root_ / "defer" / id;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw os_error("cannot open defer log", path);
    const std::string line = core::smtp::one_line(recipient) + "\t" + core::smtp::one_line(reason) + "\n";
    try {
        write_all(fd, line, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

std::map<std::string, std::string> QueueDirectory::defer_reasons(const std::string& id) const
{
    std::map<std::string, std::string> reasons;
    std::ifstream in(root_ / "defer" / id);
    for (std::string line; std::getline(in, line);)
        if (const auto tab = line.find('\t'); tab != std::string::npos)
            reasons[line.substr(0, tab)] = line.substr(tab + 1);   // the last one wins
    return reasons;
}

std::set<std::string> QueueDirectory::handed_off(const Envelope& envelope) const
{
    std::set<std::string> stored;
    if (envelope.handoff.empty() || !valid_queue_id(envelope.id))
        return stored;
    // Done lines only: "NONCE RECIPIENT". Delivery's own intent and cancel lines start with
    // "NONCE:" (delivery/lmtp/handoff.hpp), and a last line without its LF is one a crash cut
    // short inside write().
    std::ifstream in(root_ / "handoff" / envelope.id);
    for (std::string line; std::getline(in, line);)
        if (!in.eof() && line.size() > envelope.handoff.size() + 1 && line.starts_with(envelope.handoff) &&
            line[envelope.handoff.size()] == ' ')
            stored.insert(line.substr(envelope.handoff.size() + 1));
    return stored;
}

std::string QueueDirectory::handoff_header(const Envelope& envelope)
{
    return "X-Mailroom-Handoff: " + envelope.id + " " + envelope.handoff + "\n";
}

}  // namespace mailroom::mta
