// mailstore/backend.hpp - what a mailbox format (Maildir, mbox) does for the format-neutral
// index and views: scan the files against the index, read messages, write flag changes
// to the files, remove messages, save new ones. Internal to mailstore/.
#pragma once
#include "mailstore/index/mailbox_index.hpp"
#include "mailstore/store.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::mailstore {

using IndexTransaction = index::MailboxIndex::Transaction;

// A message written by a BackendSaver, ready to be added to the index.
struct SavedMessage {
    MessageRecord record;   // uid 0; sizes, date, flags filled in
    std::string key;        // Maildir base name / mbox fingerprint
};

class BackendSaver {
public:
    virtual ~BackendSaver() = default;
    virtual Result<void> write(std::string_view lf_data) = 0;   // line ends already LF
    // Makes the message durable in the mailbox files with these flags and keyword bits (the
    // caller works them out inside the index transaction it then adds the message in).
    virtual Result<SavedMessage> finish(IndexTransaction& tx, std::uint8_t flags, std::uint64_t keywords) = 0;
};

class MailboxBackend {
public:
    virtual ~MailboxBackend() = default;

    // Cheap: could the files differ from what `state` recorded at the last scan?
    virtual bool maybe_changed(const index::IndexState& state) = 0;
    // Brings the index in line with the files: messages added or removed by other programs,
    // flags changed outside. A read-write scan may also tidy (Maildir new/ -> cur/).
    virtual Result<void> scan(IndexTransaction& tx, bool read_write) = 0;

    virtual Result<std::unique_ptr<MessageContent>> open_content(const MessageRecord& record, std::string_view key) = 0;
    // Writes new flags into the files (Maildir renames; mbox waits for checkpoint()).
    virtual Result<void> write_flags(const MessageRecord& record, std::string_view key, std::uint8_t flags,
                                     std::uint64_t keywords, const std::vector<std::string>& keyword_names) = 0;
    // Removes the messages from the files; the caller records the expunge in `tx`.
    virtual Result<void> remove(IndexTransaction& tx, const std::vector<Uid>& uids) = 0;
    // Writes state only the index holds into the files (mbox Status headers).
    virtual Result<void> checkpoint(IndexTransaction& tx) = 0;

    virtual Result<std::unique_ptr<BackendSaver>> begin_save(const AppendOptions& options) = 0;
    // Maildir to Maildir: a hard link instead of a copy. nullopt: not possible here.
    virtual std::optional<Result<SavedMessage>> link_from(const std::filesystem::path& source_file,
                                                          const MessageRecord& record, std::uint8_t flags,
                                                          std::uint64_t keywords);
    // The file that holds a message, when it is a file of its own (Maildir).
    virtual std::optional<std::filesystem::path> message_file(const MessageRecord& record, std::string_view key);
    // Keyword names changed: formats that keep a keyword table of their own update it.
    virtual void keywords_changed(const std::vector<std::string>& names);

    // Directories and the file names within them whose changes concern this mailbox.
    struct WatchTarget {
        std::filesystem::path directory;
        std::string name;   // empty: any entry
    };
    virtual std::vector<WatchTarget> watch_targets() const = 0;

    // UIDs another server left for this mailbox, taken over when mailroom first indexes it
    // (Maildir: dovecot-uidlist). nullopt: nothing to take over.
    virtual std::optional<index::UidList> uids_to_import() const { return std::nullopt; }
};

}  // namespace mailroom::mailstore
