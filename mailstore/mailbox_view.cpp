// mailstore/mailbox_view.cpp - a session's view of a mailbox (see mailbox_view.hpp).
#include "mailstore/mailbox_view.hpp"

#include <algorithm>
#include <cstring>

namespace mailroom::mailstore {
namespace {

constexpr std::size_t flush_cache_after = 256;   // queued cache bundles written in one go

Error read_only_error(const std::string& name)
{
    return Error{make_error_code(Errc::no_permission), "mailbox " + name + " is open read-only"};
}

std::uint8_t apply_mode(FlagChange::Mode mode, std::uint8_t current, std::uint8_t change)
{
    switch (mode) {
    case FlagChange::Mode::add:
        return current | change;
    case FlagChange::Mode::remove:
        return static_cast<std::uint8_t>(current & ~change);
    case FlagChange::Mode::replace:
        break;
    }
    return change;
}

std::uint64_t apply_mode(FlagChange::Mode mode, std::uint64_t current, std::uint64_t change)
{
    switch (mode) {
    case FlagChange::Mode::add:
        return current | change;
    case FlagChange::Mode::remove:
        return current & ~change;
    case FlagChange::Mode::replace:
        break;
    }
    return change;
}

}  // namespace

Result<std::unique_ptr<StoreView>> StoreView::open(std::shared_ptr<SharedMailbox> box, bool read_only)
{
    std::unique_ptr<StoreView> view(new StoreView(std::move(box), read_only));
    std::lock_guard lock(view->box_->mutex());
    if (auto synced = view->box_->synchronize(!read_only); !synced)
        return synced.error();
    view->state_ = view->box_->index().state();
    if (!read_only)
        view->claim_recent_locked(nullptr);
    return view;
}

StoreView::~StoreView()
{
    for (auto id : subscriptions_)
        box_->unsubscribe(id);
    std::lock_guard lock(box_->mutex());
    (void)box_->flush_pending();
}

bool StoreView::is_recent(Uid uid) const { return std::binary_search(recent_.begin(), recent_.end(), uid); }

// Takes the \Recent messages of this view that no session has claimed yet (RFC 3501 2.3.2:
// \Recent belongs to exactly one session).
void StoreView::claim_recent_locked(std::vector<Uid>* claimed)
{
    if (state_->records.empty() || box_->index().state()->header.first_recent_uid > state_->records.back().uid)
        return;
    auto tx = box_->index().begin();
    if (!tx)
        return;   // \Recent is advisory: a busy index costs the flag, not the session
    const Uid first = tx->state().header.first_recent_uid;
    const Uid last = state_->records.back().uid;
    for (const auto& record : state_->records)
        if (record.uid >= first && tx->state().find(record.uid)) {
            recent_.push_back(record.uid);
            if (claimed)
                claimed->push_back(record.uid);
        }
    tx->set_first_recent(last + 1);
    (void)tx->commit();
}

Result<SyncChanges> StoreView::sync()
{
    std::lock_guard lock(box_->mutex());
    if (auto synced = box_->synchronize(!read_only_); !synced)
        return synced.error();
    const auto newest = box_->index().state();
    SyncChanges changes;
    if (newest == state_)
        return changes;   // a wake-up for another view's change, or none: nothing to compare
    const auto& before = state_->records;
    const auto& after = newest->records;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < before.size() || j < after.size()) {
        if (j == after.size() || (i < before.size() && before[i].uid < after[j].uid)) {
            changes.expunged.push_back(before[i++].uid);
        } else if (i == before.size() || after[j].uid < before[i].uid) {
            changes.added.push_back(after[j++].uid);
        } else {
            const auto& a = before[i++];
            const auto& b = after[j++];
            if (a.flags != b.flags || a.keywords != b.keywords || a.modseq != b.modseq)
                changes.flags_changed.push_back(b.uid);
        }
    }
    changes.keywords_changed = newest->keywords.size() != state_->keywords.size();
    state_ = newest;
    std::erase_if(recent_, [&](Uid uid) { return !state_->find(uid); });
    if (!read_only_)
        claim_recent_locked(&changes.recent);
    std::erase_if(virtual_sizes_, [&](const auto& item) {
        const MessageRecord* r = state_->find(item.first);
        return !r || r->virtual_size != 0;
    });
    return changes;
}

