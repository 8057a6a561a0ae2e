// mailstore/index/mailbox_index.cpp - opening, refreshing, locking, transactions and
// compaction of one mailbox's index (see mailbox_index.hpp and index_files.hpp).
#include "mailstore/index/mailbox_index.hpp"

#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <thread>

namespace mailroom::mailstore::index {
namespace {

namespace fs = std::filesystem;

}  // namespace

MailboxIndex::~MailboxIndex()
{
    if (!pending_cache_.empty())
        (void)flush_cache();
    if (lock_fd_ >= 0)
        ::close(lock_fd_);
}

Result<std::unique_ptr<MailboxIndex>> MailboxIndex::open(const fs::path& dir, std::chrono::milliseconds lock_timeout,
                                                         UidListImport import_uids)
{
    std::unique_ptr<MailboxIndex> index(new MailboxIndex());
    index->dir_ = dir;
    index->paths_ = std::make_unique<IndexPaths>(dir);
    index->lock_timeout_ = lock_timeout;
    index->import_uids_ = std::move(import_uids);
    // Index directories are private to the mailbox owner: 0700 all the way down.
    for (auto it = dir.begin(); it != dir.end(); ++it) {
        fs::path partial;
        for (auto jt = dir.begin(); jt != std::next(it); ++jt)
            partial /= *jt;
        if (!partial.empty() && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            return errno_error(errno, "cannot create index directory", partial.string());
    }
    index->lock_fd_ = ::open(index->paths_->lock.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (index->lock_fd_ < 0)
        return errno_error(errno, "cannot open", index->paths_->lock.string());
    if (auto locked = index->lock(); !locked)
        return locked.error();
    auto loaded = index->load(true);
    index->unlock();
    if (!loaded)
        return loaded.error();
    return index;
}

Result<void> MailboxIndex::lock()
{
    const auto give_up = std::chrono::steady_clock::now() + lock_timeout_;
    for (int attempt = 0;; ++attempt) {
        struct flock request {};
        request.l_type = F_WRLCK;
        request.l_whence = SEEK_SET;
        if (::fcntl(lock_fd_, F_OFD_SETLK, &request) == 0)
            return {};
        if (errno != EAGAIN && errno != EACCES && errno != EINTR)
            return errno_error(errno, "cannot lock", paths_->lock.string());
        if (std::chrono::steady_clock::now() >= give_up)
            return Error{make_error_code(Errc::in_use), "index of " + dir_.string() + " is locked by another process"};
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 << std::min(attempt, 7), 100)));
    }
}

void MailboxIndex::unlock()
{
    struct flock request {};
    request.l_type = F_UNLCK;
    request.l_whence = SEEK_SET;
    ::fcntl(lock_fd_, F_OFD_SETLK, &request);
}

// Loads snapshot + log under the lock; anything missing or damaged is rebuilt.
Result<void> MailboxIndex::load(bool create)
{
    auto snapshot = read_snapshot(paths_->snapshot);
    if (snapshot) {
        auto log = TransactionLog::open(paths_->log, std::nullopt);
        if (log && log->id() + 1 == snapshot->log_id) {
            // A compaction wrote the snapshot but died before replacing the log: finish it.
            if (auto replaced = TransactionLog::replace(paths_->log, snapshot->log_id); !replaced)
                return replaced.error();
            log = TransactionLog::open(paths_->log, std::nullopt);
        }
        if (log && log->id() == snapshot->log_id) {
            auto state = std::make_shared<IndexState>(std::move(snapshot->state));
            KeyTable keys = std::move(snapshot->keys);
            auto end = log->read(snapshot->log_offset, [&](std::string_view p) { return apply_log_record(p, *state, keys); });
            if (end) {
                log_ = std::move(*log);
                log_offset_ = *end;
                cache_id_ = snapshot->cache_id;
                uid_list_offset_ = snapshot->uid_list_offset;
                keys_ = std::move(keys);
                published_ = std::move(state);
                auto cache = CacheFile::open(paths_->cache, cache_id_);
                if (!cache)
                    return cache.error();
                cache_ = std::move(*cache);
                return {};
            }
        }
    }
    if (!create)
        return Error{make_error_code(Errc::not_found), "no index in " + dir_.string()};
    return rebuild_from_uid_list();
}

