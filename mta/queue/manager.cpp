// mta/queue/manager.cpp - the queue manager loop and one delivery attempt per message (see
// manager.hpp).
#include "mta/queue/manager.hpp"

#include "core/log/log.hpp"
#include "core/util/strings.hpp"
#include "mta/client/mx_self.hpp"
#include "mta/client/smtp_client.hpp"
#include "mta/queue/dsn.hpp"
#include "mta/queue/routing.hpp"
#include "mta/queue/targets.hpp"

#include <boost/asio/post.hpp>

#include <unistd.h>

#include <algorithm>

namespace mailroom::mta {
namespace {

using core::awaitable;
using core::smtp::Status;

const core::Logger qmgr_log("qmgr");
constexpr auto poll_interval = std::chrono::seconds(1);   // how often a flush request is looked for

// Recipients that go to one place in one transaction: the local ones (LMTP), or the remote
// ones of one domain (its MX hosts), or all remote ones (relayhost).
struct Group {
    bool local = false;
    std::string domain;                 // remote without relayhost: where to look up MX hosts
    std::vector<std::size_t> indexes;   // into the envelope's recipients
    std::vector<std::string> addresses;
};

// No server answered at all (connection refused, timeout before the greeting...): the next MX
// host is worth a try. A server's own refusal is final for this attempt.
bool nobody_answered(const std::vector<RecipientOutcome>& results)
{
    return std::all_of(results.begin(), results.end(),
                       [](const RecipientOutcome& r) { return r.status.temporary() && r.remote_reply.empty(); });
}

// The recipients' fates, and what goes into each report: only recipients whose NOTIFY asks
// for it (RFC 3461 4.1; without NOTIFY: failures and delays).
struct Outcomes {
    std::vector<std::size_t> done;
    std::vector<std::pair<std::size_t, std::string>> deferred;   // index, reason
    std::vector<std::size_t> bounced;
    std::vector<ReportedRecipient> failures;
    std::vector<ReportedRecipient> delayed;     // deferred ones, for a delay warning
    std::vector<ReportedRecipient> successes;   // NOTIFY=SUCCESS, delivered or relayed without DSN
};

void log_outcome(const core::Logger& log, const std::string& address, const std::string& relay, std::time_t delay,
                 const Status& status, std::string_view state)
{
    log.info("to=<" + address + ">, relay=" + relay + ", delay=" + std::to_string(delay) + ", dsn=" + status.enhanced +
             ", status=" + std::string(state) + " (" + core::smtp::one_line(status.text) + ")");
}

// What goes on with a recipient to a server that offers DSN: its NOTIFY and ORCPT; without an
// ORCPT, as Postfix does, "rfc822;" and the address as it was received (RFC 3461 lets a
// relaying MTA add one, naming that address), so the next server's reports can name it too.
// Not for an address beyond printable US-ASCII: that would be RFC 6533's utf-8 type.
core::smtp::RcptDsn relay_dsn(const QueueRecipient& recipient)
{
    core::smtp::RcptDsn dsn = recipient.dsn;
    const bool ascii = std::all_of(recipient.address.begin(), recipient.address.end(),
                                   [](char c) { return c >= ' ' && c <= '~'; });
    if (dsn.orcpt_type.empty() && ascii) {
        dsn.orcpt_type = "rfc822";
        dsn.orcpt = recipient.address;
    }
    return dsn;
}

}  // namespace

std::time_t backoff_delay(std::time_t age, std::time_t minimum, std::time_t maximum)
{
    return std::min(std::max(age, minimum), std::max(minimum, maximum));
}

void QueueManager::start(core::asio::io_context& io)
{
    strand_.emplace(core::asio::make_strand(io));
    timer_ = std::make_unique<core::asio::steady_timer>(*strand_);
    slot_timer_ = std::make_unique<core::asio::steady_timer>(*strand_);
    core::asio::co_spawn(*strand_, [self = shared_from_this()] { return self->run(); }, core::asio::detached);
}

void QueueManager::stop()
{
    stopping_ = true;
    wake();
}

void QueueManager::wake()
{
    wanted_ = true;
    if (timer_)
        core::asio::post(timer_->get_executor(), [self = shared_from_this()] {
            self->timer_->cancel();
            self->slot_timer_->cancel();   // only makes the dispatcher look again (and see stop())
        });
}

awaitable<void> QueueManager::run()
{
    auto last_run = std::chrono::steady_clock::time_point{};
    while (!stopping_) {
        const auto delay = runtime_.snapshot()->config->get_time("queue_run_delay");
        const std::filesystem::path flush = flush_request(queue_.root());
        const bool flushed = ::unlink(flush.c_str()) == 0;
        const auto now = std::chrono::steady_clock::now();
        if (wanted_.exchange(false) || flushed || now - last_run >= delay) {
            last_run = now;
            co_await run_queue();
            continue;   // a run may have queued bounces, or mail may have come meanwhile
        }
        co_await connections_.expire();
        timer_->expires_after(poll_interval);
        co_await timer_->async_wait(core::asio::as_tuple(core::use_awaitable));
    }
    co_await connections_.expire(true);
}

awaitable<void> QueueManager::run_queue()
{
    std::vector<QueueEntry> entries;
    try {
        entries = co_await runtime_.blocking().run([this] { return queue_.list(); });
    } catch (const std::exception& e) {
        qmgr_log.error(e.what());
        co_return;
    }
    const std::time_t now = std::time(nullptr);
    for (const auto& entry : entries) {
        if (entry.queue == "deferred" && entry.next_attempt > now)
            continue;
        if (in_flight_.contains(entry.id))
            continue;
        const auto limit = static_cast<std::size_t>(
            std::max<std::int64_t>(1, runtime_.snapshot()->config->get_number("default_process_limit")));
        while (in_flight_.size() >= limit && !stopping_) {
            slot_timer_->expires_at(core::asio::steady_timer::time_point::max());
            co_await slot_timer_->async_wait(core::asio::as_tuple(core::use_awaitable));
        }
        if (stopping_)
            co_return;
        in_flight_.insert(entry.id);
        core::asio::co_spawn(*strand_, deliver(entry.id), core::asio::detached);
    }
}

awaitable<void> QueueManager::deliver(std::string id)
{
    const auto self = shared_from_this();   // the manager outlives its deliveries
    try {
        co_await process(id);
    } catch (const std::exception& e) {
        qmgr_log.with_prefix(id).error(std::string(e.what()) + " (the message stays queued)");
    }
    in_flight_.erase(id);
    slot_timer_->cancel();
}

awaitable<void> QueueManager::process(const std::string& id)
{
    const auto snapshot = runtime_.snapshot();
    const core::Config& config = *snapshot->config;
    std::set<std::string> handed_off;   // stored by delivery in an attempt a crash cut short
    auto load = [this, &id, &handed_off] {   // named: GCC bug 101367 (blocking.hpp)
        auto message = queue_.load(id);
        if (message)
            handed_off = queue_.handed_off(message->envelope);
        return message;
    };
    auto loaded = co_await runtime_.blocking().run(load);
    if (!loaded)
        co_return;
    const LoadedMessage& message = *loaded;
    const core::Logger log = qmgr_log.with_prefix(id);
    log.info("from=<" + message.envelope.sender + ">, size=" + std::to_string(message.content.size()) +
             ", nrcpt=" + std::to_string(message.envelope.recipients.size()) + " (queue " + message.queue + ")");
    const std::time_t now = std::time(nullptr);
    const std::time_t age = now - message.envelope.arrival;
    const bool expired = age >= std::chrono::duration_cast<std::chrono::seconds>(config.get_time("maximal_queue_lifetime")).count();
    Outcomes outcomes;
    std::vector<Group> groups(1);
    groups[0].local = true;
    const bool use_relayhost = !config.get("relayhost").empty();
    for (std::size_t i = 0; i < message.envelope.recipients.size(); ++i) {
        const auto& recipient = message.envelope.recipients[i];
        if (recipient.state != RecipientState::pending)
            continue;
        const bool is_local = is_local_recipient(config, recipient.address);
        if (is_local && handed_off.contains(recipient.address)) {
            const Status status = Status::make("2.0.0", "delivered before a crash, by the hand-off record");
            outcomes.done.push_back(i);
            if (recipient.dsn.wants_success())
                outcomes.successes.push_back({recipient.address, status, {}, false, recipient.dsn, false});
            log_outcome(log, recipient.address, "handoff", age, status, "sent");
            continue;
        }
        const std::string domain = is_local || use_relayhost ? std::string() : recipient_domain(recipient.address);
        auto found = std::find_if(groups.begin(), groups.end(),
                                  [&](const Group& g) { return g.local == is_local && g.domain == domain; });
        if (found == groups.end())
            found = groups.insert(groups.end(), Group{false, domain, {}, {}});
        Group& group = *found;
        group.indexes.push_back(i);
        group.addresses.push_back(recipient.address);
    }
    for (const Group& g : groups) {
        const Group* group = &g;
        if (group->indexes.empty())
            continue;
        Status failure;
        std::vector<ClientTarget> targets;
        if (group->domain.empty()) {
            std::string error;
            auto target = group->local ? lmtp_target(config, error) : relay_target(config, error);
            if (target)
                targets.push_back(std::move(*target));
            else
                failure = Status::make("4.3.5", error);
        } else {
            auto lookup = [domain = group->domain, myhostname = config.get("myhostname")] {   // named: GCC bug 101367
                return lookup_mx_excluding_self(domain, myhostname);
            };
            const MxResult mx = co_await runtime_.blocking().run(lookup);
            failure = mx.status;
            targets = mx_targets(config, mx);
        }
        std::string relay = "none";
        std::vector<RecipientOutcome> results(group->addresses.size(), {failure, {}});
        const auto keep = config.get_time(group->local ? "lmtp_connection_cache_time_limit"
                                                       : "smtp_connection_cache_time_limit");
        const ContentPrefix handoff{group->local ? handoff_keyword : std::string_view(),
                                    QueueDirectory::handoff_header(message.envelope)};
        DsnRequest dsn{message.envelope.dsn, {}};
        for (const std::size_t index : group->indexes)
            dsn.recipients.push_back(relay_dsn(message.envelope.recipients[index]));
        for (const auto& target : targets) {
            auto sent = co_await connections_.deliver(target, keep, message.envelope.sender, group->addresses,
                                                      message.content, handoff, dsn);
            results = std::move(sent);
            relay = target.address.text;
            if (!nobody_answered(results))
                break;
        }
        for (std::size_t k = 0; k < group->indexes.size(); ++k) {
            const std::size_t index = group->indexes[k];
            const RecipientOutcome& result = results[k];
            const std::string& address = group->addresses[k];
            const core::smtp::RcptDsn& notify = message.envelope.recipients[index].dsn;
            if (result.status.ok()) {
                outcomes.done.push_back(index);
                // A server that offers DSN got NOTIFY and reports success itself (RFC 3461 5.2).
                if (notify.wants_success() && !result.dsn_passed)
                    outcomes.successes.push_back(
                        {address, result.status, result.remote_reply, false, notify, !group->local});
                log_outcome(log, address, relay, age, result.status, "sent");
            } else if (result.status.permanent() || expired) {
                outcomes.bounced.push_back(index);
                if (notify.wants_failure())
                    outcomes.failures.push_back(
                        {address, result.status, result.remote_reply, !result.status.permanent(), notify, false});
                log_outcome(log, address, relay, age, result.status, "bounced");
            } else {
                outcomes.deferred.emplace_back(index, result.status.enhanced + " " + result.status.text);
                if (notify.wants_delay())
                    outcomes.delayed.push_back({address, result.status, result.remote_reply, false, notify, false});
                log_outcome(log, address, relay, age, result.status, "deferred");
            }
        }
    }
    const auto minimum = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("minimal_backoff_time")).count();
    const auto maximum = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("maximal_backoff_time")).count();
    ReportInput bounce{config.get("myhostname"), "MAILER-DAEMON@" + config.get("myhostname"), message.envelope.sender,
                       id, message.envelope.arrival, now, outcomes.failures, message.content};
    bounce.dsn = message.envelope.dsn;
    bounce.return_limit = static_cast<std::uint64_t>(std::max<std::int64_t>(0, config.get_number("bounce_size_limit")));
    // Postfix's delay_warning_time: once, when a message still deferred has been queued that long.
    const auto warning_time =
        std::chrono::duration_cast<std::chrono::seconds>(config.get_time("delay_warning_time")).count();
    const bool warn = warning_time > 0 && age >= warning_time && !outcomes.delayed.empty() &&
                      !message.envelope.warned && message.envelope.warned_offset != 0 &&
                      !message.envelope.sender.empty();
    ReportInput warning = bounce;
    warning.kind = ReportKind::delay;
    warning.recipients = outcomes.delayed;
    warning.retry_until = message.envelope.arrival +
        std::chrono::duration_cast<std::chrono::seconds>(config.get_time("maximal_queue_lifetime")).count();
    ReportInput success = bounce;
    success.kind = ReportKind::success;
    success.recipients = outcomes.successes;
    auto record = [&, this] {
        const auto queue_notice = [&](const ReportInput& notice) {
            QueueWriter writer(queue_.root(), Envelope{{}, now, "local", "", {{message.envelope.sender}}});
            writer.append(make_report(notice));
            writer.commit();
            return writer.id();
        };
        // A notice is queued before the queue file records it: a crash in between sends it
        // twice rather than never.
        std::string bounce_id, warning_id, success_id;
        if (!outcomes.failures.empty() && !message.envelope.sender.empty())
            bounce_id = queue_notice(bounce);
        if (!outcomes.successes.empty() && !message.envelope.sender.empty())
            success_id = queue_notice(success);
        if (warn) {
            warning_id = queue_notice(warning);
            queue_.set_warned(message);
        }
        for (const std::size_t index : outcomes.done)
            queue_.set_state(message, index, RecipientState::done);
        for (const std::size_t index : outcomes.bounced)
            queue_.set_state(message, index, RecipientState::bounced);
        for (const auto& [index, reason] : outcomes.deferred)
            queue_.record_defer_reason(id, message.envelope.recipients[index].address, reason);
        if (outcomes.deferred.empty())
            queue_.remove(id);
        else
            queue_.defer(id, now + backoff_delay(age, minimum, maximum));
        if (!bounce_id.empty())
            log.info("sender non-delivery notification: " + bounce_id);
        if (!warning_id.empty())
            log.info("sender delay notification: " + warning_id);
        if (!success_id.empty())
            log.info("sender delivery status notification: " + success_id);
        return !bounce_id.empty() || !warning_id.empty() || !success_id.empty();
    };
    const bool queued_notice = co_await runtime_.blocking().run(record);
    if (queued_notice)
        wake();
    if (outcomes.deferred.empty())
        log.info("removed");
}

}  // namespace mailroom::mta
