// delivery/pipeline.cpp - resolve, check, act, report for one recipient (see pipeline.hpp).
#include "delivery/pipeline.hpp"

#include "delivery/actions/actions.hpp"
#include "delivery/actions/journaled_store.hpp"
#include "delivery/actions/mailbox_store.hpp"
#include "delivery/delivery_log.hpp"
#include "delivery/resolve/resolver.hpp"

#include <map>
#include <utility>

namespace mailroom::delivery {
namespace {

// The log's to=: the mailbox's own address for mailbox copies, else the expanded address.
std::string log_address(const Destination& d)
{
    if (d.kind == Destination::Kind::mailbox && d.owner)
        return d.domain.empty() ? d.user : d.user + "@" + d.domain;
    return d.recipient;
}

Status run_destination(const MessageContext& context, const Destination& d, const RecipientRequest& request)
{
    switch (d.kind) {
    case Destination::Kind::mailbox: return deliver_mailbox(context, d, {request.folder});
    case Destination::Kind::file: return deliver_file(context, d);
    case Destination::Kind::command: return deliver_command(context, d);
    case Destination::Kind::discard: return Status::sent("discarded");
    case Destination::Kind::forward: break;
    }
    return forward_message(context, {&d});
}

Status combine(const std::vector<Status>& results, std::size_t delivered)
{
    for (const auto& status : results)
        if (status.temporary())
            return status;
    for (const auto& status : results)
        if (status.permanent()) {
            Status failed = status;
            if (delivered > 0)
                failed.text += " (" + std::to_string(delivered) + " other destination" + (delivered == 1 ? "" : "s") +
                               " delivered)";
            return failed;
        }
    if (results.size() == 1)
        return results.front();
    return Status::sent(results.empty() ? "delivered (duplicate)" : "delivered to " + std::to_string(results.size()) +
                                                                           " destinations");
}

}  // namespace

Status check_recipient(DeliveryServices& services, std::string_view address, std::string_view sender,
                       std::uint64_t size)
{
    ResolverContext context{services.settings, *services.config, *services.users, *services.aliases, {}};
    const Resolution resolution = resolve_recipient(context, address, sender);
    if (Status summary = resolution.summary(); !summary.ok())
        return summary;
    for (const auto& d : resolution.destinations) {
        if (d.kind != Destination::Kind::mailbox || (d.local_domain && !services.settings.mailbox_command.empty()))
            continue;
        if (auto full = check_mailbox_space(services.settings, *services.config, *d.owner, size))
            return *full;
    }
    return {250, "2.1.5", "OK"};
}

Status deliver_to_recipient(DeliveryServices& services, const MessageInput& input, const RecipientRequest& request,
                            DeliveredSet& delivered, const core::Logger& log, StoreJournal* journal)
{
    const auto& settings = services.settings;
    // With a mailbox user named (mailroom deliver -d) the MTA has expanded aliases and checked
    // Delivered-To: itself, and has usually added one for this very recipient.
    ResolverContext resolver{settings, *services.config, *services.users, *services.aliases,
                             request.mailbox_user.empty() ? delivered_to_addresses(input.message)
                                                          : std::set<std::string, std::less<>>{}};
    const Resolution resolution =
        request.mailbox_user.empty()
            ? resolve_recipient(resolver, request.address, input.sender)
            : resolve_mailbox_only(resolver, request.mailbox_user, request.address, input.sender);
    for (const auto& warning : resolution.warnings)
        log.warning(warning);
    const auto report = [&](std::string_view to, const Status& status) {
        log.info(delivery_log_line(to, request.address, input.relay, std::chrono::steady_clock::now() - input.received,
                                   status));
    };
    std::vector<Status> results = resolution.failures;
    for (const auto& failure : resolution.failures)
        report(request.address, failure);
    if (resolution.summary().temporary())
        return resolution.summary();   // nothing is delivered: the whole recipient is retried

    const MessageContext context{settings,        *services.config,       input.message, input.trace,
                                 request.address, services.filters.get(), &log, journal};
    std::size_t done = 0;
    std::map<std::pair<std::string, std::string>, std::vector<const Destination*>> forwards;
    for (const auto& d : resolution.destinations) {
        if (delivered.contains(d.key()))
            continue;
        if (d.kind == Destination::Kind::forward) {
            forwards[{d.sender, d.delivered_to}].push_back(&d);
            continue;
        }
        Status status = run_destination(context, d, request);
        report(log_address(d), status);
        if (status.ok()) {
            delivered.insert(d.key());
            if (journal)
                journal->destination_delivered(d.key());
            ++done;
        }
        results.push_back(std::move(status));
    }
    // One re-submission per envelope sender and Delivered-To:, as forward.c groups them.
    for (const auto& [group, destinations] : forwards) {
        Status status = forward_message(context, destinations);
        for (const Destination* d : destinations) {
            report(d->target, status);
            if (status.ok()) {
                delivered.insert(d->key());
                if (journal)
                    journal->destination_delivered(d->key());
            }
        }
        done += status.ok() ? destinations.size() : 0;
        results.push_back(std::move(status));
    }
    return combine(results, done);
}

}  // namespace mailroom::delivery
