// mailstore/user_store.cpp - UserStore over the disk: opening mailboxes into shared views,
// STATUS, APPEND (streamed, line ends made LF, quota checked, durable before the UID is
// returned), COPY/MOVE (hard links between Maildirs), and the hierarchy operations of
// mailbox_list.hpp.
#include "mailstore/mailbox_list.hpp"
#include "mailstore/mailbox_view.hpp"

#include <algorithm>

namespace mailroom::mailstore {
namespace {

class StoreSaver final : public Saver {
public:
    StoreSaver(std::shared_ptr<SharedMailbox> box, std::unique_ptr<BackendSaver> backend, AppendOptions options,
               const MailLocation& location, QuotaLimit quota)
        : box_(std::move(box)), backend_(std::move(backend)), options_(std::move(options)), location_(location),
          quota_(quota)
    {
    }

    // CRLF -> LF, remembering a CR at the end of a chunk.
    Result<void> write(std::string_view chunk) override
    {
        std::string lf;
        lf.reserve(chunk.size() + 1);
        for (char c : chunk) {
            if (pending_cr_ && c != '\n')
                lf += '\r';
            pending_cr_ = c == '\r';
            if (!pending_cr_)
                lf += c;
        }
        size_ += lf.size();
        return backend_->write(lf);
    }

    Result<AppendResult> commit() override
    {
        if (pending_cr_) {
            pending_cr_ = false;
            ++size_;
            if (auto wrote = backend_->write("\r"); !wrote)
                return wrote.error();
        }
        if (auto fits = check_quota(location_, quota_, size_); !fits)
            return fits.error();
        std::lock_guard lock(box_->mutex());
        auto tx = box_->index().begin();
        if (!tx)
            return tx.error();
        std::vector<std::string> names = tx->state().keywords;
        const auto bits = keyword_bits(options_.keywords, names, true);
        if (!bits)
            return Error{make_error_code(Errc::too_big), "too many keywords in mailbox " + box_->paths().name};
        if (names != tx->state().keywords) {
            tx->set_keywords(names);
            box_->backend().keywords_changed(names);
        }
        auto saved = backend_->finish(*tx, options_.flags, *bits);
        if (!saved)
            return saved.error();
        const Uid uid = tx->add_message(saved->record, saved->key);
        const auto validity = tx->state().header.uid_validity;
        if (auto committed = tx->commit(); !committed)
            return committed.error();
        (void)record_quota_change(location_, quota_, static_cast<std::int64_t>(saved->record.size), 1);
        box_->notify();
        return AppendResult{validity, uid};
    }

private:
    std::shared_ptr<SharedMailbox> box_;
    std::unique_ptr<BackendSaver> backend_;
    AppendOptions options_;
    const MailLocation& location_;
    QuotaLimit quota_;
    std::uint64_t size_ = 0;
    bool pending_cr_ = false;
};

class DiskStore final : public UserStore {
public:
    DiskStore(MailLocation location, StoreOptions options) : location_(std::move(location)), options_(std::move(options)) {}

    const MailLocation& location() const override { return location_; }
    const QuotaLimit& quota_limit() const override { return options_.quota; }
    Result<QuotaUsage> quota_usage() override { return mailstore::quota_usage(location_, options_.quota); }

    Result<std::shared_ptr<SharedMailbox>> shared(std::string_view name)
    {
        auto paths = mailbox_paths(location_, name);
        if (!paths)
            return paths.error();
        const bool inbox = paths->name == "INBOX";
        if (!inbox && !mailbox_exists(*paths))
            return Error{make_error_code(Errc::not_found), "no mailbox " + paths->name};
        return SharedMailbox::get(*paths, options_, inbox);
    }

    Result<std::unique_ptr<MailboxView>> open(std::string_view name, bool read_only) override
    {
        auto box = shared(name);
        if (!box)
            return box.error();
        auto view = StoreView::open(std::move(*box), read_only);
        if (!view)
            return view.error();
        return std::unique_ptr<MailboxView>(std::move(*view));
    }

