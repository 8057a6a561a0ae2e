// mailstore/mbox/mbox_backend.cpp - mbox as a MailboxBackend (RFC 4155; locking as Postfix
// local(8), procmail and mutt do it). Messages are keyed by a fingerprint of their From_ line,
// non-state headers and size, which survives other programs rewriting Status headers; flags
// live in the index and reach the file's Status/X-Status/X-Keywords headers at checkpoint()
// and expunge, which rewrite the file safely (mbox_rewrite.hpp).
#include "mailstore/file_content.hpp"
#include "mailstore/mbox/mbox_append.hpp"
#include "mailstore/mbox/mbox_content.hpp"
#include "mailstore/mbox/mbox_journal.hpp"
#include "mailstore/mbox/mbox_lock.hpp"
#include "mailstore/mbox/mbox_parser.hpp"
#include "mailstore/mbox/mbox_rewrite.hpp"
#include "mailstore/shared_mailbox.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace mailroom::mailstore::mbox {
namespace {

namespace fs = std::filesystem;

// A message's key: its fingerprint, with "#2", "#3"... for identical messages in file order
// (`seen` counts each fingerprint so far).
std::string message_key(std::unordered_map<std::string, int>& seen, const std::string& fingerprint)
{
    const int n = ++seen[fingerprint];
    return n == 1 ? fingerprint : fingerprint + "#" + std::to_string(n);
}

// The UIDs Dovecot (or UW-IMAP) wrote into the file: X-IMAPbase in the first message
// ("<uidvalidity> <uidnext> [keywords]") and X-UID in each, valid while they ascend below
// uidnext, as Dovecot reads them.
std::optional<index::UidList> uids_in_headers(const fs::path& file)
{
    FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0)
        return std::nullopt;
    std::vector<MboxMessage> found;
    if (!parse_mbox(fd.get(), 0, static_cast<std::uint64_t>(st.st_size),
                    [&](MboxMessage&& m) { found.push_back(std::move(m)); }) ||
        found.empty() || !found.front().imap_base || found.front().imap_base->first == 0)
        return std::nullopt;
    index::UidList list;
    list.uid_validity = found.front().imap_base->first;
    list.uid_next = std::max<Uid>(found.front().imap_base->second, 1);
    std::unordered_map<std::string, int> seen;
    Uid last = 0;
    for (const auto& m : found) {
        std::string key = message_key(seen, m.fingerprint);
        if (m.x_uid && *m.x_uid > last && *m.x_uid < list.uid_next) {
            last = *m.x_uid;
            list.entries.emplace_back(*m.x_uid, std::move(key));
        }
    }
    return list;
}

struct FileState {
    std::uint64_t dev = 0, ino = 0, size = 0;
    std::int64_t mtime_ns = -1;
    bool operator==(const FileState&) const = default;
};

