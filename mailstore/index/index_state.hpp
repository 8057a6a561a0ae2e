// mailstore/index/index_state.hpp - the in-memory state of one mailbox's index: header
// counters, the message records in UID order and the keyword names. An IndexState is
// immutable once published; views hold shared pointers to the version they last synced to.
// Backend keys (a Maildir file name, an mbox message fingerprint) live in a KeyTable beside
// it, so flag changes need not copy them.
#pragma once
#include "mailstore/store.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace mailroom::mailstore::index {

struct IndexHeader {
    std::uint32_t uid_validity = 0;
    Uid uid_next = 1;
    Uid first_recent_uid = 1;   // messages from here on are \Recent and not yet claimed
    ModSeq highest_modseq = 1;
};

struct IndexState {
    IndexHeader header;
    std::vector<MessageRecord> records;   // ascending UIDs
    std::vector<std::string> keywords;
    std::string sync_state;               // the backend's record of what it last scanned

    const MessageRecord* find(Uid uid) const;
    MessageRecord* find(Uid uid);
};

using KeyTable = std::unordered_map<Uid, std::string>;

// Log record types (mailstore/index/transaction_log.hpp frames them).
enum class LogRecord : std::uint8_t {
    append = 1,       // a new message: its record and key
    update = 2,       // flags and keywords of messages, with the new modseq
    expunge = 3,      // messages removed
    cache = 4,        // cache offsets of messages
    keywords = 5,     // the full keyword name list
    recent = 6,       // first_recent_uid
    vsize = 7,        // virtual sizes computed later
    relocate = 8,     // a message's location and length changed (mbox rewrite)
    sync_state = 9,   // the backend's scan state
};

// Encoders for log payloads, and the one function that applies any payload to a state.
std::string encode_append(const MessageRecord& record, std::string_view key);
std::string encode_update(ModSeq modseq, const std::vector<MessageRecord>& records);
std::string encode_expunge(ModSeq modseq, const std::vector<Uid>& uids);
std::string encode_cache(const std::vector<std::pair<Uid, std::uint64_t>>& offsets);
std::string encode_keywords(const std::vector<std::string>& keywords);
std::string encode_recent(Uid first_recent_uid);
std::string encode_vsize(const std::vector<std::pair<Uid, std::uint64_t>>& sizes);
std::string encode_relocate(Uid uid, std::uint64_t location, std::uint64_t length);
std::string encode_sync_state(std::string_view blob);

// false when the payload is malformed (the log is then treated as ending before it).
bool apply_log_record(std::string_view payload, IndexState& state, KeyTable& keys);

}  // namespace mailroom::mailstore::index
