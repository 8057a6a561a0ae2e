// mailstore/store.hpp - the storage API that delivery, POP3 and IMAP share. One UserStore per
// user and session; MailboxViews of the same mailbox in one process share one in-memory index
// and see each other's changes at sync(); changes by other processes (another mailroomd,
// `mailroom deliver`, procmail, mutt) arrive through the files and inotify.
// Synchronous and Asio-free: callers run it on worker threads with the owner's identity.
// Speaks UIDs, flags, keywords and bytes; message sequence numbers and \Recent bookkeeping per
// session belong to the protocols.
#pragma once
#include "mailstore/errors.hpp"
#include "mailstore/location.hpp"
#include "mailstore/quota.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::mailstore {

using Uid = std::uint32_t;
using ModSeq = std::uint64_t;

// System flags (RFC 9051 2.3.2) as bits; \Recent is a session property, not stored.
enum MessageFlag : std::uint8_t {
    flag_seen = 1,
    flag_answered = 2,
    flag_flagged = 4,
    flag_deleted = 8,
    flag_draft = 16,
};
inline constexpr std::size_t max_keywords = 64;   // per mailbox

struct MessageRecord {
    Uid uid = 0;
    std::uint8_t flags = 0;         // MessageFlag bits
    std::uint64_t keywords = 0;     // bit i set: keyword_names()[i]
    std::uint64_t size = 0;         // bytes of the message as stored (LF line ends)
    std::uint64_t virtual_size = 0; // RFC822.SIZE: with CRLF line ends; 0 until known
    std::int64_t internal_date = 0; // seconds since the epoch (delivery time)
    ModSeq modseq = 1;              // CONDSTORE (RFC 7162): changes whenever flags change
    std::uint64_t cache_offset = 0; // where parsed data lives in the cache; 0 none
    std::uint64_t location = 0;     // backend data: mbox offset of the From_ line
    std::uint64_t physical_length = 0;  // backend data: mbox bytes from From_ line to the next

    bool operator==(const MessageRecord&) const = default;
};

// A stored message's bytes: random access, read in pieces, never the whole thing at once
// unless asked (large messages are streamed to clients).
class MessageContent {
public:
    virtual ~MessageContent() = default;
    virtual std::uint64_t size() const = 0;
    // Reads up to out.size() bytes at `offset`; 0 at the end.
    virtual Result<std::size_t> read(std::uint64_t offset, std::span<char> out) = 0;
    Result<std::string> read_all();
};

struct SyncChanges {
    std::vector<Uid> expunged;        // present before this sync, gone now (ascending)
    std::vector<Uid> flags_changed;   // still present, flags or keywords changed by others
    std::vector<Uid> added;           // new since the last sync (ascending)
    std::vector<Uid> recent;          // of `added`, the ones this view claimed as \Recent
    bool keywords_changed = false;    // keyword_names() grew
    bool empty() const { return expunged.empty() && flags_changed.empty() && added.empty() && !keywords_changed; }
};

struct FlagChange {
    enum class Mode { add, remove, replace } mode = Mode::add;
    std::uint8_t flags = 0;
    std::vector<std::string> keywords;
};

struct FlagUpdateResult {
    std::vector<Uid> changed;          // their records now carry the new flags and modseq
    std::vector<Uid> conflicted;       // CONDSTORE: modseq was above unchanged_since, not changed
};

struct CopyResult {
    std::uint32_t target_uid_validity = 0;
    std::vector<Uid> source_uids;
    std::vector<Uid> target_uids;      // same order (UIDPLUS COPYUID, RFC 4315)
};

class UserStore;

// One mailbox as a session sees it: a stable list of messages that changes only at sync()
// and by this view's own updates.
class MailboxView {
public:
    virtual ~MailboxView() = default;

    virtual const std::string& name() const = 0;
    virtual bool read_only() const = 0;
    virtual std::uint32_t uid_validity() const = 0;
    virtual Uid uid_next() const = 0;
    virtual ModSeq highest_modseq() const = 0;

    virtual std::span<const MessageRecord> messages() const = 0;   // ascending UIDs
    const MessageRecord* find(Uid uid) const;
    virtual const std::vector<std::string>& keyword_names() const = 0;
    // Messages this view holds as \Recent (claimed at open or sync by a read-write view).
    virtual bool is_recent(Uid uid) const = 0;

    // Picks up changes by other views and processes.
    virtual Result<SyncChanges> sync() = 0;

    virtual Result<std::unique_ptr<MessageContent>> open_content(Uid uid) = 0;
    // RFC822.SIZE for messages whose virtual size is not yet known reads the message once.
    virtual Result<std::uint64_t> virtual_size(Uid uid) = 0;
    // A stable per-message key for POP3 UIDL formats that use it (a Maildir file's base name).
    virtual std::string message_key(Uid uid) const = 0;

    // Parsed data kept for later (ENVELOPE, BODYSTRUCTURE, a serialized MIME tree...), by
    // field name. Best effort: a failure to cache is not an error.
    virtual std::optional<std::string> cached(Uid uid, std::string_view field) = 0;
    virtual void cache(Uid uid, std::string_view field, std::string_view value) = 0;

