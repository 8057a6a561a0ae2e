// mailstore/index/index_files.cpp - UID list, snapshot and transaction log files (see
// index_files.hpp for the formats' roles and crash rules).
#include "mailstore/index/index_files.hpp"

#include "core/util/strings.hpp"
#include "mailstore/index/binary_io.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mailroom::mailstore::index {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t snapshot_magic = 0x5849524d;   // "MRIX"
constexpr std::uint32_t log_magic = 0x474c524d;        // "MRLG"
constexpr std::uint32_t format_version = 1;
constexpr std::size_t max_log_record = 64u << 20;

Result<std::string> read_whole(const fs::path& path, std::uint64_t from = 0)
{
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        return errno_error(errno, "cannot open", path.string());
    std::string data;
    char buffer[65536];
    for (auto offset = static_cast<off_t>(from);;) {
        const ssize_t n = ::pread(fd.get(), buffer, sizeof buffer, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error(errno, "cannot read", path.string());
        if (n == 0)
            return data;
        data.append(buffer, static_cast<std::size_t>(n));
        offset += n;
    }
}

std::string uid_list_line(Uid uid, std::string_view key) { return std::to_string(uid) + " " + std::string(key) + "\n"; }

std::optional<std::pair<Uid, std::string>> parse_uid_list_line(std::string_view line)
{
    const auto space = line.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    const auto uid = core::parse_uint(line.substr(0, space));
    if (!uid || *uid == 0 || *uid > 0xFFFFFFFEu || space + 1 >= line.size())
        return std::nullopt;
    return std::pair{static_cast<Uid>(*uid), std::string(line.substr(space + 1))};
}

}  // namespace

IndexPaths::IndexPaths(const fs::path& dir)
    : uidlist(dir / "mailroom-uidlist"), snapshot(dir / "mailroom.index"), log(dir / "mailroom.index.log"),
      cache(dir / "mailroom.index.cache"), lock(dir / "mailroom.lock"), claim(dir / "mailroom.pop3-lock")
{
}

Result<std::optional<UidList>> read_uid_list(const fs::path& path)
{
    auto data = read_whole(path);
    if (!data) {
        if (data.error().is(Errc::not_found))
            return std::optional<UidList>();
        return data.error();
    }
    UidList list;
    std::string_view text = *data;
    const auto eol = text.find('\n');
    const auto header = core::split_list(text.substr(0, eol));
    if (eol == std::string_view::npos || header.size() != 4 || header[0] != "MRUL" || header[1] != "1" ||
        header[2].size() < 2 || header[2][0] != 'V' || header[3].size() < 2 || header[3][0] != 'N')
        return Error{make_error_code(Errc::corrupt), "unreadable UID list header in " + path.string()};
    list.uid_validity = static_cast<std::uint32_t>(core::parse_uint(header[2].substr(1)).value_or(0));
    list.uid_next = static_cast<Uid>(core::parse_uint(header[3].substr(1)).value_or(1));
    if (list.uid_validity == 0)
        return Error{make_error_code(Errc::corrupt), "bad UIDVALIDITY in " + path.string()};
    list.bytes_read = eol + 1;
    auto tail = read_uid_list_tail(path, list.bytes_read);
    if (!tail)
        return tail.error();
    list.entries = std::move(*tail);
    return std::optional<UidList>(std::move(list));
}

Result<std::vector<std::pair<Uid, std::string>>> read_uid_list_tail(const fs::path& path, std::uint64_t& from)
{
    auto data = read_whole(path, from);
    if (!data)
        return data.error();
    std::vector<std::pair<Uid, std::string>> entries;
    std::string_view text = *data;
    while (true) {
        const auto eol = text.find('\n');
        if (eol == std::string_view::npos)
            break;   // a torn last line: not yet written completely
        if (auto entry = parse_uid_list_line(text.substr(0, eol)))
            entries.push_back(std::move(*entry));
        from += eol + 1;
        text.remove_prefix(eol + 1);
    }
    return entries;
}

Result<void> append_uid_list(const fs::path& path, const std::vector<std::pair<Uid, std::string>>& entries)
{
    FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return errno_error(errno, "cannot open", path.string());
    // A torn line left by a crash would glue onto ours: start on a fresh line.
    struct stat st {};
    std::string data;
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) {
        char last = '\n';
        FileDescriptor reader(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (reader && ::pread(reader.get(), &last, 1, st.st_size - 1) == 1 && last != '\n')
            data += '\n';
    }
    for (const auto& [uid, key] : entries)
        data += uid_list_line(uid, key);
    if (auto wrote = write_all(fd.get(), data, path.string()); !wrote)
        return wrote;
    return fsync_file(fd.get(), path.string());
}

