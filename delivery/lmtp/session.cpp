// delivery/lmtp/session.cpp - the LMTP session (see session.hpp): the shared SMTP-family loop
// (core/smtp/server_session) with delivery's hooks. Only the loop touches the socket.
#include "delivery/lmtp/session.hpp"

#include "core/log/log.hpp"
#include "core/smtp/server_session.hpp"
#include "delivery/actions/journaled_store.hpp"
#include "delivery/lmtp/handoff.hpp"
#include "delivery/pipeline.hpp"
#include "delivery/spool.hpp"

#include <ctime>

namespace mailroom::delivery::lmtp {
namespace {

using core::awaitable;
using core::smtp::Protocol;

// While mailroom itself works (deliveries, commands), the client is not idle: the work has
// its own limits (command_time_limit, mbox_lock_timeout).
constexpr auto working_timeout = std::chrono::hours(24);

core::smtp::ProtocolSettings protocol_settings(const DeliveryServices& services)
{
    core::smtp::ProtocolSettings settings;
    settings.host_name = services.settings.myhostname;
    settings.message_size_limit = services.settings.message_size_limit;
    settings.recipient_limit = static_cast<std::size_t>(services.config->get_number("lmtp_recipient_limit"));
    return settings;
}

class Session : public core::smtp::ServerSession {
public:
    Session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime, DeliveryServices services)
        : ServerSession(connection, protocol_settings(services),
                        {services.config->get_time("lmtp_command_timeout"), services.config->get_time("lmtp_data_timeout")},
                        core::Logger("lmtp", {}, connection->peer().verbose),
                        connection->peer().unix_socket ? "local" : "unknown[" + connection->peer().address + "]"),
          runtime_(runtime), services_(std::move(services)),
          spool_memory_(services_.config->get_number("lmtp_spool_memory_limit")),
          queue_directory_(services_.config->knows("queue_directory") ? services_.config->get("queue_directory") : "")
    {
        if (!queue_directory_.empty())   // this daemon's queue manager may be the client (handoff.hpp)
            machine().set_extra_keywords({std::string(handoff_keyword)});
    }

private:
    awaitable<void> verify_recipient(const Protocol::VerifyRecipient& request) override;
    awaitable<void> message_data(std::string_view bytes) override;
    void message_discard() override { spool_.reset(); }
    awaitable<void> message_end() override;
    Status deliver_one(const MessageInput& input, const std::string& recipient, const std::optional<Handoff>& handoff,
                       std::optional<HandoffRecord>& record, DeliveredSet& delivered, const core::Logger& log);

