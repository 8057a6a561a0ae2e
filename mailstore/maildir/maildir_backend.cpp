// mailstore/maildir/maildir_backend.cpp - Maildir as a MailboxBackend (cr.yp.to/proto/maildir.html,
// Maildir++ folders; file names and flag letters as Dovecot writes them). The index keys a
// message by its base name (before ":2,"); flags live in the file name and are changed by
// rename; other programs' deliveries, renames and deletions are found by scanning new/ and
// cur/ when their modification times say something changed.
#include "mailstore/maildir/dovecot_uidlist.hpp"
#include "mailstore/maildir/maildir_filename.hpp"
#include "mailstore/maildir/maildir_flags.hpp"
#include "mailstore/maildir/maildir_keywords.hpp"
#include "mailstore/maildir/maildir_saver.hpp"
#include "mailstore/file_content.hpp"
#include "mailstore/shared_mailbox.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <sstream>
#include <unordered_map>

namespace mailroom::mailstore::maildir {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t racy_window_ns = 2'000'000'000;   // directory changes this recent may be incomplete

std::int64_t mtime_ns(const fs::path& dir)
{
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        return -1;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::int64_t now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct ScanState {
    std::int64_t new_mtime = -2;
    std::int64_t cur_mtime = -2;
    std::int64_t scanned_at = 0;
};

ScanState parse_scan_state(const std::string& blob)
{
    ScanState s;
    std::istringstream in(blob);
    in >> s.new_mtime >> s.cur_mtime >> s.scanned_at;
    return s;
}

std::string format_scan_state(const ScanState& s)
{
    return std::to_string(s.new_mtime) + " " + std::to_string(s.cur_mtime) + " " + std::to_string(s.scanned_at);
}

struct FoundFile {
    std::string relative;   // "cur/NAME" or "new/NAME"
    std::string base;
    std::string letters;
};

std::vector<FoundFile> list_messages(const fs::path& dir)
{
    std::vector<FoundFile> files;
    for (const char* sub : {"new", "cur"}) {
        DIR* d = ::opendir((dir / sub).c_str());
        if (!d)
            continue;
        while (const dirent* entry = ::readdir(d)) {
            if (entry->d_name[0] == '.')
                continue;
            const MaildirName name = parse_maildir_name(entry->d_name);
            files.push_back({std::string(sub) + "/" + entry->d_name, std::string(name.base), std::string(name.flags)});
        }
        ::closedir(d);
    }
    return files;
}

class MaildirBackend final : public MailboxBackend {
public:
    explicit MaildirBackend(fs::path dir) : dir_(std::move(dir)) {}

    bool maybe_changed(const index::IndexState& state) override
    {
        const ScanState recorded = parse_scan_state(state.sync_state);
        const std::int64_t newest = std::max(recorded.new_mtime, recorded.cur_mtime);
        return recorded.new_mtime != mtime_ns(dir_ / "new") || recorded.cur_mtime != mtime_ns(dir_ / "cur") ||
               newest >= recorded.scanned_at - racy_window_ns;
    }

    Result<void> scan(IndexTransaction& tx, bool read_write) override;
    Result<std::unique_ptr<MessageContent>> open_content(const MessageRecord& record, std::string_view key) override;
    Result<void> write_flags(const MessageRecord& record, std::string_view key, std::uint8_t flags,
                             std::uint64_t keywords, const std::vector<std::string>& names) override;
    Result<void> remove(IndexTransaction& tx, const std::vector<Uid>& uids) override;
    Result<void> checkpoint(IndexTransaction&) override { return {}; }
    Result<std::unique_ptr<BackendSaver>> begin_save(const AppendOptions& options) override
    {
        return make_maildir_saver(dir_, options);
    }
    std::optional<Result<SavedMessage>> link_from(const fs::path& source, const MessageRecord& record,
                                                  std::uint8_t flags, std::uint64_t keywords) override
    {
        return link_into_maildir(dir_, source, record, flags, keywords);
    }
    std::optional<fs::path> message_file(const MessageRecord& record, std::string_view key) override
    {
        auto relative = locate(record, key);
        if (!relative)
            return std::nullopt;
        return dir_ / *relative;
    }
    void keywords_changed(const std::vector<std::string>& names) override
    {
        if (names.size() <= written_keywords_.size() || written_keywords_.size() >= 26)
            return;
        if (write_dovecot_keywords(dir_, names))
            written_keywords_ = names;
    }
    std::vector<WatchTarget> watch_targets() const override { return {{dir_ / "new", ""}, {dir_ / "cur", ""}}; }
    std::optional<index::UidList> uids_to_import() const override
    {
        // An unreadable file is not a reason to refuse the mailbox: its messages get new UIDs.
        auto list = read_dovecot_uidlist(dir_);
        return list ? std::move(*list) : std::nullopt;
    }

private:
    std::optional<std::string> locate(const MessageRecord& record, std::string_view base);
    void rescan_files();
    Result<void> import_keywords(IndexTransaction& tx, std::uint64_t letters_seen);

    fs::path dir_;
    std::unordered_map<std::string, std::string> files_;   // base -> "cur/NAME", from scans and our renames
    std::vector<std::string> written_keywords_;
};

void MaildirBackend::rescan_files()
{
    files_.clear();
    for (auto& file : list_messages(dir_))
        files_[file.base] = std::move(file.relative);
}

// The current name of a message's file: remembered, then the name its flags predict, then a
// fresh directory listing (another program renamed it).
std::optional<std::string> MaildirBackend::locate(const MessageRecord& record, std::string_view base)
{
    const std::string key(base);
    if (const auto it = files_.find(key); it != files_.end()) {
        struct stat st {};
        if (::lstat((dir_ / it->second).c_str(), &st) == 0)
            return it->second;
    }
    const std::string predicted = "cur/" + with_flags(key, info_letters(record.flags, record.keywords & 0x3ffffff, ""));
    struct stat st {};
    if (::lstat((dir_ / predicted).c_str(), &st) == 0) {
        files_[key] = predicted;
        return predicted;
    }
    rescan_files();
    if (const auto it = files_.find(key); it != files_.end())
        return it->second;
    return std::nullopt;
}

Result<void> MaildirBackend::import_keywords(IndexTransaction& tx, std::uint64_t letters_seen)
{
    const auto& names = tx.state().keywords;
    std::size_t needed = 0;
    for (std::size_t i = 0; i < 26; ++i)
        if (letters_seen & (std::uint64_t{1} << i))
            needed = i + 1;
    if (needed <= names.size())
        return {};
    // Letters this index does not know yet: their names are in dovecot-keywords (written
    // by Dovecot or by us before the index was lost).
    auto file_names = read_dovecot_keywords(dir_);
    std::vector<std::string> merged = names;
    for (std::size_t i = merged.size(); i < needed; ++i)
        merged.push_back(i < file_names.size() && !file_names[i].empty() ? file_names[i] : "$Keyword" + std::to_string(i));
    tx.set_keywords(merged);
    written_keywords_ = merged;
    return {};
}

Result<void> MaildirBackend::scan(IndexTransaction& tx, bool read_write)
{
    // Times first: a delivery during the listing makes the next check scan again.
    ScanState state{mtime_ns(dir_ / "new"), mtime_ns(dir_ / "cur"), now_ns()};
    if (state.new_mtime < 0 && state.cur_mtime < 0)
        return Error{make_error_code(Errc::not_found), "Maildir " + dir_.string() + " has no new/ or cur/"};
    auto found = list_messages(dir_);
    std::sort(found.begin(), found.end(),
              [](const FoundFile& a, const FoundFile& b) { return delivered_before(a.base, b.base); });
    files_.clear();
    std::unordered_map<std::string_view, const FoundFile*> by_base;
    std::uint64_t letters_seen = 0;
    for (const auto& file : found) {
        files_[file.base] = file.relative;
        by_base.emplace(file.base, &file);
        letters_seen |= parse_info_flags(file.letters).keywords;
    }
    if (auto imported = import_keywords(tx, letters_seen); !imported)
        return imported;

    std::vector<Uid> gone;
    std::unordered_map<std::string_view, Uid> known;
    for (const auto& record : tx.state().records) {
        const std::string_view key = tx.key(record.uid);
        known.emplace(key, record.uid);
        const auto it = by_base.find(key);
        if (it == by_base.end()) {
            gone.push_back(record.uid);
            continue;
        }
        const InfoFlags info = parse_info_flags(it->second->letters);
        const std::uint64_t keywords = (record.keywords & ~std::uint64_t{0x3ffffff}) | info.keywords;
        if (info.flags != record.flags || keywords != record.keywords)
            tx.set_flags(record.uid, info.flags, keywords);   // changed by another program
    }
    for (const auto& file : found) {
        if (known.contains(file.base))
            continue;
        struct stat st {};
        if (::stat((dir_ / file.relative).c_str(), &st) != 0)
            continue;   // removed again meanwhile
        const MaildirName name = parse_maildir_name(file.base);
        const InfoFlags info = parse_info_flags(file.letters);
        MessageRecord record;
        record.flags = info.flags;
        record.keywords = info.keywords;
        record.size = name.size.value_or(static_cast<std::uint64_t>(st.st_size));
        record.virtual_size = name.virtual_size.value_or(0);
        record.internal_date = st.st_mtim.tv_sec;
        tx.add_message(record, file.base);
    }
    tx.expunge(gone);
    if (read_write) {
        // As Dovecot does: a message seen by a read-write session is no longer "new".
        for (const auto& file : found) {
            if (!file.relative.starts_with("new/"))
                continue;
            const std::string target = "cur/" + with_flags(file.base, file.letters);
            if (::renameat2(AT_FDCWD, (dir_ / file.relative).c_str(), AT_FDCWD, (dir_ / target).c_str(),
                            RENAME_NOREPLACE) == 0)
                files_[file.base] = target;
        }
    }
    tx.set_sync_state(format_scan_state(state));
    return {};
}

Result<std::unique_ptr<MessageContent>> MaildirBackend::open_content(const MessageRecord& record, std::string_view key)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto relative = locate(record, key);
        if (!relative)
            return Error{make_error_code(Errc::expunged), "message " + std::to_string(record.uid) + " is gone"};
        auto content = FileContent::open(dir_ / *relative);
        if (content || !content.error().is(Errc::expunged))
            return content ? Result<std::unique_ptr<MessageContent>>(std::move(*content))
                           : Result<std::unique_ptr<MessageContent>>(content.error());
        files_.erase(std::string(key));   // renamed between locate and open: look again
    }
    return Error{make_error_code(Errc::expunged), "message " + std::to_string(record.uid) + " is gone"};
}

