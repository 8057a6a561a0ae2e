// imap/selected_mailbox.hpp - the selected mailbox as one session sees it (RFC 3501 §2.3.1.2
// message sequence numbers, §7.3-7.4 EXISTS/RECENT/EXPUNGE/FETCH updates, §7.2.6 FLAGS).
// MSN n is the n-th record of the view: the view changes only at sync() and by this session's
// own EXPUNGE/MOVE, and sync() runs only where the RFC allows EXPUNGE responses, so the
// mapping costs no memory of its own.
#pragma once
#include "imap/protocol/sequence_set.hpp"
#include "mailstore/store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mailroom::imap {

class SelectedMailbox {
public:
    explicit SelectedMailbox(std::unique_ptr<mailstore::MailboxView> view);
    ~SelectedMailbox();

    mailstore::MailboxView& view() { return *view_; }
    const mailstore::MailboxView& view() const { return *view_; }
    bool read_only() const { return view_->read_only(); }

    std::uint32_t count() const { return static_cast<std::uint32_t>(view_->messages().size()); }
    const mailstore::MessageRecord& at(std::size_t index) const { return view_->messages()[index]; }
    // 1-based MSN of a UID in the view; 0 when absent.
    std::uint32_t msn_of(mailstore::Uid uid) const;
    mailstore::Uid highest_uid() const { return count() ? at(count() - 1).uid : 0; }

    // 0-based positions of the messages a set names, ascending. For MSN sets a number past
    // the last message is an error (false); UIDs that do not exist are simply not matched.
    bool positions(const SequenceSet& set, bool uid, std::vector<std::uint32_t>& out) const;

    void append_flags(std::string& out, const mailstore::MessageRecord& record) const;
    // "* n FETCH (UID u FLAGS (...) MODSEQ (m))": UID when `with_uid`, MODSEQ with CONDSTORE.
    void append_fetch_flags(std::string& out, std::uint32_t msn, const mailstore::MessageRecord& record,
                            bool with_uid, bool with_modseq) const;
    // The FLAGS response and the PERMANENTFLAGS response code line (SELECT, new keywords).
    void append_flag_responses(std::string& out) const;

    // FLAGS and PERMANENTFLAGS again when this session's own STORE created keywords (before
    // the FETCH responses that use them, RFC 3501 §7.2.6).
    void announce_new_keywords(std::string& out);

    std::uint32_t recent_count() const { return recent_; }
    // MSN of the first message without \Seen; 0 when all are seen.
    std::uint32_t first_unseen() const;

    // Picks up changes made elsewhere and reports them: EXPUNGE, EXISTS and RECENT, FETCH for
    // flag changes, FLAGS for new keywords. Call it only where EXPUNGE may be sent (never
    // while answering FETCH, STORE or SEARCH with MSNs). A failed sync is logged by the
    // caller's log and reported as nothing changed.
    void report_changes(std::string& out, bool condstore, std::string& error);

    // EXPUNGE responses for messages this session removed itself (EXPUNGE, UID EXPUNGE,
    // MOVE, CLOSE reports nothing): `removed` ascending, already gone from the view.
    void report_own_expunges(std::string& out, const std::vector<mailstore::Uid>& removed);

private:
    void recount_recent();

    std::unique_ptr<mailstore::MailboxView> view_;
    std::size_t keywords_announced_ = 0;
    std::uint32_t recent_ = 0;
};

}  // namespace mailroom::imap