    core::Runtime& runtime_;
    DeliveryServices services_;
    std::size_t spool_memory_;
    std::string queue_directory_;
    std::unique_ptr<MessageSpool> spool_;
    std::chrono::steady_clock::time_point message_began_;
};

awaitable<void> Session::verify_recipient(const Protocol::VerifyRecipient& request)
{
    Status status;
    try {
        status = co_await runtime_.delivery_blocking().run([&] {
            return check_recipient(services_, request.address, machine().sender(), request.declared_size);
        });
    } catch (const std::exception& e) {
        log().error("checking recipient " + request.address + ": " + e.what());
        status = Status::make("4.3.0", "internal error while checking the recipient");
    }
    if (!status.ok())
        log().info("NOQUEUE: reject: RCPT from " + client() + ": " + std::to_string(status.reply) + " " +
                  status.enhanced + " <" + request.address + ">: " + status.text + "; from=<" + machine().sender() +
                  "> to=<" + request.address + "> proto=LMTP helo=<" + machine().hello_name() + ">");
    machine().recipient_verified(status);
}

// One recipient, on the blocking pool. With a hand-off, the record (opened by the first
// recipient) says whether an earlier attempt delivered the recipient already, journals its
// stores, and gets its done line before the reply goes out.
Status Session::deliver_one(const MessageInput& input, const std::string& recipient,
                            const std::optional<Handoff>& handoff, std::optional<HandoffRecord>& record,
                            DeliveredSet& delivered, const core::Logger& log)
{
    if (handoff && !record) {
        try {
            record.emplace(queue_directory_, *handoff);
            // What earlier attempts delivered counts for duplicate elimination as if this
            // attempt had (a second recipient of the same mailbox, a command already run).
            delivered.insert(record->delivered_destinations().begin(), record->delivered_destinations().end());
        } catch (const std::exception& e) {   // delivering without it: as before records existed
            log.warning(std::string("hand-off record: ") + e.what());
        }
    }
    if (!record)
        return deliver_to_recipient(services_, input, {recipient, {}, {}}, delivered, log);
    if (record->done(recipient)) {
        log.info("to=<" + recipient + ">: delivered before a crash, by the hand-off record");
        return Status::sent("delivered before a crash (hand-off record)");
    }
    StoreJournal journal(*record, recipient, log);
    Status result = deliver_to_recipient(services_, input, {recipient, {}, {}}, delivered, log, &journal);
    if (result.ok()) {
        try {
            record->record_done(recipient);
        } catch (const std::exception& e) {   // the intent lines still keep a retry from storing again
            log.warning(std::string("hand-off record: ") + e.what());
        }
    }
    return result;
}

awaitable<void> Session::message_data(std::string_view bytes)
{
    if (!spool_) {
        spool_ = std::make_unique<MessageSpool>(services_.settings.data_directory, spool_memory_);
        message_began_ = std::chrono::steady_clock::now();
    }
    spool_->append(bytes);
    if (spool_->wants_flush()) {
        MessageSpool* spool = spool_.get();
        co_await runtime_.delivery_blocking().run([spool] {
            spool->flush();
            return true;
        });
    }
}

awaitable<void> Session::message_end()
{
    connection().set_idle_timeout(working_timeout);
    if (!spool_) {   // an empty message: nothing was stored yet
        spool_ = std::make_unique<MessageSpool>(services_.settings.data_directory, spool_memory_);
        message_began_ = std::chrono::steady_clock::now();
    }
    MessageSpool& spool = *spool_;
    co_await runtime_.delivery_blocking().run([&spool] {
        spool.finish();
        return true;
    });
    const std::string queue_id = core::new_log_id();
    const core::Logger message_log = log().with_prefix(queue_id);
    const std::vector<std::string> recipients = machine().recipients();   // the machine resets after the last
    message_log.info("client=" + client() + ", from=<" + machine().sender() + ">, size=" + std::to_string(spool.size()) +
                     ", nrcpt=" + std::to_string(recipients.size()));
    if (spool.failed())
        message_log.error(spool.error());
    const TraceInfo trace{queue_id, services_.settings.myhostname, machine().hello_name(),
                          connection().peer().unix_socket ? "unix" : connection().peer().address, "LMTP", std::time(nullptr)};
    std::string_view content = spool.view();
    const auto handoff = queue_directory_.empty() ? std::nullopt : take_handoff_line(content);
    const MessageInput input{content, machine().sender(), trace, message_began_, "local"};
    DeliveredSet delivered;
    std::optional<HandoffRecord> record;
    for (const auto& recipient : recipients) {
        Status status = Status::make("4.3.0", "cannot spool the message: " + spool.error());
        if (!spool.failed()) {
            try {
                status = co_await runtime_.delivery_blocking().run([&] {
                    return deliver_one(input, recipient, handoff, record, delivered, message_log);
                });
            } catch (const std::exception& e) {
                message_log.error("delivering to " + recipient + ": " + e.what());
                status = Status::make("4.3.0", "internal error during delivery");
            }
        }
        // This recipient's copy is durable (or failed): tell the client now.
        machine().recipient_delivered(status);
        co_await send_output(true);
    }
    spool_.reset();
    connection().set_idle_timeout(timeouts().command);
}

awaitable<void> refuse(std::shared_ptr<core::Connection> connection)
{
    co_await connection->write("421 4.3.5 Error: mail system configuration error\r\n");
}

awaitable<void> serve(std::unique_ptr<Session> session)
{
    co_await session->run();
}

}  // namespace

awaitable<void> run_session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
                            const DeliveryServices& shared)
{
    const auto snapshot = runtime.snapshot();
    std::string error;
    auto settings = read_delivery_settings(*snapshot->config, error);
    if (!settings) {
        core::Logger("lmtp").error(error);
        return refuse(std::move(connection));
    }
    return serve(std::make_unique<Session>(
        std::move(connection), runtime,
        DeliveryServices{std::move(*settings), snapshot->config, snapshot->users, shared.aliases, shared.filters}));
}

}  // namespace mailroom::delivery::lmtp
