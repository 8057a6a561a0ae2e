// delivery/actions/filter.cpp - procmailrc filtering inside a mailbox delivery (see filter.hpp):
// the rc files are found and vetted like .forward files, the engine runs with the user's
// file-system identity, and its folders are written by mailstore's folder writers.
#include "delivery/actions/filter.hpp"

#include "core/priv/fs_identity.hpp"
#include "core/util/strings.hpp"
#include "delivery/actions/journaled_store.hpp"
#include "delivery/resolve/local_expand.hpp"
#include "delivery/resolve/user_files.hpp"
#include "filters/engine.hpp"
#include "mailstore/folder_delivery.hpp"

#include <system_error>

namespace mailroom::delivery {
namespace {

using filters::FolderKind;

// Stores what the filter decides; called on this thread, inside the user's identity.
class StoreSink : public filters::ActionSink {
public:
    StoreSink(const core::Config& config, std::time_t arrival, StoreJournal* journal)
        : config_(config), arrival_(arrival), journal_(journal)
    {
    }

    filters::SaveResult save(const filters::SaveRequest& request) override
    {
        if (request.kind == FolderKind::devnull)
            return {true, "/dev/null", {}};
        mailstore::Result<mailstore::FolderDelivery> done = store(request);
        if (!done)
            return {false, {}, done.error().text};
        return {true, done->path.string(), {}};
    }

private:
    mailstore::Result<mailstore::FolderDelivery> store(const filters::SaveRequest& request) const
    {
        switch (request.kind) {
        case FolderKind::maildir: return store_maildir(journal_, request.path, request.message);
        case FolderKind::mh: return mailstore::deliver_to_mh(request.path, request.message);
        case FolderKind::directory: return mailstore::deliver_to_msg_directory(request.path, request.message);
        case FolderKind::mbox:
        case FolderKind::devnull: break;
        }
        mailstore::MboxDeliveryOptions options;
        options.envelope_sender = request.envelope_sender;
        options.arrival_time = arrival_;
        options.lock.timeout = config_.get_time("mbox_lock_timeout");
        options.lock.stale_after =
            std::chrono::duration_cast<std::chrono::seconds>(config_.get_time("mbox_dotlock_stale_time"));
        return store_mbox(journal_, request.path, request.message, options);
    }

    const core::Config& config_;
    std::time_t arrival_;
    StoreJournal* journal_;
};

LocalVariables variables_for(const MessageContext& context, const Destination& d, const std::string& home)
{
    LocalVariables v;
    v.user = d.user;
    v.home = home;
    v.shell = d.owner->shell;
    v.recipient = d.recipient;
    v.extension = d.extension;
    v.domain = d.domain;
    v.local = d.local;
    v.recipient_delimiter = context.settings.recipient_delimiter.substr(0, 1);
    return v;
}

// The first usable file of filter_rc_path; empty when there is none. A file others could
// have written is ignored, as procmail ignores a "suspicious rcfile".
std::string user_rc_file(const MessageContext& context, const Destination& d, const mailstore::MailLocation& location)
{
    const auto variables = variables_for(context, d, location.home.string());
    for (const auto& item : context.settings.filter_rc_path) {
        const LocalExpansion path = local_expand(context.config, item, variables, context.settings.forward_filter);
        if (!path.error.empty() || path.undefined || path.value.empty())
            continue;
        const UserFile file = read_forward_file(path.value, location.owner);
        if (file.status == UserFile::Status::ok)
            return path.value;
        if (file.status == UserFile::Status::refused) {
            if (context.log)
                context.log->warning(file.why + "; not used as a filter");
            return {};
        }
    }
    return {};
}

filters::FilterInput filter_input(const MessageContext& context, const Destination& d,
                                  const mailstore::MailLocation& location, std::string_view copy)
{
    const auto& settings = context.settings;
    filters::FilterInput input;
    input.message = copy;
    input.envelope_sender = d.sender;
    input.arrival_time = context.trace.arrival;
    // $DEFAULT is the INBOX; a trailing '/' tells procmail it is a Maildir.
    const std::string inbox =
        location.inbox.string() + (location.inbox_format == mailstore::MailFormat::maildir ? "/" : "");
    const auto sendmail = core::split_list(settings.sendmail_path);
    std::string flags;
    for (std::size_t i = 1; i < sendmail.size(); ++i)
        flags += sendmail[i] + " ";
    input.variables = {{"HOME", location.home.string()}, {"LOGNAME", d.user}, {"USER", d.user},
                       {"SHELL", d.owner->shell.empty() ? "/bin/sh" : d.owner->shell},
                       {"PATH", "/usr/bin:/bin"}, {"ORGMAIL", inbox}, {"DEFAULT", inbox},
                       {"SENDMAIL", sendmail.empty() ? std::string() : sendmail.front()},
                       {"SENDMAILFLAGS", flags + "-oi"}, {"LOCAL", d.local}, {"DOMAIN", d.domain},
                       {"EXTENSION", d.extension}, {"RECIPIENT", d.recipient}, {"SENDER", d.sender}};
    if (!d.extension.empty())
        input.arguments.push_back(d.extension);   // $1, as with procmail -a "$EXTENSION"
    input.site_rc = settings.filter_site_rc;
    return input;
}

Status outcome_status(const MessageContext& context, const std::string& rc, const filters::FilterOutcome& outcome)
{
    for (const auto& e : outcome.errors)
        if (context.log)
            context.log->warning("filter: " + (e.rc_file.empty() ? std::string() : e.rc_file + ":" +
                                                                                       std::to_string(e.line) + ": ") +
                                 e.text);
    const std::string why = outcome.errors.empty() ? std::string() : ": " + outcome.errors.front().text;
    if (!outcome.delivered)   // not even $DEFAULT took it: the MTA keeps the message
        return Status::make("4.3.0", "the filter could not deliver the message" + why);
    if (outcome.exit_code != 0)
        return status_from_exit(outcome.exit_code, "filter " + rc, why);
    std::string where;
    for (const auto& record : outcome.deliveries)
        where += (where.empty() ? "" : ", ") + record.destination;
    return Status::sent("delivered by filter " + rc + (where.empty() ? std::string() : " to " + one_line(where, 200)));
}

}  // namespace

std::optional<Status> run_filters(const MessageContext& context, const Destination& destination,
                                  const mailstore::MailLocation& location, std::string_view copy)
{
    if (!context.filters || (context.settings.filter_rc_path.empty() && context.settings.filter_site_rc.empty()))
        return std::nullopt;
    const std::string rc = user_rc_file(context, destination, location);
    if (rc.empty() && context.settings.filter_site_rc.empty())
        return std::nullopt;
    std::string error;
    const auto programs_as = effective_credentials({location.owner, location.home.string(), destination.owner->shell},
                                                   context.settings.default_privs, error);
    if (!programs_as)
        return Status::make("4.3.5", "mail system configuration error: " + error);
    filters::FilterInput input = filter_input(context, destination, location, copy);
    input.user_rc = rc;
    input.run_as = run_as_for(*programs_as);
    StoreSink sink(context.config, context.trace.arrival, context.journal);
    try {
        // rc files, INCLUDERC, folders, LOGFILE and lockfiles: all with the user's rights.
        core::ScopedFsIdentity as_user(location.owner);
        return outcome_status(context, rc.empty() ? context.settings.filter_site_rc : rc, context.filters->run(input, sink));
    } catch (const std::system_error& e) {
        return Status::make("4.3.0", std::string("cannot take the mailbox owner's identity: ") + e.what());
    }
}

}  // namespace mailroom::delivery
