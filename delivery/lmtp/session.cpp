// delivery/lmtp/session.cpp - the LMTP session coroutine (see session.hpp). Only this file
// touches the socket; the conversation itself is delivery/lmtp/protocol.
#include "delivery/lmtp/session.hpp"

#include "core/log/log.hpp"
#include "delivery/lmtp/protocol.hpp"
#include "delivery/pipeline.hpp"
#include "delivery/spool.hpp"

#include <ctime>

namespace mailroom::delivery::lmtp {
namespace {

using core::awaitable;

constexpr std::size_t data_line_max = 1u << 20;      // a DATA line the transport can hold
constexpr std::uint64_t chunk_read_max = 256 * 1024;  // BDAT bytes fed to the machine at once
constexpr std::size_t output_flush_threshold = 64 * 1024;
// While mailroom itself works (deliveries, commands), the client is not idle: the work has
// its own limits (command_time_limit, mbox_lock_timeout).
constexpr auto working_timeout = std::chrono::hours(24);

class Session {
public:
    Session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime, DeliveryServices services)
        : conn_(std::move(connection)), runtime_(runtime), services_(std::move(services)),
          log_("lmtp", {}, conn_->peer().verbose),
          machine_({services_.settings.myhostname, services_.settings.message_size_limit,
                    static_cast<std::size_t>(services_.config->get_number("lmtp_recipient_limit"))}),
          client_(conn_->peer().unix_socket ? "local" : "unknown[" + conn_->peer().address + "]"),
          command_timeout_(services_.config->get_time("lmtp_command_timeout")),
          data_timeout_(services_.config->get_time("lmtp_data_timeout")),
          spool_memory_(services_.config->get_number("lmtp_spool_memory_limit"))
    {
    }

    awaitable<void> run();

private:
    awaitable<bool> feed(std::string_view input);
    awaitable<bool> handle(Protocol::Event event);
    awaitable<void> send_output(bool now);
    awaitable<void> verify(const Protocol::VerifyRecipient& request);
    awaitable<void> store(std::string_view bytes);
    awaitable<void> deliver();