Result<void> MaildirBackend::write_flags(const MessageRecord& record, std::string_view key, std::uint8_t flags,
                                         std::uint64_t keywords, const std::vector<std::string>& names)
{
    keywords_changed(names);
    for (int attempt = 0; attempt < 3; ++attempt) {
        const auto relative = locate(record, key);
        if (!relative)
            return Error{make_error_code(Errc::expunged), "message " + std::to_string(record.uid) + " is gone"};
        const std::string file_name = fs::path(*relative).filename().string();   // `current` points into it
        const MaildirName current = parse_maildir_name(file_name);
        const InfoFlags info = parse_info_flags(current.flags);
        const std::string target =
            "cur/" + with_flags(key, info_letters(flags, keywords & 0x3ffffff, info.other_letters));
        if (target == *relative)
            return {};
        if (::rename((dir_ / *relative).c_str(), (dir_ / target).c_str()) == 0) {
            files_[std::string(key)] = target;
            return {};
        }
        if (errno != ENOENT)
            return errno_error(errno, "cannot rename", (dir_ / *relative).string());
        files_.erase(std::string(key));   // someone else renamed it: find it again
    }
    return Error{make_error_code(Errc::temporary), "message " + std::to_string(record.uid) + " keeps being renamed"};
}

Result<void> MaildirBackend::remove(IndexTransaction& tx, const std::vector<Uid>& uids)
{
    for (Uid uid : uids) {
        const MessageRecord* record = tx.state().find(uid);
        if (!record)
            continue;
        const std::string key(tx.key(uid));
        const auto relative = locate(*record, key);
        if (relative && ::unlink((dir_ / *relative).c_str()) != 0 && errno != ENOENT)
            return errno_error(errno, "cannot remove", (dir_ / *relative).string());
        files_.erase(key);
    }
    return {};
}

}  // namespace

}  // namespace mailroom::mailstore::maildir

namespace mailroom::mailstore {

std::optional<Result<SavedMessage>> MailboxBackend::link_from(const std::filesystem::path&, const MessageRecord&,
                                                              std::uint8_t, std::uint64_t)
{
    return std::nullopt;
}

std::optional<std::filesystem::path> MailboxBackend::message_file(const MessageRecord&, std::string_view)
{
    return std::nullopt;
}

void MailboxBackend::keywords_changed(const std::vector<std::string>&) {}

Result<std::unique_ptr<MailboxBackend>> open_maildir_backend(const std::filesystem::path& dir, bool create)
{
    struct stat st {};
    if (::stat((dir / "cur").c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (!create)
            return Error{make_error_code(Errc::not_found), "no Maildir at " + dir.string()};
        for (const auto& sub : {dir, dir / "tmp", dir / "new", dir / "cur"})
            if (::mkdir(sub.c_str(), 0700) != 0 && errno != EEXIST)
                return errno_error(errno, "cannot create", sub.string());
    }
    return std::unique_ptr<MailboxBackend>(new maildir::MaildirBackend(dir));
}

}  // namespace mailroom::mailstore
