// imap/session_loop.cpp - the IMAP session coroutine (see session_loop.hpp): greeting, the
// command loop, FETCH's steps (each read on the pool while the one before is written),
// synchronizing literals (RFC 3501 §7.5 continuation requests), APPEND's literal
// streamed to the store, LOGIN/AUTHENTICATE through core's shared login step, STARTTLS
// (buffered plaintext dropped), LOGOUT and the closing log line.
#include "imap/session_loop.hpp"

#include "core/auth/sasl.hpp"
#include "core/runtime/login.hpp"
#include "imap/cmd_append.hpp"
#include "imap/login.hpp"
#include "imap/session_io.hpp"

namespace mailroom::imap {
namespace {

using core::awaitable;
using namespace boost::asio::experimental::awaitable_operators;

constexpr std::size_t output_flush_threshold = 64 * 1024;  // pipelined replies are batched up to this
constexpr std::size_t fetch_step_budget = 256 * 1024;      // output per FETCH step
constexpr std::uint64_t literal_read_chunk = 256 * 1024;   // literal bytes read (and stored) at once

std::string session_log_prefix() { return core::new_log_id(); }

}  // namespace

awaitable<void> run_session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime)
{
    auto snapshot = runtime.snapshot();
    auto settings = std::make_shared<const ImapSettings>(ImapSettings::from_config(*snapshot->config));
    SessionIo io(std::move(connection), runtime, std::move(snapshot), std::move(settings));
    co_await io.run();
}

SessionIo::SessionIo(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
                     std::shared_ptr<const core::RuntimeSnapshot> snapshot, std::shared_ptr<const ImapSettings> settings)
    : conn_(std::move(connection)), runtime_(runtime), snapshot_(std::move(snapshot)),
      session_(settings, core::Logger("imap", session_log_prefix(), conn_->peer().verbose)),
      reader_(ReaderLimits{settings->line_max, settings->command_max})
{
}

void SessionIo::update_transport()
{
    session_.set_transport({conn_->tls_active(), conn_->tls_available(),
                            core::plaintext_auth_allowed(*conn_, *snapshot_->config)});
}

awaitable<void> SessionIo::run()
{
    // When the idle watchdog wins the server's race it cancels this coroutine; what follows a
    // cancelled read must still run (the log line, closing the views on the pool), so
    // cancellation ends the pending operation instead of throwing from every later co_await.
    co_await core::asio::this_coro::throw_if_cancelled(false);
    try {
        co_await converse();
    } catch (const boost::system::system_error& e) {
        // The client went away while we wrote: routine.
        end_reason_ = "connection lost";
        session_.log().verbose(std::string("write failed: ") + e.what());
    } catch (const std::exception& e) {
        end_reason_ = "internal error";
        session_.log().error(std::string("session failed: ") + e.what());
    }
    co_await finish();
}

awaitable<void> SessionIo::converse()
{
    conn_->set_idle_timeout(session_.settings().login_timeout);
    update_transport();
    session_.out() += "* OK [CAPABILITY " + capability_list(session_) + "] mailroom ready.\r\n";
    co_await send(true);
    for (;;) {
        auto event = co_await next_event();
        if (!event) {
            end_reason_ = conn_->timed_out()             ? "timeout"
                          : conn_->shutdown_requested() ? "shutdown"
                                                        : "connection closed";
            co_return;
        }
        if (!co_await handle(std::move(*event)))
            co_return;
    }
}

awaitable<std::optional<SessionIo::Event>> SessionIo::next_event()
{
    for (;;) {
        if (!pending_.empty()) {
            std::size_t used = 0;
            Event event = reader_.feed(pending_, used);
            pending_.erase(0, used);
            if (!std::holds_alternative<CommandReader::NeedMore>(event))
                co_return event;
            if (!pending_.empty())
                continue;
        }
        co_await send(false);
        if (const std::uint64_t due = reader_.literal_remaining()) {
            const bool complete = co_await conn_->read_exact(std::min(due, literal_read_chunk),
                                                             [this](std::string_view bytes) { pending_.append(bytes); });
            if (!complete)
                co_return std::nullopt;
            continue;
        }
        std::string_view line;
        const auto status = co_await conn_->read_line(line, session_.settings().line_max);
        if (status == core::Connection::ReadStatus::closed)
            co_return std::nullopt;
        if (status == core::Connection::ReadStatus::too_long)
            co_return Event(reader_.line_too_long());
        pending_.assign(line);
        pending_ += "\r\n";
        if (pending_.capacity() > 2 * session_.settings().line_max)
            pending_.shrink_to_fit();
    }
}

