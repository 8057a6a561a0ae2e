// mailstore/index/index_files.hpp - the files of one mailbox's index, each crash-safe:
//   mailroom-uidlist      text; UIDVALIDITY, UIDNEXT and "uid key" lines; appended with fsync.
//                         The source of truth for UIDs (like dovecot-uidlist): an index rebuilt
//                         from the mail files keeps every UID recorded here.
//   mailroom.index        binary snapshot (header, records, keys, keywords, scan state, CRC),
//                         replaced by write-new-then-rename.
//   mailroom.index.log    append-only records (length, CRC, payload) replayed on top of the
//                         snapshot; a torn last record is ignored and later cut off.
//   mailroom.index.cache  append-only bundles of parsed data per message (see cache_file.hpp).
#pragma once
#include "mailstore/errors.hpp"
#include "mailstore/index/index_state.hpp"

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>

namespace mailroom::mailstore::index {

struct IndexPaths {
    std::filesystem::path uidlist, snapshot, log, cache, lock, claim;
    explicit IndexPaths(const std::filesystem::path& dir);
};

// --- UID list ---
struct UidList {
    std::uint32_t uid_validity = 0;
    Uid uid_next = 1;                                   // from the header; entries may go beyond
    std::vector<std::pair<Uid, std::string>> entries;   // in file order (ascending UIDs)
    std::uint64_t bytes_read = 0;                       // complete lines consumed
};

// nullopt when the file does not exist; Errc::corrupt when its header is unreadable.
Result<std::optional<UidList>> read_uid_list(const std::filesystem::path& path);
// Reads entries appended after `from` (complete lines only).
Result<std::vector<std::pair<Uid, std::string>>> read_uid_list_tail(const std::filesystem::path& path,
                                                                    std::uint64_t& from);
Result<void> append_uid_list(const std::filesystem::path& path, const std::vector<std::pair<Uid, std::string>>& entries);
Result<void> write_uid_list(const std::filesystem::path& path, std::uint32_t uid_validity, Uid uid_next,
                            const std::vector<std::pair<Uid, std::string>>& entries);

// --- snapshot ---
struct Snapshot {
    IndexState state;
    KeyTable keys;
    std::uint64_t log_id = 1;
    std::uint64_t log_offset = 0;   // bytes of the log the snapshot already contains
    std::uint64_t cache_id = 1;
    std::uint64_t uid_list_offset = 0;   // UID list bytes already reflected in the state
};

// nullopt when missing or damaged (the caller rebuilds from the UID list and the files).
std::optional<Snapshot> read_snapshot(const std::filesystem::path& path);
Result<void> write_snapshot(const std::filesystem::path& path, const Snapshot& snapshot);

// --- transaction log ---
inline constexpr std::uint64_t log_header_size = 16;

class TransactionLog {
public:
    // Opens (and with `create_id`, creates when missing) the log.
    static Result<TransactionLog> open(const std::filesystem::path& path, std::optional<std::uint64_t> create_id);
    // Replaces the log by an empty one with `id` (write-new-then-rename).
    static Result<void> replace(const std::filesystem::path& path, std::uint64_t id);

    std::uint64_t id() const { return id_; }
    // Calls `apply` for each complete record from `offset`; returns the offset after the last.
    Result<std::uint64_t> read(std::uint64_t offset, const std::function<bool(std::string_view)>& apply) const;
    // Appends framed payloads at `valid_end` (cutting off any torn tail first). Caller holds the lock.
    Result<std::uint64_t> append(std::uint64_t valid_end, const std::vector<std::string>& payloads, bool fsync);
    // True when the path now names another file (the log was replaced by a compaction).
    bool replaced() const;
    std::uint64_t size() const;

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t id_ = 0;
    dev_t dev_ = 0;
    ino_t ino_ = 0;

public:
    TransactionLog() = default;
    TransactionLog(TransactionLog&& other) noexcept;
    TransactionLog& operator=(TransactionLog&& other) noexcept;
    TransactionLog(const TransactionLog&) = delete;
    ~TransactionLog();
};

}  // namespace mailroom::mailstore::index