    std::shared_ptr<core::Connection> conn_;
    core::Runtime& runtime_;
    DeliveryServices services_;
    core::Logger log_;
    Protocol machine_;
    std::string client_;
    std::chrono::milliseconds command_timeout_;
    std::chrono::milliseconds data_timeout_;
    std::size_t spool_memory_;
    std::unique_ptr<MessageSpool> spool_;
    std::chrono::steady_clock::time_point message_began_;
    std::string framed_;
    std::string piece_;
};

awaitable<void> Session::run()
{
    log_.info("connect from " + client_);
    conn_->set_idle_timeout(command_timeout_);
    co_await conn_->write(machine_.greeting());
    for (;;) {
        co_await send_output(false);
        if (const auto remaining = machine_.chunk_remaining(); remaining > 0) {
            piece_.clear();
            conn_->set_idle_timeout(data_timeout_);
            if (!co_await conn_->read_exact(std::min(remaining, chunk_read_max),
                                            [this](std::string_view bytes) { piece_.append(bytes); }))
                break;
            if (!co_await feed(piece_))
                break;
            continue;
        }
        const bool data = machine_.in_data();
        conn_->set_idle_timeout(data ? data_timeout_ : command_timeout_);
        std::string_view line;
        const auto status = co_await conn_->read_line(line, data ? data_line_max : command_line_max);
        if (status == core::Connection::ReadStatus::closed)
            break;
        if (status == core::Connection::ReadStatus::too_long) {
            if (!co_await handle(machine_.line_too_long()))
                break;
            continue;
        }
        // The transport took the line end off; CRLF is what the machine expects back.
        framed_.assign(line);
        framed_ += "\r\n";
        if (!co_await feed(framed_))
            break;
    }
    if (conn_->shutdown_requested() && !conn_->timed_out()) {
        conn_->send("421 4.3.2 " + services_.settings.myhostname + " Service shutting down\r\n");
        co_await conn_->flush();
    }
    log_.info((conn_->timed_out() ? "timeout after " + std::string(machine_.in_data() ? "DATA" : "command") +
                                        " from "
                                  : std::string("disconnect from ")) +
              client_);
}

awaitable<bool> Session::feed(std::string_view input)
{
    for (;;) {
        std::size_t used = 0;
        const Protocol::Event event = machine_.feed(input, used);
        input.remove_prefix(used);
        if (!co_await handle(event))
            co_return false;
        if (std::holds_alternative<Protocol::NeedMore>(event) && (input.empty() || used == 0))
            co_return true;
    }
}

awaitable<bool> Session::handle(Protocol::Event event)
{
    if (const auto* verify_request = std::get_if<Protocol::VerifyRecipient>(&event))
        co_await verify(*verify_request);
    else if (const auto* data = std::get_if<Protocol::MessageData>(&event))
        co_await store(data->bytes);
    else if (std::holds_alternative<Protocol::MessageDiscard>(event))
        spool_.reset();
    else if (std::holds_alternative<Protocol::MessageEnd>(event))
        co_await deliver();
    else if (std::holds_alternative<Protocol::Close>(event)) {
        co_await send_output(true);
        co_return false;
    }
    co_return true;
}

awaitable<void> Session::send_output(bool now)
{
    if (machine_.has_output())
        conn_->send(machine_.take_output());
    // PIPELINING: replies wait while more commands are already here (RFC 2920 section 3.2).
    if (conn_->buffered_output() > 0 &&
        (now || !conn_->has_buffered_input() || conn_->buffered_output() > output_flush_threshold))
        co_await conn_->flush();
}

awaitable<void> Session::verify(const Protocol::VerifyRecipient& request)
{
    Status status;
    try {
        status = co_await runtime_.blocking().run([&] {
            return check_recipient(services_, request.address, machine_.sender(), request.declared_size);
        });
    } catch (const std::exception& e) {
        log_.error("checking recipient " + request.address + ": " + e.what());
        status = Status::make("4.3.0", "internal error while checking the recipient");
    }
    if (!status.ok())
        log_.info("NOQUEUE: reject: RCPT from " + client_ + ": " + std::to_string(status.reply) + " " +
                  status.enhanced + " <" + request.address + ">: " + status.text + "; from=<" + machine_.sender() +
                  "> to=<" + request.address + "> proto=LMTP helo=<" + machine_.lhlo_name() + ">");
    machine_.recipient_verified(status);
}

awaitable<void> Session::store(std::string_view bytes)
{
    if (!spool_) {
        spool_ = std::make_unique<MessageSpool>(services_.settings.data_directory, spool_memory_);
        message_began_ = std::chrono::steady_clock::now();
    }
    spool_->append(bytes);
    if (spool_->wants_flush()) {
        MessageSpool* spool = spool_.get();
        co_await runtime_.blocking().run([spool] {
            spool->flush();
            return true;
        });
    }
}

awaitable<void> Session::deliver()
{
    conn_->set_idle_timeout(working_timeout);
    if (!spool_) {   // an empty message: nothing was stored yet
        spool_ = std::make_unique<MessageSpool>(services_.settings.data_directory, spool_memory_);
        message_began_ = std::chrono::steady_clock::now();
    }
    MessageSpool& spool = *spool_;
    co_await runtime_.blocking().run([&spool] {
        spool.finish();
        return true;
    });
    const std::string queue_id = core::new_log_id();
    const core::Logger message_log = log_.with_prefix(queue_id);
    const std::vector<std::string> recipients = machine_.recipients();   // the machine resets after the last
    message_log.info("client=" + client_ + ", from=<" + machine_.sender() + ">, size=" + std::to_string(spool.size()) +
                     ", nrcpt=" + std::to_string(recipients.size()));
    if (spool.failed())
        message_log.error(spool.error());
    const TraceInfo trace{queue_id, services_.settings.myhostname, machine_.lhlo_name(),
                          conn_->peer().unix_socket ? "unix" : conn_->peer().address, "LMTP", std::time(nullptr)};
    const MessageInput input{spool.view(), machine_.sender(), trace, message_began_, "local"};
    DeliveredSet delivered;
    for (const auto& recipient : recipients) {
        Status status = Status::make("4.3.0", "cannot spool the message: " + spool.error());
        if (!spool.failed()) {
            try {
                status = co_await runtime_.blocking().run([&] {
                    return deliver_to_recipient(services_, input, {recipient, {}, {}}, delivered, message_log);
                });
            } catch (const std::exception& e) {
                message_log.error("delivering to " + recipient + ": " + e.what());
                status = Status::make("4.3.0", "internal error during delivery");
            }
        }
        // This recipient's copy is durable (or failed): tell the client now.
        machine_.recipient_delivered(status);
        co_await send_output(true);
    }
    spool_.reset();
    conn_->set_idle_timeout(command_timeout_);
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
