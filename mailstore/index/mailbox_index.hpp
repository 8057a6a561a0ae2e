// mailstore/index/mailbox_index.hpp - one mailbox's index as a whole: opening (snapshot +
// log replay, or a rebuild that keeps the UID list's UIDs), refreshing with what other
// processes wrote, and transactions that change it under the index lock. Not thread-safe:
// the owning SharedMailbox serializes access; the lock file serializes processes and, being an
// open-file-description lock (F_OFD_SETLK), also two MailboxIndex objects of one process (a
// process-owned fcntl lock let the sessions opening a new mailbox at once overtake each other).
#pragma once
#include "mailstore/index/cache_file.hpp"
#include "mailstore/index/index_files.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

namespace mailroom::mailstore::index {

class MailboxIndex {
public:
    class Transaction;

    // UIDs another server recorded for the mailbox (dovecot-uidlist), asked for once, when
    // the index is created and no UID list of ours exists; nullopt: none to take over.
    using UidListImport = std::function<std::optional<UidList>()>;

    // Opens the index in `dir`, creating it when missing. `lock_timeout` bounds every wait
    // for the index lock (Errc::in_use after it).
    static Result<std::unique_ptr<MailboxIndex>> open(const std::filesystem::path& dir,
                                                      std::chrono::milliseconds lock_timeout,
                                                      UidListImport import_uids = {});
    ~MailboxIndex();

    std::shared_ptr<const IndexState> state() const { return published_; }
    const KeyTable& keys() const { return keys_; }
    // True after a rebuild until a transaction marks the backend's full scan done.
    bool needs_rescan() const { return needs_rescan_; }

    // Applies what other processes appended to the log (no lock). true: the state changed.
    Result<bool> refresh();

    // Takes the index lock, refreshes, and returns a transaction on a working copy.
    Result<Transaction> begin();

    // Cached fields of a message (its latest bundle), and queued additions that are written
    // with the next commit or flush_cache().
    std::optional<std::string> cached(const MessageRecord& record, std::string_view field) const;
    void queue_cache(Uid uid, std::string_view field, std::string_view value);
    Result<void> flush_cache();

private:
    friend class Transaction;
    MailboxIndex() = default;
    Result<void> load(bool create);
    Result<void> rebuild_from_uid_list();
    Result<bool> reload_locked();
    Result<bool> read_log_tail();
    Result<void> lock();
    void unlock();
    Result<void> compact(const IndexState& state, const KeyTable& keys);
    // Writes the snapshot, then starts the empty log it names (rebuild and compaction).
    Result<void> install_snapshot(const Snapshot& snapshot);
    std::optional<Uid> uid_hint(const std::string& uid_list_key, Uid uid_next) const;

    std::filesystem::path dir_;
    std::unique_ptr<IndexPaths> paths_;
    std::chrono::milliseconds lock_timeout_{30000};
    UidListImport import_uids_;
    int lock_fd_ = -1;
    TransactionLog log_;
    std::uint64_t log_offset_ = 0;      // replayed up to here
    CacheFile cache_;
    std::uint64_t cache_id_ = 1;
    std::uint64_t uid_list_offset_ = 0;
    std::unordered_map<std::string, Uid> uid_hints_;   // UID list entries not (yet) in the index
    std::shared_ptr<const IndexState> published_;
    KeyTable keys_;
    bool needs_rescan_ = false;
    std::vector<std::pair<Uid, CacheFields>> pending_cache_;
};

class MailboxIndex::Transaction {
public:
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();   // an uncommitted transaction changes nothing and releases the lock

    const IndexState& state() const { return working_ ? *working_ : *index_->published_; }
    IndexState& mutable_state();   // copies the published state on first use
    // The key of a message, including messages added in this transaction; empty if unknown.
    std::string_view key(Uid uid) const;
    bool rebuilding() const { return index_->needs_rescan_; }

    // A new message with its stable key (Maildir base name, mbox fingerprint): a UID recorded
    // for the key in the UID list is reused, else a new UID is assigned.
    Uid add_message(MessageRecord record, std::string key);
    void set_flags(Uid uid, std::uint8_t flags, std::uint64_t keywords);   // gets this transaction's modseq
    void expunge(const std::vector<Uid>& uids);
    void relocate(Uid uid, std::uint64_t location, std::uint64_t length);
    // Forgets the message's cached data, queued bundles included: its bytes may have changed
    // under the same UID (an mbox rewritten by another program).
    void drop_cache(Uid uid);
    void set_keywords(std::vector<std::string> keywords);
    void set_first_recent(Uid uid);
    void set_virtual_size(Uid uid, std::uint64_t size);
    void set_sync_state(std::string blob);
    void mark_rescanned() { rescanned_ = true; }
    bool changed() const { return !payloads_.empty(); }

    // Writes new UID list entries (fsync), the log records, and publishes the new state.
    Result<void> commit();

private:
    friend class MailboxIndex;
    explicit Transaction(MailboxIndex& index);
    ModSeq modseq();

    MailboxIndex* index_;
    std::shared_ptr<IndexState> working_;   // null until something changes
    KeyTable new_keys_;                     // keys added here; merged into the index at commit
    std::vector<Uid> removed_keys_;
    std::vector<std::string> payloads_;
    std::vector<std::pair<Uid, std::string>> new_uid_list_entries_;
    std::vector<Uid> flag_changes_;
    std::optional<ModSeq> modseq_;
    bool rescanned_ = false;
    bool done_ = false;
};

}  // namespace mailroom::mailstore::index
