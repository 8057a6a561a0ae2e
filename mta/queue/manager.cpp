// mta/queue/manager.cpp - the queue manager loop and one delivery attempt per message (see
// manager.hpp).
#include "mta/queue/manager.hpp"

#include "core/log/log.hpp"
#include "core/util/strings.hpp"
#include "mta/client/smtp_client.hpp"
#include "mta/queue/dsn.hpp"
#include "mta/queue/routing.hpp"

#include <boost/asio/post.hpp>

#include <unistd.h>

namespace mailroom::mta {
namespace {

using core::awaitable;
using core::smtp::Status;

const core::Logger qmgr_log("qmgr");
constexpr auto poll_interval = std::chrono::seconds(1);   // how often a flush request is looked for

struct Group {
    std::vector<std::size_t> indexes;   // into the envelope's recipients
    std::vector<std::string> addresses;
};

struct Outcomes {
    std::vector<std::size_t> done;
    std::vector<std::pair<std::size_t, std::string>> deferred;   // index, reason
    std::vector<std::size_t> bounced;
    std::vector<FailedRecipient> failures;
};

std::optional<ClientTarget> lmtp_target(const core::Config& config, std::string& error)
{
    std::string text = config.get("lmtp_delivery_address");
    if (text.empty()) {
        const auto& listen = config.get_list("lmtp_listen");
        if (listen.empty()) {
            error = "local mail cannot be delivered: neither lmtp_delivery_address nor lmtp_listen is set";
            return std::nullopt;
        }
        text = listen.front();
    }
    auto address = core::parse_listen_address(text, error);
    if (!address) {
        error = "lmtp_delivery_address " + text + ": " + error;
        return std::nullopt;
    }
    if (address->kind == core::ListenAddress::Kind::tcp && address->host.empty())
        address->host = "127.0.0.1";
    ClientTarget target;
    target.address = std::move(*address);
    target.lmtp = true;
    target.helo_name = config.get("myhostname");
    target.timeout = config.get_time("smtp_timeout");
    return target;
}

std::optional<ClientTarget> relay_target(const core::Config& config, std::string& error)
{
    std::string text = config.get("relayhost");   // "[host]:port", "host:port" or "host"
    if (text.empty()) {
        error = "relayhost is not set, and mailroom does not look up MX hosts itself";
        return std::nullopt;
    }
    ClientTarget target;
    target.address.text = text;
    std::string port = "25";
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string::npos) {
            error = "relayhost " + text + ": missing ']'";
            return std::nullopt;
        }
        target.address.host = text.substr(1, close - 1);
        if (close + 1 < text.size() && text[close + 1] == ':')
            port = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        target.address.host = text.substr(0, colon);
        port = text.substr(colon + 1);
    } else {
        target.address.host = text;
    }
    const auto number = core::parse_uint(port);
    if (!number || *number == 0 || *number > 65535) {
        error = "relayhost " + text + ": bad port \"" + port + "\"";
        return std::nullopt;
    }
    target.address.port = static_cast<std::uint16_t>(*number);
    target.helo_name = config.get("myhostname");
    target.timeout = config.get_time("smtp_timeout");
    const std::string& level = config.get("smtp_tls_security_level");
    target.tls = level == "encrypt" ? TlsPolicy::encrypt : level == "none" ? TlsPolicy::none : TlsPolicy::may;
    if (target.tls != TlsPolicy::none)
        target.tls_context = make_tls_client_context();
    target.username = config.get("smtp_sasl_username");
    target.password = config.get("smtp_sasl_password");
    return target;
}

void log_outcome(const core::Logger& log, const std::string& address, const std::string& relay, std::time_t delay,
                 const Status& status, std::string_view state)
{
    log.info("to=<" + address + ">, relay=" + relay + ", delay=" + std::to_string(delay) + ", dsn=" + status.enhanced +
             ", status=" + std::string(state) + " (" + core::smtp::one_line(status.text) + ")");
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
    Group local, remote;
    for (std::size_t i = 0; i < message.envelope.recipients.size(); ++i) {
        const auto& recipient = message.envelope.recipients[i];
        if (recipient.state != RecipientState::pending)
            continue;
        const bool is_local = is_local_recipient(config, recipient.address);
        if (is_local && handed_off.contains(recipient.address)) {
            outcomes.done.push_back(i);
            log_outcome(log, recipient.address, "handoff", age,
                        Status::make("2.0.0", "delivered before a crash, by the hand-off record"), "sent");
            continue;
        }
        Group& group = is_local ? local : remote;
        group.indexes.push_back(i);
        group.addresses.push_back(recipient.address);
    }
    for (const Group* group : {&local, &remote}) {
        if (group->indexes.empty())
            continue;
        std::string error;
        const auto target = group == &local ? lmtp_target(config, error) : relay_target(config, error);
        const std::string relay = target ? target->address.text : "none";
        std::vector<RecipientOutcome> results(group->addresses.size(), {Status::make("4.3.5", error), {}});
        if (target) {
            const auto keep = config.get_time(group == &local ? "lmtp_connection_cache_time_limit"
                                                              : "smtp_connection_cache_time_limit");
            const ContentPrefix handoff{group == &local ? handoff_keyword : std::string_view(),
                                        QueueDirectory::handoff_header(message.envelope)};
            auto sent = co_await connections_.deliver(*target, keep, message.envelope.sender, group->addresses,
                                                      message.content, handoff);
            results = std::move(sent);
        }
        for (std::size_t k = 0; k < group->indexes.size(); ++k) {
            const std::size_t index = group->indexes[k];
            const RecipientOutcome& result = results[k];
            const std::string& address = group->addresses[k];
            if (result.status.ok()) {
                outcomes.done.push_back(index);
                log_outcome(log, address, relay, age, result.status, "sent");
            } else if (result.status.permanent() || expired) {
                outcomes.bounced.push_back(index);
                outcomes.failures.push_back({address, result.status, result.remote_reply, !result.status.permanent()});
                log_outcome(log, address, relay, age, result.status, "bounced");
            } else {
                outcomes.deferred.emplace_back(index, result.status.enhanced + " " + result.status.text);
                log_outcome(log, address, relay, age, result.status, "deferred");
            }
        }
    }
    const auto minimum = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("minimal_backoff_time")).count();
    const auto maximum = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("maximal_backoff_time")).count();
    BounceInput bounce{config.get("myhostname"), "MAILER-DAEMON@" + config.get("myhostname"), message.envelope.sender,
                       id, message.envelope.arrival, now, outcomes.failures, message.content};
    auto record = [&, this] {
        // A bounce is queued before the recipients are marked: a crash in between sends it twice
        // rather than never.
        std::string bounce_id;
        if (!outcomes.failures.empty() && !message.envelope.sender.empty()) {
            QueueWriter writer(queue_.root(), Envelope{{}, now, "local", "", {{message.envelope.sender}}});
            writer.append(make_bounce(bounce));
            writer.commit();
            bounce_id = writer.id();
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
        return !bounce_id.empty();
    };
    const bool queued_bounce = co_await runtime_.blocking().run(record);
    if (queued_bounce)
        wake();
    if (outcomes.deferred.empty())
        log.info("removed");
}

}  // namespace mailroom::mta
