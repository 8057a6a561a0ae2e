// delivery/actions/journaled_store.hpp - Maildir and mbox stores that a crash cannot repeat:
// when a message comes with a hand-off record (lmtp/handoff.hpp), each store of a recipient
// writes an intent line right before its commit step (the rename into new/, the mbox append),
// and a later attempt of the same hand-off finishes or recognises that store instead of making
// a second copy (docs/mta.md, "Crashes"). Without a journal (the `mailroom deliver` LDA, LMTP
// clients other than mailroom's queue) these are mailstore's writers, unchanged.
#pragma once
#include "core/log/log.hpp"
#include "delivery/lmtp/handoff.hpp"
#include "mailstore/folder_delivery.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace mailroom::delivery {

// One recipient's stores under one hand-off record. Stores are keyed by their ordinal (the
// recipient's how-manyth Maildir or mbox store) and their target: a retry whose filter picks
// the same folders in the same order finds its earlier stores; one that picks others simply
// stores anew (a second copy at worst, never a lost one).
class StoreJournal {
public:
    StoreJournal(lmtp::HandoffRecord& record, std::string recipient, const core::Logger& log)
        : record_(record), recipient_(std::move(recipient)), log_(log)
    {
    }

    // True when the next store into `target` was announced by an earlier attempt: the copy
    // is (or is about to be made) there already, so size checks must not count it again.
    bool next_is_recorded(const std::filesystem::path& target) const;

    // Records that the pipeline delivered this destination (Destination::key()), so that no
    // later attempt of the hand-off delivers it again. A failure is logged, not raised.
    void destination_delivered(const std::string& key);

    mailstore::Result<mailstore::FolderDelivery> maildir(const std::filesystem::path& dir, std::string_view copy);
    mailstore::Result<mailstore::FolderDelivery> mbox(const std::filesystem::path& file, std::string_view copy,
                                                      mailstore::MboxDeliveryOptions options);

private:
    lmtp::HandoffRecord& record_;
    std::string recipient_;
    const core::Logger& log_;
    std::size_t stores_ = 0;
};

// mailstore::deliver_to_maildir / deliver_to_mbox through `journal` when there is one.
mailstore::Result<mailstore::FolderDelivery> store_maildir(StoreJournal* journal, const std::filesystem::path& dir,
                                                           std::string_view copy);
mailstore::Result<mailstore::FolderDelivery> store_mbox(StoreJournal* journal, const std::filesystem::path& file,
                                                        std::string_view copy,
                                                        const mailstore::MboxDeliveryOptions& options);

}  // namespace mailroom::delivery
