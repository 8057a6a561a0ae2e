// delivery/lmtp/handoff.hpp - the hand-off record that lets mailroom's own queue manager (mta/)
// deliver a message exactly once across a crash (docs/mta.md, "Crashes"). When mailroomd has a
// queue_directory, its LMTP service offers XMAILROOM-HANDOFF in the LHLO reply; the queue
// manager then puts "X-Mailroom-Handoff: ID NONCE" on top of the message. Delivery takes that
// line off (it is never stored) and keeps $queue_directory/handoff/ID, one line per event:
//
//   NONCE RECIPIENT                                        done: the recipient is delivered
//   NONCE:intent RCPT N TARGET maildir tmp/NAME new/NAME   store N is about to rename
//   NONCE:intent RCPT N TARGET mbox OFFSET LENGTH SHA256   store N is about to append
//   NONCE:cancel RCPT N TARGET                             store N's intent was undone
//   NONCE:dest KEY                                         a destination is delivered
//
// The done line goes out before the recipient's reply; the queue manager (mta/queue/
// queue_directory.hpp, handed_off()) reads only done lines - the others start with "NONCE:",
// never "NONCE " - and does not send again what they list. Intent lines are delivery's own:
// written before a store's commit step, they let the next attempt of the same hand-off finish
// or recognise a copy a crash left without its done line (journaled_store.hpp); dest lines
// (KEY is Destination::key()) carry the pipeline's duplicate elimination across attempts, so
// a destination one recipient got before a crash is not delivered again for another, nor a
// command or forward run again for its own. In those lines RCPT, TARGET and KEY are
// %XX-escaped (space, '%', control bytes); N counts the recipient's stores from 1. The format is a protocol between mta/ and delivery/, which never
// link each other. No line is fsync'd: a process crash keeps them in the page cache; only a
// power failure can lose one, which makes a second copy, never a lost one.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

namespace mailroom::delivery::lmtp {

inline constexpr std::string_view handoff_keyword = "XMAILROOM-HANDOFF";

struct Handoff {
    std::string id;      // the queue id: upper-case hex
    std::string nonce;   // the queue file's secret: hex
};

// When `message` starts with a well-formed hand-off line, removes it from the view and
// returns it; otherwise leaves the message alone.
std::optional<Handoff> take_handoff_line(std::string_view& message);

// One store of a recipient's delivery, as announced before its commit step.
struct StoreIntent {
    enum class Kind { maildir, mbox };
    std::size_t ordinal = 0;   // the recipient's how-manyth store, from 1
    std::string target;        // the Maildir directory or mbox file the action named
    Kind kind = Kind::maildir;
    std::string tmp_name;      // maildir: "tmp/NAME"
    std::string new_name;      // maildir: "new/NAME" (or "cur/NAME")
    std::uint64_t offset = 0;  // mbox: the file's size before the append
    std::uint64_t length = 0;  // mbox: the bytes appended
    std::string digest;        // mbox: their SHA-256, lower-case hex
};

// The record of one handed-off message, open for the length of one LMTP transaction. Not
// thread-safe: the session delivers its recipients one after the other.
class HandoffRecord {
public:
    // Opens (creating, 0600) queue_directory/handoff/ID and reads what earlier attempts of
    // this hand-off wrote. The descriptor stays open, so lines can be added while delivery
    // runs with a mailbox owner's file-system identity. Throws std::system_error.
    HandoffRecord(const std::filesystem::path& queue_directory, const Handoff& handoff);
    ~HandoffRecord();
    HandoffRecord(const HandoffRecord&) = delete;
    HandoffRecord& operator=(const HandoffRecord&) = delete;

    bool done(std::string_view recipient) const;
    // The destinations (Destination::key()) earlier attempts delivered, for any recipient.
    const std::set<std::string>& delivered_destinations() const { return destinations_; }
    // The last intent recorded for this store, unless it was cancelled after.
    std::optional<StoreIntent> intent(std::string_view recipient, std::size_t ordinal, std::string_view target) const;

    // Each appends one line with one write() (O_APPEND: concurrent writers never interleave).
    // Throw std::system_error when the line cannot be written.
    void record_done(std::string_view recipient);
    void record_intent(std::string_view recipient, const StoreIntent& intent);
    void record_cancel(std::string_view recipient, std::size_t ordinal, std::string_view target);
    void record_destination(std::string_view key);

private:
    using Key = std::tuple<std::string, std::size_t, std::string>;
    void append(const std::string& line);
    void read_line(std::string_view line);

    std::filesystem::path path_;
    std::string nonce_;
    int fd_ = -1;
    std::set<std::string, std::less<>> done_;
    std::set<std::string> destinations_;
    std::map<Key, std::optional<StoreIntent>> intents_;   // nullopt: cancelled
};

}  // namespace mailroom::delivery::lmtp