Result<std::unique_ptr<MessageContent>> StoreView::open_content(Uid uid)
{
    std::lock_guard lock(box_->mutex());
    if (!state_->find(uid))
        return Error{make_error_code(Errc::expunged), "message " + std::to_string(uid) + " is not in this view"};
    // Where the message is now: an mbox rewrite by another session or process moves it. (A
    // Maildir file is found by name whatever happened.)
    if (box_->paths().format == MailFormat::mbox && box_->backend().maybe_changed(*box_->index().state()))
        if (auto synced = box_->synchronize(false); !synced)
            return synced.error();
    const auto latest = box_->index().state();
    const MessageRecord* record = latest->find(uid);
    const auto key = box_->index().keys().find(uid);
    if (!record || key == box_->index().keys().end())
        return Error{make_error_code(Errc::expunged), "message " + std::to_string(uid) + " was expunged"};
    return box_->backend().open_content(*record, key->second);
}

Result<std::uint64_t> StoreView::virtual_size(Uid uid)
{
    if (const MessageRecord* record = state_->find(uid); record && record->virtual_size)
        return record->virtual_size;
    if (const auto it = virtual_sizes_.find(uid); it != virtual_sizes_.end())
        return it->second;
    auto content = open_content(uid);
    if (!content)
        return content.error();
    std::uint64_t size = (*content)->size();
    char buffer[65536];
    char previous = 0;
    for (std::uint64_t offset = 0; offset < (*content)->size();) {
        auto n = (*content)->read(offset, buffer);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        const char* const end = buffer + *n;
        for (const char* p = buffer; (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))));
             ++p)
            if ((p == buffer ? previous : p[-1]) != '\r')
                ++size;   // a bare LF becomes CRLF
        previous = end[-1];
        offset += *n;
    }
    virtual_sizes_[uid] = size;
    std::lock_guard lock(box_->mutex());
    box_->queue_virtual_size(uid, size);
    return size;
}

std::string StoreView::message_key(Uid uid) const
{
    std::lock_guard lock(box_->mutex());
    const auto it = box_->index().keys().find(uid);
    return it == box_->index().keys().end() ? std::string() : it->second;
}

std::optional<std::string> StoreView::cached(Uid uid, std::string_view field)
{
    std::lock_guard lock(box_->mutex());
    const MessageRecord* record = box_->index().state()->find(uid);
    if (!record)
        record = state_->find(uid);
    return record ? box_->index().cached(*record, field) : std::nullopt;
}

void StoreView::cache(Uid uid, std::string_view field, std::string_view value)
{
    std::lock_guard lock(box_->mutex());
    box_->index().queue_cache(uid, field, value);
    if (++queued_cache_ >= flush_cache_after) {
        queued_cache_ = 0;
        (void)box_->flush_pending();
    }
}

// Copies the view's state with the flags, keywords and modseqs this view just committed, so
// its own changes show at once while others' wait for sync().
void StoreView::adopt_own_changes(const std::vector<Uid>& uids)
{
    const auto& shared = *box_->index().state();
    auto patched = std::make_shared<index::IndexState>(*state_);
    for (Uid uid : uids) {
        MessageRecord* mine = patched->find(uid);
        const MessageRecord* theirs = shared.find(uid);
        if (mine && theirs) {
            mine->flags = theirs->flags;
            mine->keywords = theirs->keywords;
            mine->modseq = theirs->modseq;
        }
    }
    patched->keywords = shared.keywords;
    patched->header.highest_modseq = std::max(patched->header.highest_modseq, shared.header.highest_modseq);
    state_ = std::move(patched);
}