Result<void> write_uid_list(const fs::path& path, std::uint32_t uid_validity, Uid uid_next,
                            const std::vector<std::pair<Uid, std::string>>& entries)
{
    std::string data = "MRUL 1 V" + std::to_string(uid_validity) + " N" + std::to_string(uid_next) + "\n";
    for (const auto& [uid, key] : entries)
        data += uid_list_line(uid, key);
    return replace_file(path, data, true);
}

std::optional<Snapshot> read_snapshot(const fs::path& path)
{
    auto data = read_whole(path);
    if (!data || data->size() < 8)
        return std::nullopt;
    const std::string_view bytes = *data;
    ByteReader crc_in(bytes.substr(bytes.size() - 4));
    if (crc32(bytes.substr(0, bytes.size() - 4)) != crc_in.u32())
        return std::nullopt;
    ByteReader in(bytes.substr(0, bytes.size() - 4));
    if (in.u32() != snapshot_magic || in.u32() != format_version)
        return std::nullopt;
    Snapshot s;
    IndexHeader& h = s.state.header;
    h.uid_validity = in.u32().value_or(0);
    h.uid_next = in.u32().value_or(0);
    h.first_recent_uid = in.u32().value_or(0);
    const auto count = in.u32().value_or(0);
    h.highest_modseq = in.u64().value_or(0);
    s.log_id = in.u64().value_or(0);
    s.log_offset = in.u64().value_or(0);
    s.cache_id = in.u64().value_or(0);
    s.uid_list_offset = in.u64().value_or(0);
    if (in.failed() || count > bytes.size() / 72)
        return std::nullopt;
    s.state.records.resize(count);
    for (auto& r : s.state.records) {
        r.uid = in.u32().value_or(0);
        r.flags = in.u8().value_or(0);
        in.bytes(3);
        r.keywords = in.u64().value_or(0);
        r.size = in.u64().value_or(0);
        r.virtual_size = in.u64().value_or(0);
        r.internal_date = in.i64().value_or(0);
        r.modseq = in.u64().value_or(0);
        r.cache_offset = in.u64().value_or(0);
        r.location = in.u64().value_or(0);
        r.physical_length = in.u64().value_or(0);
    }
    for (const auto& r : s.state.records)
        if (const auto key = in.short_string())
            s.keys.emplace(r.uid, std::string(*key));
    const auto keyword_count = in.u16().value_or(0);
    for (std::uint16_t i = 0; i < keyword_count; ++i)
        if (const auto keyword = in.short_string())
            s.state.keywords.emplace_back(*keyword);
    if (const auto blob = in.long_string())
        s.state.sync_state = std::string(*blob);
    if (in.failed() || !in.at_end() || h.uid_validity == 0)
        return std::nullopt;
    return s;
}

Result<void> write_snapshot(const fs::path& path, const Snapshot& s)
{
    std::string data;
    data.reserve(64 + s.state.records.size() * 140);
    ByteWriter w(data);
    const IndexHeader& h = s.state.header;
    w.u32(snapshot_magic);
    w.u32(format_version);
    w.u32(h.uid_validity);
    w.u32(h.uid_next);
    w.u32(h.first_recent_uid);
    w.u32(static_cast<std::uint32_t>(s.state.records.size()));
    w.u64(h.highest_modseq);
    w.u64(s.log_id);
    w.u64(s.log_offset);
    w.u64(s.cache_id);
    w.u64(s.uid_list_offset);
    for (const auto& r : s.state.records) {
        w.u32(r.uid);
        w.u8(r.flags);
        w.u8(0);
        w.u8(0);
        w.u8(0);
        w.u64(r.keywords);
        w.u64(r.size);
        w.u64(r.virtual_size);
        w.i64(r.internal_date);
        w.u64(r.modseq);
        w.u64(r.cache_offset);
        w.u64(r.location);
        w.u64(r.physical_length);
    }
    for (const auto& r : s.state.records) {
        const auto it = s.keys.find(r.uid);
        w.short_string(it == s.keys.end() ? std::string_view() : std::string_view(it->second));
    }
    w.u16(static_cast<std::uint16_t>(s.state.keywords.size()));
    for (const auto& keyword : s.state.keywords)
        w.short_string(keyword);
    w.long_string(s.state.sync_state);
    w.u32(crc32(data));
    return replace_file(path, data, true);
}

