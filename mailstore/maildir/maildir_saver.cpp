// mailstore/maildir/maildir_saver.cpp - streaming saves and hard-link copies (see maildir_saver.hpp).
#include "mailstore/maildir/maildir_saver.hpp"

#include "mailstore/maildir/maildir_filename.hpp"
#include "mailstore/maildir/maildir_flags.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace mailroom::mailstore::maildir {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t write_buffer = 64 * 1024;

class MaildirSaver final : public BackendSaver {
public:
    MaildirSaver(fs::path dir, std::string base, FileDescriptor fd, std::int64_t internal_date)
        : dir_(std::move(dir)), base_(std::move(base)), fd_(std::move(fd)), internal_date_(internal_date)
    {
    }

    ~MaildirSaver() override
    {
        if (!finished_)
            ::unlink(tmp_path().c_str());
    }

    Result<void> write(std::string_view data) override
    {
        // RFC822.SIZE counts CRLF line ends: each LF without a CR before it adds one.
        for (char c : data) {
            if (c == '\n' && last_ != '\r')
                ++bare_newlines_;
            last_ = c;
        }
        size_ += data.size();
        buffer_ += data;
        if (buffer_.size() >= write_buffer)
            return flush();
        return {};
    }

    Result<SavedMessage> finish(IndexTransaction&, std::uint8_t flags, std::uint64_t keywords) override
    {
        if (auto flushed = flush(); !flushed)
            return flushed.error();
        if (auto synced = fsync_file(fd_.get(), tmp_path().string()); !synced)
            return synced.error();
        // Dovecot keeps the internal date as the file's modification time.
        const timespec times[2] = {{internal_date_, 0}, {internal_date_, 0}};
        ::futimens(fd_.get(), times);
        const std::string key = with_sizes(base_, size_, size_ + bare_newlines_);
        const std::string name = with_flags(key, info_letters(flags, keywords & 0x3ffffff, ""));
        const fs::path target = dir_ / "cur" / name;
        if (::renameat2(AT_FDCWD, tmp_path().c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0)
            return errno_error(errno, "cannot move message into", (dir_ / "cur").string());
        finished_ = true;
        if (auto synced = fsync_directory(dir_ / "cur"); !synced) {
            ::unlink(target.c_str());   // not known to be durable: refuse rather than lie
            return synced.error();
        }
        SavedMessage saved;
        saved.record.flags = flags;
        saved.record.keywords = keywords;
        saved.record.size = size_;
        saved.record.virtual_size = size_ + bare_newlines_;
        saved.record.internal_date = internal_date_;
        saved.key = key;
        return saved;
    }

private:
    fs::path tmp_path() const { return dir_ / "tmp" / base_; }

    Result<void> flush()
    {
        auto wrote = write_all(fd_.get(), buffer_, tmp_path().string());
        buffer_.clear();
        return wrote;
    }

    fs::path dir_;
    std::string base_;
    FileDescriptor fd_;
    std::int64_t internal_date_;
    std::string buffer_;
    std::uint64_t size_ = 0;
    std::uint64_t bare_newlines_ = 0;
    char last_ = 0;
    bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<BackendSaver>> make_maildir_saver(const fs::path& dir, const AppendOptions& options)
{
    const std::int64_t date = options.internal_date.value_or(std::time(nullptr));
    for (int attempt = 0; attempt < 10; ++attempt) {
        std::string base = unique_base_name();
        const fs::path tmp = dir / "tmp" / base;
        FileDescriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd)
            return std::unique_ptr<BackendSaver>(new MaildirSaver(dir, std::move(base), std::move(fd), date));
        if (errno != EEXIST)
            return errno_error(errno, "cannot create", tmp.string());
    }
    return Error{make_error_code(Errc::temporary), "cannot find a unique file name in " + (dir / "tmp").string()};
}

std::optional<Result<SavedMessage>> link_into_maildir(const fs::path& dir, const fs::path& source,
                                                      const MessageRecord& record, std::uint8_t flags,
                                                      std::uint64_t keywords)
{
    for (int attempt = 0; attempt < 10; ++attempt) {
        std::string key = unique_base_name() + ",S=" + std::to_string(record.size);
        if (record.virtual_size)
            key += ",W=" + std::to_string(record.virtual_size);
        const fs::path target = dir / "cur" / with_flags(key, info_letters(flags, keywords & 0x3ffffff, ""));
        if (::link(source.c_str(), target.c_str()) != 0) {
            if (errno == EEXIST)
                continue;
            if (errno == EXDEV || errno == EPERM || errno == EMLINK)
                return std::nullopt;
            return Result<SavedMessage>(errno_error(errno, "cannot link message into", (dir / "cur").string()));
        }
        if (auto synced = fsync_directory(dir / "cur"); !synced) {
            ::unlink(target.c_str());
            return Result<SavedMessage>(synced.error());
        }
        SavedMessage saved;
        saved.record = record;
        saved.record.uid = 0;
        saved.record.flags = flags;
        saved.record.keywords = keywords;
        saved.record.cache_offset = 0;
        saved.key = std::move(key);
        return Result<SavedMessage>(std::move(saved));
    }
    return Result<SavedMessage>(Error{make_error_code(Errc::temporary), "cannot find a unique name in " + dir.string()});
}

}  // namespace mailroom::mailstore::maildir
