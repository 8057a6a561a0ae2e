// core/smtp/server_session.cpp - the shared SMTP/LMTP session loop (see server_session.hpp).
#include "core/smtp/server_session.hpp"

namespace mailroom::core::smtp {
namespace {

constexpr std::size_t data_line_max = 1u << 20;      // a DATA line the transport can hold
constexpr std::uint64_t chunk_read_max = 256 * 1024;  // BDAT bytes fed to the machine at once
constexpr std::size_t output_flush_threshold = 64 * 1024;

}  // namespace

ServerSession::ServerSession(std::shared_ptr<Connection> connection, ProtocolSettings settings,
                             SessionTimeouts timeouts, Logger log, std::string client)
    : conn_(std::move(connection)), machine_(settings), timeouts_(timeouts), log_(std::move(log)),
      client_(std::move(client)), host_name_(settings.host_name)
{
}

awaitable<void> ServerSession::run()
{
    log_.info("connect from " + client_);
    conn_->set_idle_timeout(timeouts_.command);
    co_await conn_->write(machine_.greeting());
    for (;;) {
        co_await send_output(false);
        if (const auto remaining = machine_.chunk_remaining(); remaining > 0) {
            piece_.clear();
            conn_->set_idle_timeout(timeouts_.data);
            if (!co_await conn_->read_exact(std::min(remaining, chunk_read_max),
                                            [this](std::string_view bytes) { piece_.append(bytes); }))
                break;
            if (!co_await feed(piece_))
                break;
            continue;
        }
        const bool data = machine_.in_data();
        conn_->set_idle_timeout(data ? timeouts_.data : timeouts_.command);
        std::string_view line;
        const auto status = co_await conn_->read_line(line, data ? data_line_max : command_line_max);
        if (status == Connection::ReadStatus::closed)
            break;
        if (status == Connection::ReadStatus::too_long) {
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
        conn_->send("421 4.3.2 " + host_name_ + " Service shutting down\r\n");
        co_await conn_->flush();
    }
    log_.info((conn_->timed_out() ? "timeout after " + std::string(machine_.in_data() ? "DATA" : "command") + " from "
                                  : std::string("disconnect from ")) +
              client_);
}

awaitable<bool> ServerSession::feed(std::string_view input)
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

awaitable<bool> ServerSession::handle(Protocol::Event event)
{
    if (const auto* sender = std::get_if<Protocol::VerifySender>(&event))
        co_await verify_sender(*sender);
    else if (const auto* recipient = std::get_if<Protocol::VerifyRecipient>(&event))
        co_await verify_recipient(*recipient);
    else if (const auto* data = std::get_if<Protocol::MessageData>(&event))
        co_await message_data(data->bytes);
    else if (std::holds_alternative<Protocol::MessageDiscard>(event))
        message_discard();
    else if (std::holds_alternative<Protocol::MessageEnd>(event))
        co_await message_end();
    else if (const auto* request = std::get_if<Protocol::Extension>(&event)) {
        co_await send_output(true);
        const bool go_on = co_await extension(*request);
        co_return go_on;
    } else if (std::holds_alternative<Protocol::Close>(event)) {
        co_await send_output(true);
        co_return false;
    }
    co_return true;
}

awaitable<void> ServerSession::verify_sender(const Protocol::VerifySender&)
{
    machine_.sender_verified(Status{250, "2.1.0", "Ok"});
    co_return;
}

awaitable<bool> ServerSession::extension(const Protocol::Extension& request)
{
    machine_.send_reply(502, "5.5.1", "Error: " + request.verb + " not available");
    co_return true;
}

awaitable<void> ServerSession::send_output(bool now)
{
    if (machine_.has_output())
        conn_->send(machine_.take_output());
    // PIPELINING: replies wait while more commands are already here (RFC 2920 section 3.2).
    if (conn_->buffered_output() > 0 &&
        (now || !conn_->has_buffered_input() || conn_->buffered_output() > output_flush_threshold))
        co_await conn_->flush();
}

}  // namespace mailroom::core::smtp
