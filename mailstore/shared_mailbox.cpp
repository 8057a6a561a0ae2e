// mailstore/shared_mailbox.cpp - the per-process shared state of a mailbox (see shared_mailbox.hpp).
#include "mailstore/shared_mailbox.hpp"

#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace mailroom::mailstore {
namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::weak_ptr<SharedMailbox>> open;
};

Registry& registry()
{
    static Registry r;
    return r;
}

class Claim final : public MailboxView::ExclusiveClaim {
public:
    Claim(std::atomic<bool>& claimed, FileDescriptor fd) : claimed_(claimed), fd_(std::move(fd)) {}
    ~Claim() override { claimed_ = false; }   // closing the file drops the fcntl lock

private:
    std::atomic<bool>& claimed_;
    FileDescriptor fd_;
};

}  // namespace

Result<std::shared_ptr<SharedMailbox>> SharedMailbox::get(const MailboxPaths& paths, const StoreOptions& options,
                                                          bool create)
{
    auto& r = registry();
    const std::string key = paths.index_dir.string();
    {
        std::lock_guard lock(r.mutex);
        if (auto existing = r.open[key].lock())
            return existing;
    }
    // Opened without the registry lock (it reads files), so a failure's destructor may take it.
    std::shared_ptr<SharedMailbox> box(new SharedMailbox());
    box->paths_ = paths;
    auto backend = paths.format == MailFormat::maildir ? open_maildir_backend(paths.mailbox, create)
                                                       : open_mbox_backend(paths.mailbox, paths.index_dir, options);
    if (!backend)
        return backend.error();
    box->backend_ = std::move(*backend);
    auto index = index::MailboxIndex::open(paths.index_dir, options.lock_timeout,
                                           [backend = box->backend_.get()] { return backend->uids_to_import(); });
    if (!index)
        return index.error();
    box->index_ = std::move(*index);
    box->start_watching();
    std::shared_ptr<SharedMailbox> winner;
    {
        std::lock_guard lock(r.mutex);
        winner = r.open[key].lock();   // another thread may have opened it meanwhile
        if (!winner)
            r.open[key] = winner = box;
    }
    return winner;   // `box`, if it lost the race, is released here, outside the lock
}

SharedMailbox::~SharedMailbox()
{
    file_watch_.reset();
    index_watch_.reset();
    if (index_) {
        std::lock_guard lock(mutex_);
        (void)flush_pending();
    }
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = r.open.find(paths_.index_dir.string());
    if (it != r.open.end() && it->second.expired())
        r.open.erase(it);
}

void SharedMailbox::start_watching()
{
    std::vector<std::pair<std::filesystem::path, std::string>> targets;
    for (const auto& target : backend_->watch_targets())
        targets.emplace_back(target.directory, target.name);
    file_watch_ = watch_directories(targets, [this] {
        ++file_events_;
        notify();
    });
    index_watch_ = watch_directories({{paths_.index_dir, "mailroom.index.log"}, {paths_.index_dir, "mailroom.index"}},
                                     [this] { notify(); });
}

Result<void> SharedMailbox::synchronize(bool read_write)
{
    if (auto refreshed = index_->refresh(); !refreshed)
        return refreshed.error();
    // Read before looking at the files: an event arriving meanwhile leaves the count ahead.
    const std::uint64_t events = file_events_.load();
    if (!index_->needs_rescan() && file_watch_ && files_checked_at_event_ == events)
        return {};
    // inotify said the files changed since they were last checked: scan, whatever the
    // directories' times say (a change inside their timestamp granularity leaves them alone).
    // Without such news (the first look, or no watch), the backend's cheap check decides.
    const bool reported = file_watch_ && files_checked_at_event_ && *files_checked_at_event_ != events;
    if (!index_->needs_rescan() && !reported && !backend_->maybe_changed(*index_->state())) {
        files_checked_at_event_ = events;
        return {};
    }
    auto tx = index_->begin();
    if (!tx)
        return tx.error();
    const bool rebuilding = tx->rebuilding();
    if (auto scanned = backend_->scan(*tx, read_write); !scanned)
        return scanned.error();
    if (rebuilding)
        tx->mark_rescanned();
    for (const auto& [uid, size] : pending_virtual_sizes_)
        if (tx->state().find(uid))
            tx->set_virtual_size(uid, size);
    pending_virtual_sizes_.clear();
    const bool changed = tx->changed();
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    files_checked_at_event_ = events;
    if (changed)
        notify();
    return {};
}

std::uint64_t SharedMailbox::subscribe(std::function<void()> callback)
{
    std::lock_guard lock(subscribers_mutex_);
    const auto id = next_subscriber_++;
    subscribers_.emplace(id, std::move(callback));
    return id;
}

void SharedMailbox::unsubscribe(std::uint64_t id)
{
    std::lock_guard lock(subscribers_mutex_);
    subscribers_.erase(id);
}

void SharedMailbox::notify()
{
    std::lock_guard lock(subscribers_mutex_);
    for (auto& [id, callback] : subscribers_)
        callback();
}

Result<std::unique_ptr<MailboxView::ExclusiveClaim>> SharedMailbox::claim_exclusive()
{
    if (claimed_.exchange(true))
        return Error{make_error_code(Errc::in_use), "mailbox " + paths_.name + " is in use by another session"};
    const auto path = index::IndexPaths(paths_.index_dir).claim;
    FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    struct flock request {};
    request.l_type = F_WRLCK;
    request.l_whence = SEEK_SET;
    if (!fd || ::fcntl(fd.get(), F_SETLK, &request) != 0) {
        const int err = errno;
        claimed_ = false;
        if (fd && (err == EAGAIN || err == EACCES))
            return Error{make_error_code(Errc::in_use), "mailbox " + paths_.name + " is in use by another session"};
        return errno_error(err, "cannot lock", path.string());
    }
    return std::unique_ptr<MailboxView::ExclusiveClaim>(new Claim(claimed_, std::move(fd)));
}

void SharedMailbox::queue_virtual_size(Uid uid, std::uint64_t size) { pending_virtual_sizes_.emplace_back(uid, size); }

Result<void> SharedMailbox::flush_pending()
{
    if (pending_virtual_sizes_.empty())
        return index_->flush_cache();
    auto tx = index_->begin();
    if (!tx)
        return tx.error();
    for (const auto& [uid, size] : pending_virtual_sizes_)
        if (tx->state().find(uid))
            tx->set_virtual_size(uid, size);
    pending_virtual_sizes_.clear();
    return tx->commit();   // also writes queued cache bundles
}

}  // namespace mailroom::mailstore