awaitable<bool> SessionIo::handle(Event event)
{
    if (auto* ready = std::get_if<CommandReader::Ready>(&event))
        co_return co_await run_command(ready->command);
    if (auto* literal = std::get_if<CommandReader::StreamLiteral>(&event))
        co_return co_await stream_append(*literal);
    if (std::holds_alternative<CommandReader::SendContinuation>(event)) {
        append_continuation(session_.out(), "Ready for literal data");
        co_await send(true);
        co_return true;
    }
    const auto& bad = std::get<CommandReader::Bad>(event);
    session_.log().verbose("command refused: " + bad.text);
    append_status(session_.out(), bad.tag, Status::bad, bad.code, bad.text);
    if (bad.fatal) {
        session_.out() += "* BYE Too much invalid input; closing the connection.\r\n";
        end_reason_ = "protocol error";
        co_await send(true);
        co_return false;
    }
    co_return true;
}

awaitable<bool> SessionIo::run_command(const Command& command)
{
    session_.log().verbose("C: " + describe_command(command));
    Reply reply = co_await in_store([&] { return execute_command(session_, command); });
    if (reply.more) {
        co_await run_steps(reply);
        reply.more.reset();
    }
    co_return co_await finish_command(command, reply);
}

// A continuation's steps (FETCH): while the connection writes one step's output, the pool
// produces the next, so reading messages and sending them overlap instead of taking turns.
// send() copies the output into the connection's buffer, so the session's buffer is free for
// the next step at once: at most two steps' output exist, as when they took turns. Until both
// are done the pool touches only the session (step) and this thread only the connection.
awaitable<void> SessionIo::run_steps(Reply& reply)
{
    std::string& out = session_.out();
    out.reserve(out.size() + fetch_step_budget + Continuation::overshoot);   // once, not by doubling
    auto step = [&] { return reply.more->step(session_, out, fetch_step_budget, reply); };
    bool done = co_await in_store(step);
    while (!done) {
        conn_->send(out);
        out.clear();
        // The pool's job is posted first: the write starts with a send() on this thread.
        auto produce = in_store(step);   // named, not temporaries: see core/net/blocking.hpp
        auto write = conn_->flush();
        done = co_await (std::move(produce) && std::move(write));
    }
}

awaitable<bool> SessionIo::finish_command(const Command& command, Reply& reply)
{
    switch (reply.action) {
    case Action::login:
        reply = co_await check_login(session_.login_request().user, session_.login_request().password, {}, "LOGIN");
        break;
    case Action::authenticate:
        reply = co_await authenticate(command);
        break;
    case Action::idle:
        co_return co_await idle(command, reply);
    default:
        break;
    }
    co_await in_store([&] {
        complete_command(session_, command, reply);
        return true;
    });
    session_.log().verbose("S: " + command.tag + " " + std::string(status_name(reply.status)) + " " + reply.text);
    switch (reply.action) {
    case Action::start_tls: {
        co_await send(true);
        pending_.clear();
        reader_.reset();
        if (!co_await conn_->start_tls()) {
            session_.log().verbose("TLS handshake failed: " + conn_->tls_error());
            end_reason_ = "TLS handshake failed";
            co_return false;
        }
        update_transport();
        co_return true;
    }
    case Action::logout:
    case Action::close:
        end_reason_ = reply.action == Action::logout ? "logout" : "protocol error";
        co_await send(true);
        co_return false;
    default:
        co_await send(false);
        co_return true;
    }
}

// APPEND's message: checked and opened before the client sends a byte (a synchronizing
// literal is refused with the tagged NO), then streamed to the store in chunks.
awaitable<bool> SessionIo::stream_append(const CommandReader::StreamLiteral& literal)
{
    const Command& partial = reader_.partial();
    session_.log().verbose("C: " + describe_command(partial) + " {" + std::to_string(literal.size) + "}");
    Reply reply = co_await in_store([&] { return append_begin(session_, partial, literal.size); });
    if (reply.status != Status::ok) {
        append_status(session_.out(), partial.tag, reply.status, reply.code, reply.text);
        if (literal.synchronizing) {
            reader_.literal_refused();
        } else {
            reader_.skip_literal();   // the client sends it anyway: read and drop it
        }
        co_await send(true);
        co_return true;
    }
    if (literal.synchronizing) {
        append_continuation(session_.out(), "Ready for literal data");
        co_await send(true);
    }
    std::string chunk;
    for (std::uint64_t left = literal.size; left > 0;) {
        chunk.clear();
        const auto take = std::min(left, literal_read_chunk);
        if (!co_await conn_->read_exact(take, [&chunk](std::string_view bytes) { chunk.append(bytes); }))
            co_return false;
        left -= take;
        co_await in_store([&] {
            append_data(session_, chunk);
            return true;
        });
    }
    reader_.literal_streamed();
    co_return true;
}