// The snapshot or log is gone or damaged: start from the UID list (or a new UIDVALIDITY)
// with an empty state; the backend's next scan re-adds every message, reusing recorded UIDs.
Result<void> MailboxIndex::rebuild_from_uid_list()
{
    auto list = read_uid_list(paths_->uidlist);
    if (!list && !list.error().is(Errc::corrupt))
        return list.error();
    if (list && !*list && import_uids_ && !fs::exists(paths_->snapshot)) {
        // Never indexed by mailroom: take over the UIDs another server gave (once only; the
        // UID list written here is ours from now on).
        if (auto imported = import_uids_()) {
            if (auto written = write_uid_list(paths_->uidlist, imported->uid_validity, imported->uid_next,
                                              imported->entries);
                !written)
                return written.error();
            list = read_uid_list(paths_->uidlist);
            if (!list)
                return list.error();
        }
    }
    auto state = std::make_shared<IndexState>();
    if (list && *list) {
        state->header.uid_validity = (*list)->uid_validity;
        state->header.uid_next = (*list)->uid_next;
        for (auto& [uid, key] : (*list)->entries) {
            state->header.uid_next = std::max(state->header.uid_next, uid + 1);
            uid_hints_[key] = uid;
        }
        uid_list_offset_ = (*list)->bytes_read;
        // The old modseqs are lost with the index; CONDSTORE clients must never see them go
        // backwards, so continue from the clock in microseconds, far above any count of
        // changes the mailbox can have had.
        state->header.highest_modseq = static_cast<ModSeq>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
    } else {
        // A new mailbox (or an unreadable UID list): UIDVALIDITY from the clock, so it
        // differs from any earlier incarnation's.
        state->header.uid_validity = static_cast<std::uint32_t>(std::max<std::time_t>(std::time(nullptr), 1));
        if (auto written = write_uid_list(paths_->uidlist, state->header.uid_validity, 1, {}); !written)
            return written.error();
        struct stat st {};
        uid_list_offset_ = ::stat(paths_->uidlist.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    }
    state->header.first_recent_uid = state->header.uid_next;
    Snapshot snapshot;
    snapshot.state = *state;
    snapshot.log_id = log_.id() + 1 + static_cast<std::uint64_t>(std::time(nullptr));
    snapshot.log_offset = log_header_size;
    snapshot.cache_id = snapshot.log_id;
    snapshot.uid_list_offset = uid_list_offset_;
    if (auto installed = install_snapshot(snapshot); !installed)
        return installed.error();
    cache_id_ = snapshot.cache_id;
    auto cache = CacheFile::open(paths_->cache, cache_id_);
    if (!cache)
        return cache.error();
    cache_ = std::move(*cache);
    keys_.clear();
    published_ = std::move(state);
    needs_rescan_ = true;
    return {};
}

Result<void> MailboxIndex::install_snapshot(const Snapshot& snapshot)
{
    if (auto written = write_snapshot(paths_->snapshot, snapshot); !written)
        return written.error();
    if (auto replaced = TransactionLog::replace(paths_->log, snapshot.log_id); !replaced)
        return replaced.error();
    auto log = TransactionLog::open(paths_->log, std::nullopt);
    if (!log)
        return log.error();
    log_ = std::move(*log);
    log_offset_ = log_header_size;
    return {};
}

Result<bool> MailboxIndex::refresh()
{
    if (!log_.replaced())
        return read_log_tail();
    // Another process compacted or rebuilt the index. Its lock is held until both the new
    // snapshot and the new log are in place, so take it before loading them.
    if (auto locked = lock(); !locked)
        return locked.error();
    auto refreshed = reload_locked();
    unlock();
    return refreshed;
}

Result<bool> MailboxIndex::reload_locked()
{
    if (!log_.replaced())
        return read_log_tail();
    const bool had_rescan = needs_rescan_;
    const auto before = published_;
    if (auto loaded = load(false); !loaded)
        return loaded.error();
    needs_rescan_ = had_rescan || needs_rescan_;
    return published_ != before;
}

Result<bool> MailboxIndex::read_log_tail()
{
    if (log_.size() <= log_offset_)
        return false;
    // Views share the published state, so it is copied; the keys are ours alone.
    auto state = std::make_shared<IndexState>(*published_);
    auto end = log_.read(log_offset_, [&](std::string_view p) { return apply_log_record(p, *state, keys_); });
    if (!end)
        return end.error();
    if (*end == log_offset_)
        return false;
    log_offset_ = *end;
    published_ = std::move(state);
    return true;
}

Result<MailboxIndex::Transaction> MailboxIndex::begin()
{
    if (auto locked = lock(); !locked)
        return locked.error();
    if (auto refreshed = reload_locked(); !refreshed) {
        unlock();
        return refreshed.error();
    }
    // UID list lines written by a process that died before its log record: their UIDs hold.
    if (auto tail = read_uid_list_tail(paths_->uidlist, uid_list_offset_); tail)
        for (auto& [uid, key] : *tail)
            if (!keys_.contains(uid))
                uid_hints_[key] = uid;
    return Transaction(*this);
}

std::optional<Uid> MailboxIndex::uid_hint(const std::string& uid_list_key, Uid uid_next) const
{
    const auto it = uid_hints_.find(uid_list_key);
    if (it == uid_hints_.end())
        return std::nullopt;
    // Reuse a recorded UID when rebuilding, or when it was never logged (uid >= uid_next);
    // a lower one belonged to a message expunged since, and UIDs are never reused.
    if (needs_rescan_ || it->second >= uid_next)
        return it->second;
    return std::nullopt;
}

std::optional<std::string> MailboxIndex::cached(const MessageRecord& record, std::string_view field) const
{
    for (const auto& [uid, fields] : pending_cache_)
        if (uid == record.uid)
            for (const auto& [name, value] : fields)
                if (name == field)
                    return value;
    if (record.cache_offset == 0)
        return std::nullopt;
    return cache_.read_field(record.cache_offset, record.uid, field);
}

void MailboxIndex::queue_cache(Uid uid, std::string_view field, std::string_view value)
{
    const auto put = [&](CacheFields& fields) {   // a field's new value replaces the old one
        std::erase_if(fields, [&](const auto& f) { return f.first == field; });
        fields.emplace_back(std::string(field), std::string(value));
    };
    for (auto& [pending_uid, fields] : pending_cache_)
        if (pending_uid == uid) {
            put(fields);
            return;
        }
    CacheFields fields;
    if (const MessageRecord* record = published_->find(uid); record && record->cache_offset)
        if (auto existing = cache_.read(record->cache_offset, uid))
            fields = std::move(*existing);
    put(fields);
    pending_cache_.emplace_back(uid, std::move(fields));
}

Result<void> MailboxIndex::flush_cache()
{
    if (pending_cache_.empty())
        return {};
    auto tx = begin();
    if (!tx)
        return tx.error();
    return tx->commit();
}

}  // namespace mailroom::mailstore::index
