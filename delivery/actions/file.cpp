// delivery/actions/file.cpp - /file/name destinations of aliases, .forward and :include: files
// (Postfix file.c): mbox append with locking and rollback, or Maildir for a trailing '/'.
#include "delivery/actions/actions.hpp"

#include "core/priv/fs_identity.hpp"
#include "delivery/actions/journaled_store.hpp"
#include "mailstore/folder_delivery.hpp"

#include <sys/stat.h>

#include <optional>
#include <system_error>

namespace mailroom::delivery {

Status deliver_file(const MessageContext& context, const Destination& destination)
{
    const auto& settings = context.settings;
    const std::string& path = destination.target;
    if (path == "/dev/null")
        return Status::sent("delivered to file: /dev/null");
    std::string error;
    const auto who = effective_credentials(destination.rights, settings.default_privs, error);
    if (!who)
        return Status::make("4.3.5", "mail system configuration error: " + error);
    const std::string copy = message_copy(trace_block(context, destination), context.message);
    const bool maildir = path.ends_with('/');
    try {
        core::ScopedFsIdentity as_owner(*who);
        struct stat st {};
        const std::uint64_t grown = copy.size() + (!maildir && ::stat(path.c_str(), &st) == 0 ? st.st_size : 0);
        const bool stored_before = context.journal && context.journal->next_is_recorded(path);   // before a crash
        if (settings.mailbox_size_limit != 0 && grown > settings.mailbox_size_limit && !stored_before)
            return Status::make(settings.quota_tempfail ? "4.2.2" : "5.2.2",
                                "file " + path + " would exceed mailbox_size_limit");
        if (maildir) {
            auto done = store_maildir(context.journal, path, copy);
            if (!done)
                return status_from_store_error(done.error(), settings.quota_tempfail);
            return Status::sent("delivered to maildir: " + path);
        }
        mailstore::MboxDeliveryOptions options;
        options.envelope_sender = destination.sender;
        options.arrival_time = context.trace.arrival;
        options.lock.timeout = context.config.get_time("mbox_lock_timeout");
        options.lock.stale_after =
            std::chrono::duration_cast<std::chrono::seconds>(context.config.get_time("mbox_dotlock_stale_time"));
        auto done = store_mbox(context.journal, path, copy, options);
        if (!done)
            return status_from_store_error(done.error(), settings.quota_tempfail);
        return Status::sent("delivered to file: " + path);
    } catch (const std::system_error& e) {
        return Status::make("4.3.0", std::string("cannot take the identity for ") + path + ": " + e.what());
    }
}

}  // namespace mailroom::delivery