    Result<MailboxStatus> status(std::string_view name) override;
    Result<std::unique_ptr<Saver>> begin_append(std::string_view name, const AppendOptions& options) override;
    Result<CopyResult> copy(MailboxView& source, std::span<const Uid> uids, std::string_view target, bool move) override;

    Result<std::vector<MailboxListEntry>> list() override { return list_mailboxes(location_); }

    Result<void> create(std::string_view name) override
    {
        auto paths = mailbox_paths(location_, name);
        return paths ? create_mailbox(location_, *paths) : Result<void>(paths.error());
    }

    Result<void> remove(std::string_view name) override
    {
        auto paths = mailbox_paths(location_, name);
        return paths ? delete_mailbox(location_, *paths) : Result<void>(paths.error());
    }

    Result<void> rename(std::string_view from, std::string_view to) override;

    Result<void> set_subscribed(std::string_view name, bool subscribed) override
    {
        auto paths = mailbox_paths(location_, name);
        if (!paths)
            return paths.error();
        auto names = read_subscriptions(location_);
        std::erase(names, paths->name);
        if (subscribed)
            names.push_back(paths->name);
        return write_subscriptions(location_, names);
    }

    Result<std::vector<std::string>> subscriptions() override { return read_subscriptions(location_); }

private:
    Result<void> rename_inbox(const std::string& to);