TransactionLog::TransactionLog(TransactionLog&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), id_(other.id_), dev_(other.dev_), ino_(other.ino_)
{
    other.fd_ = -1;
}

TransactionLog& TransactionLog::operator=(TransactionLog&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = other.fd_;
        id_ = other.id_;
        dev_ = other.dev_;
        ino_ = other.ino_;
        other.fd_ = -1;
    }
    return *this;
}

TransactionLog::~TransactionLog()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Result<void> TransactionLog::replace(const fs::path& path, std::uint64_t id)
{
    std::string header;
    ByteWriter w(header);
    w.u32(log_magic);
    w.u32(format_version);
    w.u64(id);
    return replace_file(path, header, true);
}

Result<TransactionLog> TransactionLog::open(const fs::path& path, std::optional<std::uint64_t> create_id)
{
    TransactionLog log;
    log.path_ = path;
    log.fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (log.fd_ < 0 && errno == ENOENT && create_id) {
        if (auto made = replace(path, *create_id); !made)
            return made.error();
        log.fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    }
    if (log.fd_ < 0)
        return errno_error(errno, "cannot open", path.string());
    char header[log_header_size];
    struct stat st {};
    if (::pread(log.fd_, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) || ::fstat(log.fd_, &st) != 0)
        return Error{make_error_code(Errc::corrupt), "index log " + path.string() + " has no header"};
    ByteReader in(std::string_view(header, sizeof header));
    if (in.u32() != log_magic || in.u32() != format_version)
        return Error{make_error_code(Errc::corrupt), "index log " + path.string() + " has a bad header"};
    log.id_ = in.u64().value_or(0);
    log.dev_ = st.st_dev;
    log.ino_ = st.st_ino;
    return log;
}

Result<std::uint64_t> TransactionLog::read(std::uint64_t offset, const std::function<bool(std::string_view)>& apply) const
{
    offset = std::max(offset, log_header_size);
    std::string data;
    char buffer[65536];
    for (auto at = static_cast<off_t>(offset);;) {
        const ssize_t n = ::pread(fd_, buffer, sizeof buffer, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error(errno, "cannot read", path_.string());
        if (n == 0)
            break;
        data.append(buffer, static_cast<std::size_t>(n));
        at += n;
    }
    std::string_view rest = data;
    while (rest.size() >= 8) {
        ByteReader frame(rest.substr(0, 8));
        const auto length = *frame.u32();
        const auto crc = *frame.u32();
        if (length > max_log_record || rest.size() - 8 < length)
            break;   // torn or not yet complete
        const std::string_view payload = rest.substr(8, length);
        if (crc32(payload) != crc || !apply(payload))
            break;
        offset += 8 + length;
        rest.remove_prefix(8 + length);
    }
    return offset;
}

Result<std::uint64_t> TransactionLog::append(std::uint64_t valid_end, const std::vector<std::string>& payloads, bool fsync)
{
    if (::ftruncate(fd_, static_cast<off_t>(valid_end)) != 0)   // drops a torn tail, if any
        return errno_error(errno, "cannot truncate", path_.string());
    std::string data;
    for (const auto& payload : payloads) {
        ByteWriter w(data);
        w.u32(static_cast<std::uint32_t>(payload.size()));
        w.u32(crc32(payload));
        data += payload;
    }
    std::string_view rest = data;
    auto at = static_cast<off_t>(valid_end);
    while (!rest.empty()) {
        const ssize_t n = ::pwrite(fd_, rest.data(), rest.size(), at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            (void)!::ftruncate(fd_, static_cast<off_t>(valid_end));
            return errno_error(err, "cannot write", path_.string());
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
        at += n;
    }
    if (fsync)
        if (auto synced = fsync_file(fd_, path_.string()); !synced)
            return synced.error();
    return valid_end + data.size();
}

bool TransactionLog::replaced() const
{
    struct stat st {};
    return ::stat(path_.c_str(), &st) != 0 || st.st_dev != dev_ || st.st_ino != ino_;
}

std::uint64_t TransactionLog::size() const
{
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

}  // namespace mailroom::mailstore::index