FileState file_state(int fd)
{
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return {};
    return {st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size),
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

FileState path_state(const fs::path& path)
{
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    return fd ? file_state(fd.get()) : FileState{};
}

std::string format_state(const FileState& s)
{
    return std::to_string(s.dev) + " " + std::to_string(s.ino) + " " + std::to_string(s.size) + " " +
           std::to_string(s.mtime_ns);
}

FileState parse_state(const std::string& blob)
{
    FileState s;
    std::istringstream(blob) >> s.dev >> s.ino >> s.size >> s.mtime_ns;
    return s;
}

// Removes mailroom's state headers from a message about to be appended; the header we write
// carries the flags instead.
std::string without_state_headers(std::string_view message, std::string_view status)
{
    std::string out;
    std::size_t pos = 0;
    bool skipping = false;
    while (pos < message.size()) {
        const auto eol = message.find('\n', pos);
        const std::size_t end = eol == std::string_view::npos ? message.size() : eol + 1;
        const std::string_view line = message.substr(pos, end - pos);
        if (line == "\n" || line == "\r\n") {
            out += status;
            out.append(message.substr(pos));
            return out;
        }
        if (line.front() != ' ' && line.front() != '\t') {
            const auto colon = line.find(':');
            skipping = colon != std::string_view::npos && is_internal_header(line.substr(0, colon));
        }
        if (!skipping)
            out += line;
        pos = end;
    }
    out += status;   // a message without a body
    return out;
}

class MboxBackend final : public MailboxBackend {
public:
    MboxBackend(fs::path file, MboxLockPolicy policy) : file_(std::move(file)), policy_(policy) {}

    bool maybe_changed(const index::IndexState& state) override
    {
        return path_state(file_) != parse_state(state.sync_state);
    }

    Result<void> scan(IndexTransaction& tx, bool) override
    {
        FileDescriptor fd(::open(file_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) {
            if (errno != ENOENT)
                return errno_error(errno, "cannot open", file_.string());
            // No file (an mbox INBOX before its first delivery): an empty mailbox.
            std::vector<Uid> all;
            for (const auto& r : tx.state().records)
                all.push_back(r.uid);
            tx.expunge(all);
            tx.set_sync_state(format_state({}));
            return {};
        }
        if (has_append_journal(file_)) {
            // A writer died half way: repair under the write lock before reading.
            auto locked = lock_for_writing(false);
            if (!locked)
                return locked.error();
            return scan_locked(tx, locked->second.get());
        }
        MboxLock lock;
        if (auto locked = lock.lock_file(fd.get(), policy_, true); !locked)
            return locked;
        return scan_locked(tx, fd.get());
    }

    Result<std::unique_ptr<MessageContent>> open_content(const MessageRecord& record, std::string_view) override
    {
        auto content = MboxContent::open(file_, record);
        if (!content)
            return content.error();
        return std::unique_ptr<MessageContent>(std::move(*content));
    }

    Result<void> write_flags(const MessageRecord& record, std::string_view, std::uint8_t, std::uint64_t,
                             const std::vector<std::string>&) override
    {
        dirty_.insert(record.uid);   // the index has them; the file gets them at checkpoint()
        return {};
    }

    Result<void> remove(IndexTransaction& tx, const std::vector<Uid>& uids) override
    {
        return rewrite(tx, std::set<Uid>(uids.begin(), uids.end()));
    }

    Result<void> checkpoint(IndexTransaction& tx) override
    {
        if (dirty_.empty())
            return {};
        return rewrite(tx, {});
    }

    Result<std::unique_ptr<BackendSaver>> begin_save(const AppendOptions& options) override;

    std::vector<WatchTarget> watch_targets() const override
    {
        return {{file_.parent_path(), file_.filename().string()}};
    }

    std::optional<index::UidList> uids_to_import() const override { return uids_in_headers(file_); }

    Result<SavedMessage> append(IndexTransaction& tx, std::string_view message, std::uint8_t flags,
                                std::uint64_t keywords, const AppendOptions& options);

private:
    Result<void> scan_locked(IndexTransaction& tx, int fd);
    Result<void> rewrite(IndexTransaction& tx, const std::set<Uid>& expunge);
    // Holds the dotlock and an fcntl write lock on `fd` for the caller.
    Result<std::pair<MboxLock, FileDescriptor>> lock_for_writing(bool create);

    fs::path file_;
    MboxLockPolicy policy_;
    std::set<Uid> dirty_;   // flags changed in the index, not yet in the file
};

Result<std::pair<MboxLock, FileDescriptor>> MboxBackend::lock_for_writing(bool create)
{
    auto lock = MboxLock::dotlock(file_, policy_);
    if (!lock)
        return lock.error();
    auto opened = safe_open_append(file_, create, 0600, true);
    if (!opened)
        return opened.error();
    if (auto locked = lock->lock_file(opened->fd.get(), policy_); !locked)
        return locked.error();
    if (!opened->created)
        if (auto same = check_still_same_file(file_, opened->fd.get()); !same)
            return same.error();
    // Before anyone reads the file under this lock: undo a half-written message left by a
    // killed writer, so it is never indexed.
    if (auto repaired = repair_interrupted_append(opened->fd.get(), file_); !repaired)
        return repaired.error();
    return std::pair{std::move(*lock), std::move(opened->fd)};
}

Result<void> MboxBackend::scan_locked(IndexTransaction& tx, int fd)
{
    const FileState now = file_state(fd);
    const FileState recorded = parse_state(tx.state().sync_state);
    if (now == recorded)
        return {};
    std::vector<MboxMessage> found;
    std::uint64_t start = 0;
    // The file only grew: read from the last known message on (it may have grown too).
    const bool grew = now.dev == recorded.dev && now.ino == recorded.ino && now.size > recorded.size &&
                      !tx.state().records.empty();
    if (grew)
        start = std::max_element(tx.state().records.begin(), tx.state().records.end(),
                                 [](const MessageRecord& a, const MessageRecord& b) { return a.location < b.location; })
                    ->location;
    if (auto parsed = parse_mbox(fd, start, now.size, [&](MboxMessage&& m) { found.push_back(std::move(m)); }); !parsed)
        return parsed;
    if (grew && (found.empty() || found.front().from_offset != start)) {
        found.clear();   // not what we expected at that offset: read everything
        if (auto parsed = parse_mbox(fd, 0, now.size, [&](MboxMessage&& m) { found.push_back(std::move(m)); }); !parsed)
            return parsed;
        start = 0;
    }
    // Keys are unique: identical messages get "#2", "#3"... in file order.
    std::unordered_map<std::string, int> seen;
    std::unordered_map<std::string, Uid> known;
    for (const auto& r : tx.state().records)
        if (grew ? r.location >= start : true)
            known.emplace(std::string(tx.key(r.uid)), r.uid);
    std::unordered_set<std::string> earlier_keys;
    if (grew)
        for (const auto& r : tx.state().records)
            if (r.location < start)
                earlier_keys.insert(std::string(tx.key(r.uid)));
    std::set<Uid> still_there;
    std::vector<std::string> names = tx.state().keywords;
    for (auto& m : found) {
        std::string key = message_key(seen, m.fingerprint);
        while (earlier_keys.contains(key))
            key = m.fingerprint + "#" + std::to_string(++seen[m.fingerprint]);
        const std::uint64_t length = m.end - m.from_offset;
        if (const auto it = known.find(key); it != known.end()) {
            const Uid uid = it->second;
            still_there.insert(uid);
            const MessageRecord* r = tx.state().find(uid);
            // Moved without our index knowing: another program rewrote the file, and what
            // it wrote may differ from what was parsed and cached.
            if (r->location != m.from_offset || r->physical_length != length) {
                tx.relocate(uid, m.from_offset, length);
                tx.drop_cache(uid);
            }
            // Another program (mutt) may have rewritten the Status headers: its flags win,
            // unless we changed them ourselves and have not written them yet.
            const std::uint64_t bits = keyword_bits(m.keywords, names, true).value_or(0);
            if (!dirty_.contains(uid) && (r->flags != m.flags || r->keywords != bits))
                tx.set_flags(uid, m.flags, bits);
            continue;
        }
        MessageRecord record;
        record.flags = m.flags;
        record.keywords = keyword_bits(m.keywords, names, true).value_or(0);
        record.size = m.size;
        record.virtual_size = m.virtual_size;
        record.internal_date = m.internal_date;
        record.location = m.from_offset;
        record.physical_length = length;
        still_there.insert(tx.add_message(record, key));
    }
    std::vector<Uid> gone;
    for (const auto& [key, uid] : known)
        if (!still_there.contains(uid))
            gone.push_back(uid);
    std::sort(gone.begin(), gone.end());
    tx.expunge(gone);
    if (names != tx.state().keywords)
        tx.set_keywords(names);
    tx.set_sync_state(format_state(now));
    return {};
}

Result<void> MboxBackend::rewrite(IndexTransaction& tx, const std::set<Uid>& expunge)
{
    auto locked = lock_for_writing(false);
    if (!locked)
        return locked.error();
    const int fd = locked->second.get();
    if (auto scanned = scan_locked(tx, fd); !scanned)   // others may have written since our last look
        return scanned;
    std::vector<const MessageRecord*> order;
    for (const auto& r : tx.state().records)
        if (!expunge.contains(r.uid))
            order.push_back(&r);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->location < b->location; });
    std::vector<RewriteMessage> keep;
    for (const auto* r : order)
        keep.push_back({*r, keyword_list(r->keywords, tx.state().keywords)});
    auto result = rewrite_mbox(file_, fd, keep);
    if (!result)
        return result.error();
    for (std::size_t i = 0; i < keep.size(); ++i)
        tx.relocate(keep[i].record.uid, result->placement[i].first, result->placement[i].second);
    tx.set_sync_state(format_state(path_state(file_)));
    dirty_.clear();
    return {};
}

