// delivery/actions/mailbox.cpp - delivery to a user's mailbox: mailbox_command, or INBOX / the
// detail folder (Postfix mailbox.c, Dovecot's lmtp_save_to_detail_mailbox).
#include "delivery/actions/actions.hpp"
#include "delivery/actions/filter.hpp"
#include "delivery/actions/mailbox_store.hpp"

#include "mailstore/location.hpp"

namespace mailroom::delivery {

std::string trace_block(const MessageContext& context, const Destination& destination)
{
    std::string block;
    for (std::string header : {return_path_header(destination.sender), delivered_to_header(destination.delivered_to)})
        if (!has_leading_trace_line(context.message, std::string_view(header).substr(0, header.size() - 1)))
            block += header;
    return block + received_header(context.trace, context.original_recipient);
}

std::string message_copy(std::string prefix, std::string_view message)
{
    prefix.reserve(prefix.size() + message.size());
    prefix.append(message);
    return prefix;
}

Status deliver_mailbox(const MessageContext& context, const Destination& destination, const MailboxOptions& options)
{
    const core::User& user = *destination.owner;
    auto location = mailstore::resolve_mail_location(user, context.config);
    if (!location)
        return status_from_store_error(location.error(), context.settings.quota_tempfail);

    // Postfix runs mailbox_command for local(8) users only; virtual(8) users have none.
    if (destination.local_domain && !context.settings.mailbox_command.empty()) {
        Destination command = destination;
        command.kind = Destination::Kind::command;
        command.target = context.settings.mailbox_command;
        command.rights = {location->owner, location->home.string(), user.shell};
        return deliver_command(context, command);
    }

    const std::string copy = message_copy(trace_block(context, destination), context.message);
    if (context.filters) {
        // The quota applies before any filter runs: a full mailbox refuses the message whole.
        if (auto full = check_mailbox_space(context.settings, context.config, user, copy.size()))
            return *full;
        if (auto filtered = run_filters(context, destination, *location, copy))
            return *filtered;
    }
    std::string folder;
    const std::string& wanted = !options.folder.empty()                 ? options.folder
                                : context.settings.save_to_detail_mailbox ? destination.extension
                                                                          : options.folder;
    if (!wanted.empty() && !folder_exists(*location, wanted, folder))
        folder.clear();
    return store_in_mailbox(context.settings, context.config,
                            {user, *location, folder, copy, destination.sender, context.trace.arrival, context.journal});
}

}  // namespace mailroom::delivery
