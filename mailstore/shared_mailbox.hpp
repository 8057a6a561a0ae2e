// mailstore/shared_mailbox.hpp - the one object per mailbox per process that every view of
// the mailbox shares: its index, its backend, the mutex that serializes them, the change
// subscribers (IMAP IDLE) and the inotify watch. Found through a process-wide registry.
#pragma once
#include "mailstore/backend.hpp"
#include "mailstore/change_watcher.hpp"

#include <atomic>
#include <map>
#include <mutex>

namespace mailroom::mailstore {

struct MailboxPaths {
    std::string name;                   // canonical API name, for messages
    MailFormat format = MailFormat::maildir;
    std::filesystem::path mailbox;      // Maildir directory or mbox file
    std::filesystem::path index_dir;
};

class SharedMailbox {
public:
    // The shared object for `paths`, opening index and backend on first use. `create`: a
    // missing Maildir is created (INBOX); otherwise a missing mailbox is Errc::not_found.
    static Result<std::shared_ptr<SharedMailbox>> get(const MailboxPaths& paths, const StoreOptions& options,
                                                      bool create);
    ~SharedMailbox();

    std::mutex& mutex() { return mutex_; }
    const MailboxPaths& paths() const { return paths_; }
    index::MailboxIndex& index() { return *index_; }
    MailboxBackend& backend() { return *backend_; }

    // (mutex held) Picks up what other processes did: the index log, and the files when the
    // backend says they may have changed (or after a rebuild).
    Result<void> synchronize(bool read_write);

    std::uint64_t subscribe(std::function<void()> callback);
    void unsubscribe(std::uint64_t id);
    void notify();                      // tells every subscriber that something changed
    bool watched() const { return file_watch_ != nullptr && index_watch_ != nullptr; }

    // The POP3 maildrop claim: one holder per mailbox across threads and processes.
    Result<std::unique_ptr<MailboxView::ExclusiveClaim>> claim_exclusive();

    // Queued virtual sizes (computed lazily), written with the next transaction.
    void queue_virtual_size(Uid uid, std::uint64_t size);
    Result<void> flush_pending();       // (mutex held) cache bundles and virtual sizes

private:
    SharedMailbox() = default;
    void start_watching();

    MailboxPaths paths_;
    std::mutex mutex_;
    std::unique_ptr<index::MailboxIndex> index_;
    std::unique_ptr<MailboxBackend> backend_;
    std::mutex subscribers_mutex_;
    std::map<std::uint64_t, std::function<void()>> subscribers_;
    std::uint64_t next_subscriber_ = 1;
    std::vector<std::pair<Uid, std::uint64_t>> pending_virtual_sizes_;
    std::atomic<bool> claimed_{false};
    // Changes inotify reported in the mail files, and their count when the files were last
    // known to match the index: while the two agree, synchronize() looks at no file at all.
    std::atomic<std::uint64_t> file_events_{0};
    std::optional<std::uint64_t> files_checked_at_event_;
    // Last: destroyed first, before what their callbacks use. The index has a watch of its own
    // so that this process's index writes wake the sessions without rescanning the files.
    std::unique_ptr<WatchHandle> index_watch_;
    std::unique_ptr<WatchHandle> file_watch_;
};

// Backend factories (mailstore/maildir, mailstore/mbox).
Result<std::unique_ptr<MailboxBackend>> open_maildir_backend(const std::filesystem::path& dir, bool create);
Result<std::unique_ptr<MailboxBackend>> open_mbox_backend(const std::filesystem::path& file,
                                                          const std::filesystem::path& index_dir,
                                                          const StoreOptions& options);

}  // namespace mailroom::mailstore