Result<SavedMessage> MboxBackend::append(IndexTransaction& tx, std::string_view message, std::uint8_t flags,
                                         std::uint64_t keywords, const AppendOptions& options)
{
    auto locked = lock_for_writing(true);
    if (!locked)
        return locked.error();
    const int fd = locked->second.get();
    if (auto scanned = scan_locked(tx, fd); !scanned)
        return scanned.error();
    const std::string stored =
        without_state_headers(message, status_headers(flags, keyword_list(keywords, tx.state().keywords)));
    const std::time_t date = static_cast<std::time_t>(options.internal_date.value_or(std::time(nullptr)));
    auto appended = append_to_locked_mbox(fd, file_.string(), stored, options.envelope_sender, date, true);
    if (!appended)
        return appended.error();
    std::optional<MboxMessage> parsed;
    const FileState after = file_state(fd);
    if (auto read = parse_mbox(fd, appended->from_line_offset, after.size,
                               [&](MboxMessage&& m) { if (!parsed) parsed = std::move(m); });
        !read || !parsed)
        return Error{make_error_code(Errc::corrupt), "cannot read back the message appended to " + file_.string()};
    std::string key = parsed->fingerprint;
    std::unordered_set<std::string> keys;
    for (const auto& r : tx.state().records)
        keys.insert(std::string(tx.key(r.uid)));
    for (int n = 2; keys.contains(key); ++n)
        key = parsed->fingerprint + "#" + std::to_string(n);
    tx.set_sync_state(format_state(after));
    SavedMessage saved;
    saved.record.flags = flags;
    saved.record.keywords = keywords;
    saved.record.size = parsed->size;
    saved.record.virtual_size = parsed->virtual_size;
    saved.record.internal_date = date;
    saved.record.location = parsed->from_offset;
    saved.record.physical_length = parsed->end - parsed->from_offset;
    saved.key = std::move(key);
    return saved;
}

