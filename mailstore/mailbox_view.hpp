// mailstore/mailbox_view.hpp - the MailboxView of store.hpp over a SharedMailbox: a session's
// stable list of messages, changed only by its own updates and at sync(), where the difference
// to the shared index becomes the SyncChanges the protocol reports. Internal to mailstore/.
#pragma once
#include "mailstore/shared_mailbox.hpp"

namespace mailroom::mailstore {

class StoreView final : public MailboxView {
public:
    // Opens the view; a read-write view claims the \Recent messages nobody claimed yet.
    static Result<std::unique_ptr<StoreView>> open(std::shared_ptr<SharedMailbox> box, bool read_only);
    ~StoreView() override;

    const std::string& name() const override { return box_->paths().name; }
    bool read_only() const override { return read_only_; }
    std::uint32_t uid_validity() const override { return state_->header.uid_validity; }
    Uid uid_next() const override { return state_->header.uid_next; }
    ModSeq highest_modseq() const override { return state_->header.highest_modseq; }
    std::span<const MessageRecord> messages() const override { return state_->records; }
    const std::vector<std::string>& keyword_names() const override { return state_->keywords; }
    bool is_recent(Uid uid) const override;

    Result<SyncChanges> sync() override;
    Result<std::unique_ptr<MessageContent>> open_content(Uid uid) override;
    Result<std::uint64_t> virtual_size(Uid uid) override;
    std::string message_key(Uid uid) const override;
    std::optional<std::string> cached(Uid uid, std::string_view field) override;
    void cache(Uid uid, std::string_view field, std::string_view value) override;
    Result<FlagUpdateResult> update_flags(std::span<const Uid> uids, const FlagChange& change,
                                          std::optional<ModSeq> unchanged_since) override;
    Result<std::vector<Uid>> expunge(std::optional<std::span<const Uid>> only) override;
    Result<void> checkpoint() override;
    std::uint64_t subscribe(std::function<void()> callback) override;
    void unsubscribe(std::uint64_t id) override;
    bool watched() const override { return box_->watched(); }
    Result<std::unique_ptr<ExclusiveClaim>> claim_exclusive() override { return box_->claim_exclusive(); }

    // Removes messages whatever their flags (MOVE); returns the UIDs removed.
    Result<std::vector<Uid>> remove_messages(std::span<const Uid> uids);
    SharedMailbox& shared() { return *box_; }

private:
    StoreView(std::shared_ptr<SharedMailbox> box, bool read_only) : box_(std::move(box)), read_only_(read_only) {}
    void claim_recent_locked(std::vector<Uid>* claimed);
    void adopt_own_changes(const std::vector<Uid>& uids);
    Result<std::vector<Uid>> remove_locked(std::vector<Uid> targets);   // targets ascending

    std::shared_ptr<SharedMailbox> box_;
    bool read_only_;
    std::shared_ptr<const index::IndexState> state_;
    std::vector<Uid> recent_;                                  // ascending
    std::unordered_map<Uid, std::uint64_t> virtual_sizes_;     // computed here, not yet in state_
    std::vector<std::uint64_t> subscriptions_;
    std::size_t queued_cache_ = 0;
};

}  // namespace mailroom::mailstore
