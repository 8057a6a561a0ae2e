// mta/queue/queue_directory.hpp - the queue on disk, laid out like Postfix's (the Postfix book,
// chapter 5): incoming/ holds files being written, active/ what the queue manager works on,
// deferred/ what waits for its next attempt (the file's mtime is that time, as in Postfix),
// defer/ the last temporary failure per recipient, handoff/ what delivery stored for each
// message (below). A message is acknowledged only after its
// file is fsync'd and renamed into active/ and active/ is fsync'd (architecture.md). All
// calls block (fsync): services run them on the blocking pool.
#pragma once
#include "mta/queue/queue_file.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace mailroom::mta {

struct QueueEntry {
    std::string id;
    std::string queue;      // "active" or "deferred"
    std::time_t next_attempt = 0;
    std::uint64_t size = 0;
};

struct LoadedMessage {
    Envelope envelope;
    std::string queue;
    std::filesystem::path path;
    std::string content;    // the message, LF line ends
};

// A message being received: the envelope first (with a new hand-off nonce), the content in
// pieces, then commit().
// Destroying it uncommitted removes the incoming file.
class QueueWriter {
public:
    QueueWriter(const std::filesystem::path& root, Envelope envelope);
    ~QueueWriter();
    QueueWriter(const QueueWriter&) = delete;
    QueueWriter& operator=(const QueueWriter&) = delete;

    void append(std::string_view bytes);
    // fsync, rename into active/, fsync active/: after this the message survives a crash.
    void commit();
    const std::string& id() const { return id_; }

private:
    std::filesystem::path root_;
    std::string id_;
    int fd_ = -1;
    bool committed_ = false;
};

class QueueDirectory {
public:
    explicit QueueDirectory(std::filesystem::path root) : root_(std::move(root)) {}

    // Creates the subdirectories (mode 0700) and removes incoming/ files left by a crash:
    // they were never acknowledged.
    void prepare() const;

    std::vector<QueueEntry> list() const;
    std::optional<LoadedMessage> load(const std::string& id) const;   // nullopt: no such message
    void set_state(const LoadedMessage& message, std::size_t recipient, RecipientState state) const;
    // Records that the delay warning went out (no-op for files without the record).
    void set_warned(const LoadedMessage& message) const;
    // Moves the message to deferred/ with its next attempt at `when`.
    void defer(const std::string& id, std::time_t when) const;
    // Makes every deferred message due now (mailroom queue flush).
    void flush() const;
    void remove(const std::string& id) const;

    void record_defer_reason(const std::string& id, std::string_view recipient, std::string_view reason) const;
    std::map<std::string, std::string> defer_reasons(const std::string& id) const;

    // The hand-off record: mailroom's LMTP delivery appends "NONCE RECIPIENT" to handoff/ID
    // for every recipient it stored (delivery/lmtp/handoff.hpp), before it replies. After a
    // crash between that and set_state(), the recipients listed with the message's own nonce
    // were delivered already. remove() removes the record with the message.
    std::set<std::string> handed_off(const Envelope& envelope) const;
    // "X-Mailroom-Handoff: ID NONCE\n": the line the queue manager puts on top of a message it
    // hands to an LMTP server that offers handoff_keyword.
    static std::string handoff_header(const Envelope& envelope);

    const std::filesystem::path& root() const { return root_; }

private:
    std::filesystem::path find(const std::string& id, std::string* queue) const;

    std::filesystem::path root_;
};

// Queue ids are 12 upper-case hex digits (core::new_log_id); anything else is refused before
// it becomes part of a path.
bool valid_queue_id(std::string_view id);

// The LHLO keyword of an LMTP server that keeps hand-off records in this queue directory.
inline constexpr std::string_view handoff_keyword = "XMAILROOM-HANDOFF";

}  // namespace mailroom::mta