// APPEND to an mbox: the message is collected first (the lock is taken only for the write,
// so a slow client never holds up deliveries).
class MboxSaver final : public BackendSaver {
public:
    MboxSaver(MboxBackend& backend, AppendOptions options) : backend_(backend), options_(std::move(options)) {}
    Result<void> write(std::string_view data) override
    {
        message_ += data;
        return {};
    }
    Result<SavedMessage> finish(IndexTransaction& tx, std::uint8_t flags, std::uint64_t keywords) override
    {
        return backend_.append(tx, message_, flags, keywords, options_);
    }

private:
    MboxBackend& backend_;
    AppendOptions options_;
    std::string message_;
};

Result<std::unique_ptr<BackendSaver>> MboxBackend::begin_save(const AppendOptions& options)
{
    return std::unique_ptr<BackendSaver>(new MboxSaver(*this, options));
}

}  // namespace
}  // namespace mailroom::mailstore::mbox

namespace mailroom::mailstore {

Result<std::unique_ptr<MailboxBackend>> open_mbox_backend(const std::filesystem::path& file,
                                                          const std::filesystem::path&, const StoreOptions& options)
{
    MboxLockPolicy policy;
    policy.timeout = options.lock_timeout;
    policy.stale_after = options.dotlock_stale_after;
    return std::unique_ptr<MailboxBackend>(new mbox::MboxBackend(file, policy));
}

}  // namespace mailroom::mailstore
