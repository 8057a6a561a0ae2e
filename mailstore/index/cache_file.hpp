// mailstore/index/cache_file.hpp - mailroom.index.cache: append-only bundles of parsed data
// (all cached fields of one message together: envelope, body structure, header fields...),
// each framed with its length, CRC and UID. A record's cache_offset points at its latest
// bundle; older bundles are dead space until the index is compacted. Appends use O_APPEND
// and one write per batch, so concurrent writers never interleave.
#pragma once
#include "mailstore/errors.hpp"
#include "mailstore/store.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace mailroom::mailstore::index {

using CacheFields = std::vector<std::pair<std::string, std::string>>;   // field name, value

class CacheFile {
public:
    CacheFile() = default;
    CacheFile(CacheFile&& other) noexcept;
    CacheFile& operator=(CacheFile&& other) noexcept;
    CacheFile(const CacheFile&) = delete;
    ~CacheFile();

    // Opens the cache; a missing file, or one whose id is not `id`, is recreated empty.
    static Result<CacheFile> open(const std::filesystem::path& path, std::uint64_t id);

    // Appends one bundle per (uid, fields); returns their offsets in the same order.
    Result<std::vector<std::uint64_t>> append(const std::vector<std::pair<Uid, CacheFields>>& bundles);
    // The fields at `offset` if a valid bundle for `uid` is there.
    std::optional<CacheFields> read(std::uint64_t offset, Uid uid) const;
    // Only the value of `field` from that bundle (one read, one copy: what FETCH and SEARCH
    // ask for each message).
    std::optional<std::string> read_field(std::uint64_t offset, Uid uid, std::string_view field) const;
    std::uint64_t size() const;
    // Bundles this process wrote itself (append(), rewrite_cache()) need no CRC check.
    void trust(const std::vector<std::uint64_t>& offsets);

private:
    // The checked payload (after the uid) of the bundle at `offset`, and `size` bytes at
    // `offset`, from window_: valid until the next call. Not reentrant, like the rest of the
    // index (its owner serializes calls).
    std::optional<std::string_view> payload(std::uint64_t offset, Uid uid) const;
    std::optional<std::string_view> bytes_at(std::uint64_t offset, std::size_t size) const;

    std::filesystem::path path_;
    int fd_ = -1;
    // The file's bytes at [window_offset_, + size()) as last read: bytes once written never
    // change, and bundles appended later lie past the end of what was read.
    mutable std::string window_;
    mutable std::uint64_t window_offset_ = 0;
    // Offsets of bundles whose CRC matched once: bundles are never changed after they are
    // written (a rewrite makes a new file), so each is checked once per open.
    mutable std::unordered_set<std::uint64_t> verified_;
};

// Rewrites the cache with only the bundles still referenced, under a new id (used by index
// compaction). `offsets` maps uid -> old offset and is updated in place to the new offsets.
Result<void> rewrite_cache(const std::filesystem::path& path, std::uint64_t new_id, const CacheFile& old,
                           std::vector<std::pair<Uid, std::uint64_t>>& offsets);

}  // namespace mailroom::mailstore::index
