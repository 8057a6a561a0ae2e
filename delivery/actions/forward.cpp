// delivery/actions/forward.cpp - forwarding: the message is re-submitted to the MTA as a new
// message (Postfix forward.c, which hands it to cleanup), keeping the envelope sender (or the
// owner- alias that replaced it) and adding Delivered-To: for loop detection downstream.
#include "delivery/actions/actions.hpp"

#include "core/priv/run_command.hpp"
#include "core/util/strings.hpp"

namespace mailroom::delivery {

Status forward_message(const MessageContext& context, const std::vector<const Destination*>& destinations)
{
    if (destinations.empty())
        return Status::sent("nothing to forward");
    const Destination& first = *destinations.front();
    // sendmail_path may carry options of its own ("/usr/sbin/sendmail -C /etc/postfix-out").
    std::vector<std::string> argv;
    for (const auto& word : core::split_fields(context.settings.sendmail_path, ' '))
        if (!word.empty())
            argv.emplace_back(word);
    if (argv.empty() || !argv.front().starts_with('/'))
        return Status::make("4.3.5", "mail system configuration error: sendmail_path must be an absolute path");
    argv.insert(argv.end(), {"-i", "-f", first.sender, "--"});
    std::string addresses;
    for (const Destination* d : destinations) {
        argv.push_back(d->target);
        addresses += (addresses.empty() ? "" : ", ") + d->target;
    }
    TraceInfo trace = context.trace;
    trace.client_address.clear();   // "Received: by HOST (mailroom) id ...", as forward.c writes it
    const std::string input = message_copy(
        delivered_to_header(first.delivered_to) + received_header(trace, std::string_view()), context.message);

    core::CommandSpec spec;
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/bin:/bin:/usr/sbin:/sbin"};
    spec.stdin_data = input;
    spec.timeout = context.settings.command_time_limit;
    const core::CommandResult result = core::run_command(spec);
    if (result.spawn_error)
        return Status::make("4.3.0", "cannot run " + spec.argv.front() + ": " + result.spawn_error.message());
    if (result.timed_out || result.term_signal != 0)
        return Status::make("4.3.0", spec.argv.front() + " did not finish; forwarding to " + addresses + " deferred");
    if (result.exit_status != 0)
        return status_from_exit(result.exit_status, spec.argv.front(), result.stderr_data);
    return Status::sent("forwarded to " + addresses);
}

}  // namespace mailroom::delivery