Result<FlagUpdateResult> StoreView::update_flags(std::span<const Uid> uids, const FlagChange& change,
                                                 std::optional<ModSeq> unchanged_since)
{
    if (read_only_)
        return read_only_error(name());
    std::lock_guard lock(box_->mutex());
    auto tx = box_->index().begin();
    if (!tx)
        return tx.error();
    std::vector<std::string> names = tx->state().keywords;
    const auto bits = keyword_bits(change.keywords, names, change.mode != FlagChange::Mode::remove);
    if (!bits)
        return Error{make_error_code(Errc::too_big), "too many keywords in mailbox " + name() + " (at most " +
                                                         std::to_string(max_keywords) + ")"};
    if (names != tx->state().keywords)
        tx->set_keywords(names);
    FlagUpdateResult result;
    for (Uid uid : uids) {
        const MessageRecord* current = state_->find(uid) ? tx->state().find(uid) : nullptr;
        if (!current)
            continue;   // expunged meanwhile, or not in this view
        if (unchanged_since && current->modseq > *unchanged_since) {
            result.conflicted.push_back(uid);
            continue;
        }
        const std::uint8_t flags = apply_mode(change.mode, current->flags, change.flags);
        const std::uint64_t keywords = apply_mode(change.mode, current->keywords, *bits);
        if (flags == current->flags && keywords == current->keywords)
            continue;
        const auto written = box_->backend().write_flags(*current, tx->key(uid), flags, keywords, names);
        if (!written && written.error().is(Errc::expunged))
            continue;
        if (!written)
            return written.error();
        tx->set_flags(uid, flags, keywords);
        result.changed.push_back(uid);
    }
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    adopt_own_changes(result.changed);
    box_->notify();
    return result;
}

Result<std::vector<Uid>> StoreView::expunge(std::optional<std::span<const Uid>> only)
{
    if (read_only_)
        return read_only_error(name());
    std::vector<Uid> targets;
    for (const auto& record : state_->records)
        if (!only || std::find(only->begin(), only->end(), record.uid) != only->end())
            targets.push_back(record.uid);
    std::lock_guard lock(box_->mutex());
    const auto latest = box_->index().state();
    std::erase_if(targets, [&](Uid uid) {
        const MessageRecord* r = latest->find(uid);
        return !r || !(r->flags & flag_deleted);
    });
    return remove_locked(targets);
}

Result<std::vector<Uid>> StoreView::remove_messages(std::span<const Uid> uids)
{
    if (read_only_)
        return read_only_error(name());
    std::vector<Uid> targets;
    for (Uid uid : uids)
        if (state_->find(uid))
            targets.push_back(uid);
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    std::lock_guard lock(box_->mutex());
    return remove_locked(targets);
}

Result<std::vector<Uid>> StoreView::remove_locked(std::vector<Uid> targets)
{
    auto tx = box_->index().begin();
    if (!tx)
        return tx.error();
    std::erase_if(targets, [&](Uid uid) { return !tx->state().find(uid); });
    if (targets.empty())
        return targets;
    if (auto removed = box_->backend().remove(*tx, targets); !removed)
        return removed.error();
    tx->expunge(targets);
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    auto patched = std::make_shared<index::IndexState>(*state_);
    std::erase_if(patched->records,
                  [&](const MessageRecord& r) { return std::binary_search(targets.begin(), targets.end(), r.uid); });
    patched->header.highest_modseq = std::max(patched->header.highest_modseq,
                                              box_->index().state()->header.highest_modseq);
    state_ = std::move(patched);
    std::erase_if(recent_, [&](Uid uid) { return std::binary_search(targets.begin(), targets.end(), uid); });
    box_->notify();
    return targets;
}

Result<void> StoreView::checkpoint()
{
    std::lock_guard lock(box_->mutex());
    if (auto flushed = box_->flush_pending(); !flushed)
        return flushed;
    if (read_only_)
        return {};
    auto tx = box_->index().begin();
    if (!tx)
        return tx.error();
    if (auto written = box_->backend().checkpoint(*tx); !written)
        return written;
    return tx->commit();
}

std::uint64_t StoreView::subscribe(std::function<void()> callback)
{
    const auto id = box_->subscribe(std::move(callback));
    subscriptions_.push_back(id);
    return id;
}

void StoreView::unsubscribe(std::uint64_t id)
{
    box_->unsubscribe(id);
    std::erase(subscriptions_, id);
}

}  // namespace mailroom::mailstore

namespace mailroom::mailstore {

const MessageRecord* MailboxView::find(Uid uid) const
{
    const auto records = messages();
    const auto it = std::lower_bound(records.begin(), records.end(), uid,
                                     [](const MessageRecord& r, Uid u) { return r.uid < u; });
    return it != records.end() && it->uid == uid ? &*it : nullptr;
}

}  // namespace mailroom::mailstore
