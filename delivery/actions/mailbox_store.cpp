// delivery/actions/mailbox_store.cpp - quota checks and identity-switched writes into a user's
// mailbox (see mailbox_store.hpp).
#include "delivery/actions/mailbox_store.hpp"

#include "core/priv/fs_identity.hpp"
#include "delivery/actions/journaled_store.hpp"
#include "mailstore/folder_delivery.hpp"
#include "mailstore/mailbox_name.hpp"
#include "mailstore/quota.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

namespace mailroom::delivery {
namespace {

namespace fs = std::filesystem;
using mailstore::MailFormat;

// Who writes an mbox INBOX in a shared spool directory (Postfix's mailbox.c): the user when
// the directory is world-writable (sticky); the user with the directory's group when it is
// group-writable (Debian's /var/mail: root:mail 2775); else mailroom itself (unset).
std::optional<core::Credentials> spool_writer(const mailstore::MailLocation& location)
{
    struct stat st {};
    if (::stat(location.inbox.parent_path().c_str(), &st) != 0 || (st.st_mode & S_IWOTH))
        return location.owner;
    if (st.st_mode & S_IWGRP) {
        core::Credentials writer = location.owner;
        writer.gid = st.st_gid;
        if (writer.groups.empty())
            writer.groups.push_back(location.owner.gid);
        if (std::find(writer.groups.begin(), writer.groups.end(), st.st_gid) == writer.groups.end())
            writer.groups.push_back(st.st_gid);
        return writer;
    }
    return std::nullopt;
}

// With mailroom's own rights in a root-only spool: create a missing mailbox for the user,
// and refuse one the user does not own (strict_mailbox_ownership).
std::optional<Status> prepare_root_spool_mbox(const mailstore::MailLocation& location)
{
    const int fd = ::open(location.inbox.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        const bool owned = ::fchown(fd, location.owner.uid, location.owner.gid) == 0;
        const int err = errno;
        ::close(fd);
        if (!owned) {
            ::unlink(location.inbox.c_str());
            return Status::make("4.3.0", "cannot give " + location.inbox.string() + " to its user: " + std::strerror(err));
        }
        return std::nullopt;
    }
    struct stat st {};
    if (errno == EEXIST && ::lstat(location.inbox.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_uid != location.owner.uid)
        return Status::make("4.2.0", "destination " + location.inbox.string() + " is not owned by recipient");
    return std::nullopt;
}

std::optional<Status> check_size_limits(const DeliverySettings& settings, const core::Config& config,
                                        const core::User& user, const mailstore::MailLocation& location,
                                        std::uint64_t size, const fs::path& target, MailFormat format)
{
    std::string quota_error;
    const auto limit = mailstore::user_quota(user, config, quota_error);
    if (auto checked = mailstore::check_quota(location, limit, size); !checked)
        return status_from_store_error(checked.error(), settings.quota_tempfail);
    if (settings.mailbox_size_limit == 0)
        return std::nullopt;
    // Postfix's meaning: the size of one mbox file, or of one Maildir message file.
    std::uint64_t grown = size;
    struct stat st {};
    if (format == MailFormat::mbox && ::stat(target.c_str(), &st) == 0)
        grown += static_cast<std::uint64_t>(st.st_size);
    if (grown > settings.mailbox_size_limit)
        return Status::make(settings.quota_tempfail ? "4.2.2" : "5.2.2",
                            "mailbox " + target.string() + " would exceed mailbox_size_limit (" +
                                std::to_string(settings.mailbox_size_limit) + " bytes)");
    return std::nullopt;
}

Status write_copy(const core::Config& config, bool quota_tempfail, const StoreRequest& request, const fs::path& target,
                  MailFormat format)
{
    if (format == MailFormat::maildir) {
        std::error_code ignored;   // a virtual user's first message: make the home too
        fs::create_directories(target.parent_path(), ignored);
        auto done = store_maildir(request.journal, target, request.bytes);
        if (!done)
            return status_from_store_error(done.error(), quota_tempfail);
        return Status::sent("delivered to maildir");
    }
    mailstore::MboxDeliveryOptions options;
    options.envelope_sender = request.envelope_sender;
    options.arrival_time = request.arrival;
    options.lock.timeout = config.get_time("mbox_lock_timeout");
    options.lock.stale_after = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("mbox_dotlock_stale_time"));
    auto done = store_mbox(request.journal, target, request.bytes, options);
    if (!done)
        return status_from_store_error(done.error(), quota_tempfail);
    return Status::sent("delivered to mailbox");
}

}  // namespace

std::optional<Status> check_mailbox_space(const DeliverySettings& settings, const core::Config& config,
                                          const core::User& user, std::uint64_t size)
{
    auto location = mailstore::resolve_mail_location(user, config);
    if (!location)
        return status_from_store_error(location.error(), settings.quota_tempfail);
    try {
        core::ScopedFsIdentity as_owner(location->owner);
        return check_size_limits(settings, config, user, *location, size, location->inbox, location->inbox_format);
    } catch (const std::system_error& e) {
        return Status::make("4.3.0", std::string("cannot take the mailbox owner's identity: ") + e.what());
    }
}

bool folder_exists(const mailstore::MailLocation& location, std::string_view folder, std::string& canonical)
{
    const bool maildir = location.folder_format == MailFormat::maildir;
    auto name = mailstore::canonical_mailbox_name(folder, maildir);
    if (!name || mailstore::is_inbox(*name))
        return false;
    canonical = *name;
    std::error_code ec;
    const fs::path path = maildir ? mailstore::maildir_folder_path(location.folder_root, canonical)
                                  : mailstore::mbox_folder_path(location.folder_root, canonical);
    try {
        core::ScopedFsIdentity as_owner(location.owner);
        return maildir ? fs::is_directory(path / "cur", ec) : fs::is_regular_file(path, ec);
    } catch (const std::system_error&) {
        return false;
    }
}

Status store_in_mailbox(const DeliverySettings& settings, const core::Config& config, const StoreRequest& request)
{
    const auto& location = request.location;
    const bool inbox = request.folder.empty();
    const MailFormat format = inbox ? location.inbox_format : location.folder_format;
    const fs::path target = inbox                      ? location.inbox
                            : format == MailFormat::maildir ? mailstore::maildir_folder_path(location.folder_root, request.folder)
                                                            : mailstore::mbox_folder_path(location.folder_root, request.folder);
    const bool spool = inbox && location.inbox_in_spool && format == MailFormat::mbox;
    const std::optional<core::Credentials> writer = spool ? spool_writer(location) : location.owner;
    try {
        std::optional<core::ScopedFsIdentity> identity;
        if (writer)
            identity.emplace(*writer);
        else if (auto refused = prepare_root_spool_mbox(location))
            return *refused;
        // A copy an earlier attempt stored before a crash is in the mailbox already: not counted twice.
        const bool stored_before = request.journal && request.journal->next_is_recorded(target);
        if (!stored_before)
            if (auto over = check_size_limits(settings, config, request.user, location, request.bytes.size(), target, format))
                return *over;
        Status status = write_copy(config, settings.quota_tempfail, request, target, format);
        if (status.ok()) {
            std::string ignored;
            const auto limit = mailstore::user_quota(request.user, config, ignored);
            // The copy is stored; a failure to update maildirsize only delays the next recount.
            (void)mailstore::record_quota_change(location, limit, static_cast<std::int64_t>(request.bytes.size()), 1);
            if (!inbox)
                status.text += " folder " + request.folder;
        }
        return status;
    } catch (const std::system_error& e) {
        return Status::make("4.3.0", std::string("cannot take the mailbox owner's identity: ") + e.what());
    }
}

}  // namespace mailroom::delivery
