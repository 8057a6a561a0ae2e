// mailstore/index/transaction.cpp - index transactions: changes collected on a working copy,
// committed as UID list lines (fsync) then log records, then published; and compaction into
// a new snapshot when the log has grown (see mailbox_index.hpp).
#include "mailstore/index/mailbox_index.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace mailroom::mailstore::index {
namespace {

constexpr std::uint64_t compact_log_above = 256 * 1024;   // log bytes that trigger a new snapshot
constexpr std::uint64_t cache_rewrite_above = 1 << 20;      // cache bytes before dead space is reclaimed

}  // namespace

MailboxIndex::Transaction::Transaction(MailboxIndex& index) : index_(&index) {}

MailboxIndex::Transaction::Transaction(Transaction&& other) noexcept
    : index_(other.index_), working_(std::move(other.working_)), new_keys_(std::move(other.new_keys_)),
      removed_keys_(std::move(other.removed_keys_)),
      payloads_(std::move(other.payloads_)), new_uid_list_entries_(std::move(other.new_uid_list_entries_)),
      flag_changes_(std::move(other.flag_changes_)), modseq_(other.modseq_), rescanned_(other.rescanned_),
      done_(other.done_)
{
    other.done_ = true;
}

MailboxIndex::Transaction::~Transaction()
{
    if (!done_)
        index_->unlock();
}

IndexState& MailboxIndex::Transaction::mutable_state()
{
    if (!working_)
        working_ = std::make_shared<IndexState>(*index_->published_);
    return *working_;
}

std::string_view MailboxIndex::Transaction::key(Uid uid) const
{
    if (const auto it = new_keys_.find(uid); it != new_keys_.end())
        return it->second;
    if (std::find(removed_keys_.begin(), removed_keys_.end(), uid) != removed_keys_.end())
        return {};
    const auto it = index_->keys_.find(uid);
    return it == index_->keys_.end() ? std::string_view() : std::string_view(it->second);
}

ModSeq MailboxIndex::Transaction::modseq()
{
    if (!modseq_)
        modseq_ = state().header.highest_modseq + 1;
    return *modseq_;
}

Uid MailboxIndex::Transaction::add_message(MessageRecord record, std::string key)
{
    IndexState& s = mutable_state();
    const auto hint = index_->uid_hint(key, s.header.uid_next);
    const bool hinted_and_free = hint && !s.find(*hint);
    record.uid = hinted_and_free ? *hint : s.header.uid_next;
    record.modseq = modseq();
    if (!hinted_and_free)
        new_uid_list_entries_.emplace_back(record.uid, key);
    index_->uid_hints_.erase(key);
    payloads_.push_back(encode_append(record, key));
    apply_log_record(payloads_.back(), s, new_keys_);
    return record.uid;
}

void MailboxIndex::Transaction::set_flags(Uid uid, std::uint8_t flags, std::uint64_t keywords)
{
    const MessageRecord* current = state().find(uid);
    if (!current || (current->flags == flags && current->keywords == keywords))
        return;
    MessageRecord* r = mutable_state().find(uid);
    r->flags = flags;
    r->keywords = keywords;
    r->modseq = modseq();
    mutable_state().header.highest_modseq = std::max(state().header.highest_modseq, r->modseq);
    if (std::find(flag_changes_.begin(), flag_changes_.end(), uid) == flag_changes_.end())
        flag_changes_.push_back(uid);
}

void MailboxIndex::Transaction::expunge(const std::vector<Uid>& uids)
{
    if (uids.empty())
        return;
    payloads_.push_back(encode_expunge(modseq(), uids));
    apply_log_record(payloads_.back(), mutable_state(), new_keys_);
    removed_keys_.insert(removed_keys_.end(), uids.begin(), uids.end());
}

void MailboxIndex::Transaction::relocate(Uid uid, std::uint64_t location, std::uint64_t length)
{
    payloads_.push_back(encode_relocate(uid, location, length));
    apply_log_record(payloads_.back(), mutable_state(), new_keys_);
}

void MailboxIndex::Transaction::drop_cache(Uid uid)
{
    std::erase_if(index_->pending_cache_, [&](const auto& pending) { return pending.first == uid; });
    const MessageRecord* record = state().find(uid);
    if (!record || record->cache_offset == 0)
        return;
    payloads_.push_back(encode_cache({{uid, 0}}));
    apply_log_record(payloads_.back(), mutable_state(), new_keys_);
}

void MailboxIndex::Transaction::set_keywords(std::vector<std::string> keywords)
{
    if (keywords == state().keywords)
        return;
    payloads_.push_back(encode_keywords(keywords));
    mutable_state().keywords = std::move(keywords);
}

void MailboxIndex::Transaction::set_first_recent(Uid uid)
{
    if (uid <= state().header.first_recent_uid)
        return;
    payloads_.push_back(encode_recent(uid));
    mutable_state().header.first_recent_uid = uid;
}

void MailboxIndex::Transaction::set_virtual_size(Uid uid, std::uint64_t size)
{
    payloads_.push_back(encode_vsize({{uid, size}}));
    apply_log_record(payloads_.back(), mutable_state(), new_keys_);
}

