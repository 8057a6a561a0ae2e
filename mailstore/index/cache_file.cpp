// mailstore/index/cache_file.cpp - the append-only parsed-data cache (see cache_file.hpp).
#include "mailstore/index/cache_file.hpp"

#include "mailstore/index/binary_io.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace mailroom::mailstore::index {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t cache_magic = 0x4143524d;   // "MRCA"
constexpr std::uint64_t cache_header_size = 16;
constexpr std::uint32_t max_bundle = 16u << 20;
// Bytes read at once: the bundles of messages cached together lie together, and FETCH and
// SEARCH go through messages in order, so one read serves many messages.
constexpr std::size_t read_ahead = 64 * 1024;

std::string header(std::uint64_t id)
{
    std::string out;
    ByteWriter w(out);
    w.u32(cache_magic);
    w.u32(1);
    w.u64(id);
    return out;
}

std::string frame(Uid uid, const CacheFields& fields)
{
    std::string payload;
    ByteWriter pw(payload);
    pw.u32(uid);
    for (const auto& [name, value] : fields) {
        pw.short_string(name);
        pw.long_string(value);
    }
    std::string out;
    ByteWriter w(out);
    w.u32(static_cast<std::uint32_t>(payload.size()));
    w.u32(crc32(payload));
    out += payload;
    return out;
}

// A cache is rebuilt when lost: no fsync.
Result<void> create_empty(const fs::path& path, std::uint64_t id) { return replace_file(path, header(id), false); }

}  // namespace

CacheFile::CacheFile(CacheFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), window_(std::move(other.window_)),
      window_offset_(other.window_offset_), verified_(std::move(other.verified_))
{
    other.fd_ = -1;
}

CacheFile& CacheFile::operator=(CacheFile&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = other.fd_;
        window_ = std::move(other.window_);
        window_offset_ = other.window_offset_;
        verified_ = std::move(other.verified_);
        other.fd_ = -1;
    }
    return *this;
}

CacheFile::~CacheFile()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Result<CacheFile> CacheFile::open(const fs::path& path, std::uint64_t id)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        CacheFile cache;
        cache.path_ = path;
        cache.fd_ = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
        char head[cache_header_size];
        if (cache.fd_ >= 0 && ::pread(cache.fd_, head, sizeof head, 0) == static_cast<ssize_t>(sizeof head) &&
            std::string_view(head, sizeof head) == header(id))
            return cache;
        if (cache.fd_ < 0 && errno != ENOENT)
            return errno_error(errno, "cannot open", path.string());
        if (auto made = create_empty(path, id); !made)
            return made.error();
    }
    return Error{make_error_code(Errc::corrupt), "cannot set up cache " + path.string()};
}

Result<std::vector<std::uint64_t>> CacheFile::append(const std::vector<std::pair<Uid, CacheFields>>& bundles)
{
    std::string data;
    std::vector<std::uint64_t> relative;
    for (const auto& [uid, fields] : bundles) {
        relative.push_back(data.size());
        data += frame(uid, fields);
    }
    if (auto wrote = write_all(fd_, data, path_.string()); !wrote)
        return wrote.error();
    // O_APPEND: the file position is now just past our data, wherever it landed.
    const off_t end = ::lseek(fd_, 0, SEEK_CUR);
    if (end < 0)
        return errno_error(errno, "cannot seek", path_.string());
    const std::uint64_t start = static_cast<std::uint64_t>(end) - data.size();
    for (auto& offset : relative)
        offset += start;
    trust(relative);
    return relative;
}

void CacheFile::trust(const std::vector<std::uint64_t>& offsets) { verified_.insert(offsets.begin(), offsets.end()); }

std::optional<std::string_view> CacheFile::bytes_at(std::uint64_t offset, std::size_t size) const
{
    if (offset >= window_offset_ && offset - window_offset_ + size <= window_.size())
        return std::string_view(window_).substr(static_cast<std::size_t>(offset - window_offset_), size);
    if (window_.capacity() > 4 * read_ahead)
        window_ = std::string();   // a big bundle's buffer is not kept
    window_.resize(std::max(size, read_ahead));
    const ssize_t got = ::pread(fd_, window_.data(), window_.size(), static_cast<off_t>(offset));
    window_.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    window_offset_ = offset;
    if (window_.size() < size)
        return std::nullopt;
    return std::string_view(window_).substr(0, size);
}

std::optional<std::string_view> CacheFile::payload(std::uint64_t offset, Uid uid) const
{
    if (offset < cache_header_size)
        return std::nullopt;
    const auto frame = bytes_at(offset, 8);
    if (!frame)
        return std::nullopt;
    ByteReader frame_in(*frame);
    const auto length = *frame_in.u32();
    const auto crc = *frame_in.u32();
    if (length > max_bundle || length < 4)
        return std::nullopt;
    const auto bundle = bytes_at(offset, 8 + std::size_t{length});
    if (!bundle)
        return std::nullopt;
    const std::string_view payload = bundle->substr(8);
    if (!verified_.contains(offset)) {
        if (crc32(payload) != crc) {
            window_.clear();   // perhaps read while it was being written: read again next time
            return std::nullopt;
        }
        verified_.insert(offset);
    }
    ByteReader in(payload);
    if (in.u32() != uid)
        return std::nullopt;
    return payload.substr(4);
}

std::optional<CacheFields> CacheFile::read(std::uint64_t offset, Uid uid) const
{
    const auto fields_in = payload(offset, uid);
    if (!fields_in)
        return std::nullopt;
    ByteReader in(*fields_in);
    CacheFields fields;
    while (!in.at_end()) {
        const auto name = in.short_string();
        const auto value = in.long_string();
        if (in.failed())
            return std::nullopt;
        fields.emplace_back(std::string(*name), std::string(*value));
    }
    return fields;
}

std::optional<std::string> CacheFile::read_field(std::uint64_t offset, Uid uid, std::string_view field) const
{
    const auto fields_in = payload(offset, uid);
    if (!fields_in)
        return std::nullopt;
    ByteReader in(*fields_in);
    while (!in.at_end()) {
        const auto name = in.short_string();
        const auto value = in.long_string();
        if (in.failed())
            return std::nullopt;
        if (*name == field)
            return std::string(*value);
    }
    return std::nullopt;
}

std::uint64_t CacheFile::size() const
{
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

Result<void> rewrite_cache(const fs::path& path, std::uint64_t new_id, const CacheFile& old,
                           std::vector<std::pair<Uid, std::uint64_t>>& offsets)
{
    std::string data = header(new_id);
    for (auto& [uid, offset] : offsets) {
        const auto fields = old.read(offset, uid);
        if (!fields) {
            offset = 0;
            continue;
        }
        offset = data.size();
        data += frame(uid, *fields);
    }
    return replace_file(path, data, false);
}

}  // namespace mailroom::mailstore::index