    virtual Result<FlagUpdateResult> update_flags(std::span<const Uid> uids, const FlagChange& change,
                                                  std::optional<ModSeq> unchanged_since = std::nullopt) = 0;
    // Removes messages with \Deleted (only those in `only` when given); returns their UIDs.
    virtual Result<std::vector<Uid>> expunge(std::optional<std::span<const Uid>> only = std::nullopt) = 0;
    // Writes pending state to the mailbox files (mbox Status headers). Also done by expunge.
    virtual Result<void> checkpoint() = 0;

    // Change notification: `callback` runs (on any thread) soon after anyone changes this
    // mailbox. Returns an id for unsubscribe(). False watched(): changes by other processes
    // are only seen by polling sync().
    virtual std::uint64_t subscribe(std::function<void()> callback) = 0;
    virtual void unsubscribe(std::uint64_t id) = 0;
    virtual bool watched() const = 0;

    // An exclusive claim on the mailbox for a POP3 session (RFC 1939 "maildrop lock"),
    // across processes; released when the returned object is destroyed.
    class ExclusiveClaim {
    public:
        virtual ~ExclusiveClaim() = default;
    };
    virtual Result<std::unique_ptr<ExclusiveClaim>> claim_exclusive() = 0;
};

struct AppendOptions {
    std::uint8_t flags = 0;
    std::vector<std::string> keywords;
    std::optional<std::int64_t> internal_date;   // default: now
    std::string envelope_sender;                 // mbox From_ line
};

struct AppendResult {
    std::uint32_t uid_validity = 0;
    Uid uid = 0;
};

// One message being added. write() accepts CRLF or LF line ends (stored as LF). Nothing is
// visible until commit(), which returns only after the message is durable; destroying an
// uncommitted Saver removes every trace of it.
class Saver {
public:
    virtual ~Saver() = default;
    virtual Result<void> write(std::string_view chunk) = 0;
    virtual Result<AppendResult> commit() = 0;
};

struct MailboxStatus {
    std::uint32_t messages = 0;
    std::uint32_t recent = 0;       // not yet claimed by any session
    std::uint32_t unseen = 0;
    Uid uid_next = 1;
    std::uint32_t uid_validity = 0;
    ModSeq highest_modseq = 1;
    std::uint64_t size = 0;         // sum of virtual sizes (STATUS SIZE, RFC 8438)
    std::uint32_t deleted = 0;
};

struct MailboxListEntry {
    std::string name;               // UTF-8, '/' separated
    bool selectable = true;         // false: exists only as a parent (\Noselect / \NonExistent)
    bool has_children = false;
    bool subscribed = false;
    std::string special_use;        // "\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\Archive" or empty
};

struct StoreOptions {
    QuotaLimit quota;
    std::vector<std::string> auto_create;   // folders created and subscribed when missing
    std::chrono::milliseconds lock_timeout{std::chrono::seconds(30)};
    std::chrono::seconds dotlock_stale_after{std::chrono::minutes(5)};
};

// One user's mailboxes.
class UserStore {
public:
    virtual ~UserStore() = default;
    virtual const MailLocation& location() const = 0;

    virtual Result<std::unique_ptr<MailboxView>> open(std::string_view name, bool read_only) = 0;
    virtual Result<MailboxStatus> status(std::string_view name) = 0;
    virtual Result<std::unique_ptr<Saver>> begin_append(std::string_view name, const AppendOptions& options) = 0;
    virtual Result<CopyResult> copy(MailboxView& source, std::span<const Uid> uids, std::string_view target,
                                    bool move) = 0;

    virtual Result<std::vector<MailboxListEntry>> list() = 0;
    virtual Result<void> create(std::string_view name) = 0;
    virtual Result<void> remove(std::string_view name) = 0;
    virtual Result<void> rename(std::string_view from, std::string_view to) = 0;
    virtual Result<void> set_subscribed(std::string_view name, bool subscribed) = 0;
    // Subscribed names, existing mailboxes or not (IMAP LSUB lists both), canonical form.
    virtual Result<std::vector<std::string>> subscriptions() = 0;

    virtual Result<QuotaUsage> quota_usage() = 0;
    virtual const QuotaLimit& quota_limit() const = 0;
};

// Keyword names for `bits` of a mailbox whose keyword list is `names`, and bits for names
// (matched case-insensitively; extending `names` when `add_missing`; nullopt past max_keywords).
std::vector<std::string> keyword_list(std::uint64_t bits, const std::vector<std::string>& names);
std::optional<std::uint64_t> keyword_bits(const std::vector<std::string>& wanted, std::vector<std::string>& names,
                                          bool add_missing);

// Opens a user's store (creating INBOX when missing, and the auto_create folders).
Result<std::unique_ptr<UserStore>> open_user_store(const MailLocation& location, const StoreOptions& options);

// StoreOptions from the configuration and the user's quota.
StoreOptions store_options(const core::Config& config, const QuotaLimit& quota);

}  // namespace mailroom::mailstore