awaitable<Reply> SessionIo::authenticate(const Command& command)
{
    const LoginRequest request = session_.login_request();
    auto exchange = core::start_sasl(request.mechanism);
    core::SaslStep step = exchange->start(request.initial_response
                                              ? std::optional<std::string_view>(*request.initial_response)
                                              : std::nullopt);
    while (step.kind == core::SaslStep::Kind::challenge) {
        append_continuation(session_.out(), step.challenge);
        co_await send(true);
        std::string_view line;
        const auto status = co_await conn_->read_line(line, session_.settings().line_max);
        if (status == core::Connection::ReadStatus::closed)
            co_return Reply::with_action(Action::close, "Connection closed during authentication.");
        if (status == core::Connection::ReadStatus::too_long)
            co_return Reply::bad("Authentication response too long.");
        step = exchange->respond(line);
    }
    if (step.kind == core::SaslStep::Kind::failed) {
        session_.log().verbose("AUTHENTICATE " + command.tag + " failed: " + step.error);
        co_return Reply::bad("Authentication failed: " + step.error);
    }
    co_return co_await check_login(std::move(step.authcid), std::move(step.password), std::move(step.authzid),
                                   request.mechanism);
}

awaitable<Reply> SessionIo::check_login(std::string user, std::string password, std::string authzid,
                                        std::string mechanism)
{
    const core::AuthResult result = co_await core::authenticate_login(runtime_, *conn_, session_.log(), user,
                                                                      std::move(password), std::move(authzid), mechanism);
    if (result.status != core::AuthResult::Status::ok || !result.user)
        co_return login_failed(result);
    auto prepared = co_await runtime_.blocking().run(
        [&] { return mailstore::prepare_mail_user(*result.user, *snapshot_->config); });
    if (!prepared) {
        session_.log().error("login: user=<" + result.user->name + ">: " + prepared.error().text);
        co_return login_unavailable();
    }
    auto store = co_await runtime_.blocking().run_as(prepared->location.owner,
                                                     [&] { return mailstore::open_mail_user(*prepared); });
    if (!store) {
        session_.log().error("login: user=<" + result.user->name + ">: cannot open mail: " + store.error().text);
        co_return login_unavailable();
    }
    session_.log().info("login: user=<" + result.user->name + ">, method=" + mechanism + ", rip=" +
                        conn_->peer().address + (conn_->tls_active() ? ", TLS" : ""));
    conn_->set_idle_timeout(session_.settings().idle_timeout);
    co_return login_succeeded(session_, std::move(*prepared), std::move(*store));
}

awaitable<void> SessionIo::send(bool now)
{
    std::string& out = session_.out();
    if (!out.empty()) {
        conn_->send(out);
        out.clear();
        if (out.capacity() > output_flush_threshold)
            std::string().swap(out);
    }
    // PIPELINING: replies wait while more commands are already here (RFC 3501 §5.5).
    if (conn_->buffered_output() > 0 &&
        (now || !conn_->has_buffered_input() || conn_->buffered_output() > output_flush_threshold))
        co_await conn_->flush();
}

awaitable<void> SessionIo::finish()
{
    if (conn_->shutdown_requested() && !conn_->timed_out() && end_reason_ == "shutdown") {
        session_.out() += "* BYE Server shutting down.\r\n";
        try {
            co_await send(true);
        } catch (const boost::system::system_error&) {
            // Saying goodbye to a client that is gone already is not worth a log line.
        }
    }
    const std::string user = session_.has_user() ? session_.user().user.name : std::string();
    session_.log().info((end_reason_ == "logout" ? "logout" : "disconnect") + std::string(": user=<") + user +
                        ">, rip=" + conn_->peer().address + ", in=" + std::to_string(conn_->bytes_read()) +
                        ", out=" + std::to_string(conn_->bytes_written()) +
                        (end_reason_ == "logout" ? std::string() : ", reason=" + end_reason_));
    // Closing views writes what they kept in memory: store work, on the pool, as the user.
    if (session_.has_user())
        co_await in_store([&] {
            session_.logout();
            return true;
        });
}

}  // namespace mailroom::imap