    MailLocation location_;
    StoreOptions options_;
};

Result<MailboxStatus> DiskStore::status(std::string_view name)
{
    auto box = shared(name);
    if (!box)
        return box.error();
    std::lock_guard lock((*box)->mutex());
    if (auto synced = (*box)->synchronize(false); !synced)
        return synced.error();
    const auto state = (*box)->index().state();
    MailboxStatus status;
    status.messages = static_cast<std::uint32_t>(state->records.size());
    status.uid_next = state->header.uid_next;
    status.uid_validity = state->header.uid_validity;
    status.highest_modseq = state->header.highest_modseq;
    for (const auto& r : state->records) {
        status.recent += r.uid >= state->header.first_recent_uid;
        status.unseen += !(r.flags & flag_seen);
        status.deleted += (r.flags & flag_deleted) != 0;
        status.size += r.virtual_size ? r.virtual_size : r.size;
    }
    return status;
}

Result<std::unique_ptr<Saver>> DiskStore::begin_append(std::string_view name, const AppendOptions& options)
{
    auto box = shared(name);
    if (!box)
        return box.error();
    auto backend = (*box)->backend().begin_save(options);
    if (!backend)
        return backend.error();
    return std::unique_ptr<Saver>(new StoreSaver(std::move(*box), std::move(*backend), options, location_, options_.quota));
}

Result<CopyResult> DiskStore::copy(MailboxView& source_view, std::span<const Uid> uids, std::string_view target_name,
                                   bool move)
{
    auto* source = dynamic_cast<StoreView*>(&source_view);
    auto target = shared(target_name);
    if (!target)
        return target.error();
    std::vector<Uid> wanted(uids.begin(), uids.end());
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::uint64_t total = 0;
    for (Uid uid : wanted)
        if (const MessageRecord* r = source_view.find(uid))
            total += r->size;
    if (auto fits = check_quota(location_, options_.quota, total); !fits)
        return fits.error();

    // Read what is needed from the source first, then write the target: the two mailboxes'
    // locks are never held together.
    struct Item {
        MessageRecord record;
        std::vector<std::string> keywords;
        std::optional<std::filesystem::path> file;
    };
    std::vector<Item> items;
    {
        SharedMailbox& box = source->shared();
        std::lock_guard lock(box.mutex());
        for (Uid uid : wanted) {
            const MessageRecord* r = source_view.find(uid);
            const auto key = box.index().keys().find(uid);
            if (!r || key == box.index().keys().end())
                continue;
            items.push_back({*r, keyword_list(r->keywords, source_view.keyword_names()),
                             box.backend().message_file(*r, key->second)});
        }
    }
    CopyResult result;
    std::lock_guard lock((*target)->mutex());
    auto tx = (*target)->index().begin();
    if (!tx)
        return tx.error();
    result.target_uid_validity = tx->state().header.uid_validity;
    std::vector<std::string> names = tx->state().keywords;
    for (const auto& item : items) {
        const auto bits = keyword_bits(item.keywords, names, true).value_or(0);
        std::optional<Result<SavedMessage>> saved;
        if (item.file)
            saved = (*target)->backend().link_from(*item.file, item.record, item.record.flags, bits);
        if (!saved) {
            auto content = source_view.open_content(item.record.uid);
            if (!content && content.error().is(Errc::expunged))
                continue;
            if (!content)
                return content.error();
            auto data = (*content)->read_all();
            if (!data)
                return data.error();
            AppendOptions options;
            options.internal_date = item.record.internal_date;
            auto backend = (*target)->backend().begin_save(options);
            if (!backend)
                return backend.error();
            if (auto wrote = (*backend)->write(*data); !wrote)
                return wrote.error();
            saved = (*backend)->finish(*tx, item.record.flags, bits);
        }
        if (!*saved)
            return saved->error();
        result.source_uids.push_back(item.record.uid);
        result.target_uids.push_back(tx->add_message((*saved)->record, (*saved)->key));
    }
    if (names != tx->state().keywords) {
        tx->set_keywords(names);
        (*target)->backend().keywords_changed(names);
    }
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    (void)record_quota_change(location_, options_.quota, static_cast<std::int64_t>(total),
                              static_cast<std::int64_t>(result.target_uids.size()));
    (*target)->notify();
    if (move && source)
        if (auto removed = source->remove_messages(result.source_uids); !removed)
            return removed.error();
    return result;
}

// RFC 3501 6.3.5: renaming INBOX moves its messages to the new mailbox and leaves INBOX empty.
Result<void> DiskStore::rename_inbox(const std::string& to)
{
    if (auto created = create(to); !created)
        return created;
    auto inbox = open("INBOX", false);
    if (!inbox)
        return inbox.error();
    std::vector<Uid> all;
    for (const auto& r : (*inbox)->messages())
        all.push_back(r.uid);
    auto copied = copy(**inbox, all, to, true);
    return copied ? Result<void>() : Result<void>(copied.error());
}

Result<void> DiskStore::rename(std::string_view from, std::string_view to)
{
    auto from_paths = mailbox_paths(location_, from);
    auto to_paths = mailbox_paths(location_, to);
    if (!from_paths || !to_paths)
        return from_paths ? to_paths.error() : from_paths.error();
    if (to_paths->name == "INBOX")
        return Error{make_error_code(Errc::already_exists), "INBOX already exists"};
    if (from_paths->name == "INBOX")
        return rename_inbox(to_paths->name);
    return rename_mailbox(location_, *from_paths, *to_paths);
}

}  // namespace

StoreOptions store_options(const core::Config& config, const QuotaLimit& quota)
{
    StoreOptions options;
    options.quota = quota;
    options.auto_create = config.get_list("auto_create_folders");
    options.lock_timeout = config.get_time("mbox_lock_timeout");
    options.dotlock_stale_after = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("mbox_dotlock_stale_time"));
    return options;
}

Result<std::unique_ptr<UserStore>> open_user_store(const MailLocation& location, const StoreOptions& options)
{
    auto store = std::make_unique<DiskStore>(location, options);
    if (location.inbox_format == MailFormat::maildir)
        if (auto inbox = open_maildir_backend(location.inbox, true); !inbox)
            return inbox.error();
    if (!options.auto_create.empty()) {
        auto subscribed = read_subscriptions(location);
        bool changed = false;
        for (const auto& name : options.auto_create) {
            auto paths = mailbox_paths(location, name);
            if (!paths || mailbox_exists(*paths))
                continue;
            if (auto created = create_mailbox(location, *paths); !created)
                return created.error();
            if (std::find(subscribed.begin(), subscribed.end(), paths->name) == subscribed.end()) {
                subscribed.push_back(paths->name);
                changed = true;
            }
        }
        if (changed)
            if (auto written = write_subscriptions(location, subscribed); !written)
                return written.error();
    }
    return std::unique_ptr<UserStore>(std::move(store));
}

}  // namespace mailroom::mailstore