void MailboxIndex::Transaction::set_sync_state(std::string blob)
{
    if (blob == state().sync_state)
        return;
    payloads_.push_back(encode_sync_state(blob));
    mutable_state().sync_state = std::move(blob);
}

Result<void> MailboxIndex::Transaction::commit()
{
    MailboxIndex& index = *index_;
    done_ = true;
    struct Unlock {
        MailboxIndex& index;
        ~Unlock() { index.unlock(); }
    } unlock_at_exit{index};

    // Flag changes become one update record carrying this transaction's modseq.
    if (!flag_changes_.empty()) {
        std::vector<MessageRecord> changed;
        for (Uid uid : flag_changes_)
            if (const MessageRecord* r = state().find(uid))
                changed.push_back(*r);
        payloads_.push_back(encode_update(modseq(), changed));
    }
    if (!index.pending_cache_.empty()) {
        auto offsets = index.cache_.append(index.pending_cache_);
        if (offsets) {
            std::vector<std::pair<Uid, std::uint64_t>> pairs;
            for (std::size_t i = 0; i < offsets->size(); ++i)
                if (state().find(index.pending_cache_[i].first))
                    pairs.emplace_back(index.pending_cache_[i].first, (*offsets)[i]);
            payloads_.push_back(encode_cache(pairs));
            apply_log_record(payloads_.back(), mutable_state(), new_keys_);
        }
        index.pending_cache_.clear();   // the cache is best effort: a failed write is dropped
    }
    // UIDs are promised only once the UID list holds them on disk.
    if (!new_uid_list_entries_.empty())
        if (auto appended = append_uid_list(index.paths_->uidlist, new_uid_list_entries_); !appended)
            return appended.error();
    if (!payloads_.empty()) {
        auto end = index.log_.append(index.log_offset_, payloads_, false);
        if (!end)
            return end.error();
        index.log_offset_ = *end;
    }
    if (working_)
        index.published_ = std::move(working_);
    for (Uid uid : removed_keys_)
        index.keys_.erase(uid);
    for (auto& [uid, key] : new_keys_)
        index.keys_[uid] = std::move(key);
    if (!new_uid_list_entries_.empty()) {
        struct stat st {};
        if (::stat(index.paths_->uidlist.c_str(), &st) == 0)
            index.uid_list_offset_ = static_cast<std::uint64_t>(st.st_size);
    }
    const bool finished_rebuild = rescanned_ && index.needs_rescan_;
    if (rescanned_)
        index.needs_rescan_ = false;
    if (finished_rebuild || index.log_offset_ > compact_log_above)
        return index.compact(*index.published_, index.keys_);
    return {};
}

// Writes a snapshot of everything and starts an empty log (the caller holds the lock).
// The UID list and the cache are rewritten too when they carry much dead weight.
Result<void> MailboxIndex::compact(const IndexState& state, const KeyTable& keys)
{
    Snapshot snapshot;
    snapshot.state = state;
    snapshot.keys = keys;
    snapshot.log_id = log_.id() + 1;
    snapshot.log_offset = log_header_size;
    snapshot.cache_id = cache_id_;

    if (cache_.size() > cache_rewrite_above) {
        std::vector<std::pair<Uid, std::uint64_t>> offsets;
        for (const auto& r : state.records)
            if (r.cache_offset)
                offsets.emplace_back(r.uid, r.cache_offset);
        if (rewrite_cache(paths_->cache, snapshot.log_id, cache_, offsets)) {
            snapshot.cache_id = snapshot.log_id;
            auto it = offsets.begin();
            for (auto& r : snapshot.state.records)
                if (r.cache_offset && it != offsets.end())
                    r.cache_offset = (it++)->second;
        }
    }
    // Old UID list lines of expunged messages: rewrite when they outnumber the live ones.
    struct stat uid_list_stat {};
    if (::stat(paths_->uidlist.c_str(), &uid_list_stat) == 0 &&
        static_cast<std::uint64_t>(uid_list_stat.st_size) > 64 * 1024 + 2 * 64 * state.records.size()) {
        std::vector<std::pair<Uid, std::string>> entries;
        for (const auto& r : state.records)
            if (const auto it = keys.find(r.uid); it != keys.end())
                entries.emplace_back(r.uid, it->second);
        if (auto written = write_uid_list(paths_->uidlist, state.header.uid_validity, state.header.uid_next, entries);
            !written)
            return written.error();
        ::stat(paths_->uidlist.c_str(), &uid_list_stat);
        uid_hints_.clear();
    }
    uid_list_offset_ = static_cast<std::uint64_t>(uid_list_stat.st_size);
    snapshot.uid_list_offset = uid_list_offset_;
    if (auto installed = install_snapshot(snapshot); !installed)
        return installed.error();
    if (snapshot.cache_id != cache_id_) {
        cache_id_ = snapshot.cache_id;
        if (auto cache = CacheFile::open(paths_->cache, cache_id_)) {
            cache_ = std::move(*cache);
            std::vector<std::uint64_t> written;
            for (const auto& r : snapshot.state.records)
                if (r.cache_offset)
                    written.push_back(r.cache_offset);
            cache_.trust(written);
        }
        published_ = std::make_shared<IndexState>(std::move(snapshot.state));
    }
    return {};
}

}  // namespace mailroom::mailstore::index
