// pop3/session.cpp - the POP3 session coroutine (see session.hpp). Only this file touches the
// socket; the conversation itself is pop3/protocol, the maildrop pop3/maildrop.
#include "pop3/session.hpp"

#include "core/log/log.hpp"
#include "core/runtime/login.hpp"
#include "core/util/strings.hpp"
#include "mailstore/mail_user.hpp"
#include "pop3/apop.hpp"
#include "pop3/limits.hpp"
#include "pop3/message_encoder.hpp"
#include "pop3/protocol.hpp"
#include "pop3/read_ahead.hpp"
#include "pop3/settings.hpp"

// g++ 12 miscompiles some co_await forms in this file's coroutines (a frame resumed after it
// finished, seen as SIGILL after STLS with `co_return co_await` in a loop): results of co_await
// are bound to named variables first, and no co_await appears inside a condition.
namespace mailroom::pop3 {
namespace {

using core::awaitable;
using mailstore::Errc;

constexpr std::size_t output_flush_threshold = 64 * 1024;

Protocol::LoginFailure login_failure(const mailstore::Error& error)
{
    if (error.is(Errc::in_use))
        return Protocol::LoginFailure::in_use;
    if (error.is(Errc::no_permission) || error.is(Errc::unsafe_path) || error.is(Errc::corrupt) ||
        error.is(Errc::invalid_name))
        return Protocol::LoginFailure::permanent;
    return Protocol::LoginFailure::temporary;
}

// A message on its way to the client: opened at the first chunk, read and converted one chunk
// per trip to the blocking pool.
struct Transfer {
    Protocol::Retrieve request;
    MessageEncoder encoder;
    std::unique_ptr<mailstore::MessageContent> content;
    std::uint64_t offset = 0;
    std::string out;
};

class Session {
public:
    Session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
            std::shared_ptr<const core::RuntimeSnapshot> snapshot, Settings settings, std::shared_ptr<LoginDelay> logins)
        : conn_(std::move(connection)), runtime_(runtime), snapshot_(std::move(snapshot)),
          settings_(std::move(settings)), logins_(std::move(logins)), log_("pop3", core::new_log_id(), conn_->peer().verbose),
          apop_timestamp_(settings_.enable_apop ? apop_timestamp(settings_.host_name) : std::string()),
          machine_(ProtocolOptions{apop_timestamp_, conn_->tls_available() && !conn_->tls_active(),
                                   core::plaintext_auth_allowed(*conn_, *snapshot_->config), settings_.mark_seen,
                                   settings_.error_limit, settings_.login_delay, settings_.expire_days})
    {
    }

    awaitable<void> run();

private:
    awaitable<void> serve();
    awaitable<bool> handle(Protocol::Event event);
    awaitable<void> send_output(bool now);
    awaitable<bool> start_tls();
    awaitable<Protocol::Event> login(const Protocol::Login& request);
    awaitable<Protocol::Event> open_maildrop(const core::User& user, const std::string& method);
    Protocol::Event maildrop_failed(const core::User& user, const mailstore::Error& error);
    awaitable<bool> retrieve(const Protocol::Retrieve& request);
    mailstore::Result<bool> next_chunk(Transfer& transfer);   // on the pool
    awaitable<Protocol::Event> update(const Protocol::Update& request);
    void log_line(std::string_view line) const;
    void log_disconnect() const;

    template <class Fn>
    auto as_owner(Fn fn)
    {
        return runtime_.blocking().run_as(owner_, std::move(fn));
    }

    std::shared_ptr<core::Connection> conn_;
    core::Runtime& runtime_;
    std::shared_ptr<const core::RuntimeSnapshot> snapshot_;
    Settings settings_;
    std::shared_ptr<LoginDelay> logins_;
    core::Logger log_;
    std::string apop_timestamp_;
    Protocol machine_;
    core::Credentials owner_;
    std::unique_ptr<Maildrop> maildrop_;
    std::string reason_ = "Connection closed";
    std::string framed_;
    std::vector<char> chunk_buffer_;   // used on the pool, one call at a time
    ReadAhead read_ahead_;             // filled on the pool, taken on the I/O thread, in turns
};

awaitable<void> Session::run()
{
    // Finish cleanly (release the maildrop on the pool, log) even after the watchdog fired.
    co_await core::asio::this_coro::throw_if_cancelled(false);
    std::exception_ptr failure;
    try {
        co_await serve();
    } catch (const std::exception&) {
        failure = std::current_exception();
        reason_ = "Connection lost";
    }
    if (maildrop_) {
        co_await as_owner([this] {
            maildrop_.reset();
            return true;
        });
    }
    log_disconnect();
    if (failure)
        std::rethrow_exception(failure);
}

awaitable<void> Session::serve()
{
    conn_->set_idle_timeout(settings_.login_timeout);
    conn_->send(machine_.greeting());
    for (;;) {
        co_await send_output(false);
        if (conn_->shutdown_requested())
            break;   // the command in hand was answered; pipelined ones are not started
        std::string_view line;
        const auto status = co_await conn_->read_line(line, machine_.line_limit());
        if (status == core::Connection::ReadStatus::closed)
            break;
        Protocol::Event event = Protocol::NeedMore{};
        if (status == core::Connection::ReadStatus::too_long) {
            event = machine_.line_too_long();
        } else {
            log_line(line);
            framed_.assign(line);   // the transport took the line end off; the machine wants it
            framed_ += "\r\n";
            std::size_t used = 0;
            event = machine_.feed(framed_, used);
        }
        const bool go_on = co_await handle(std::move(event));
        if (!go_on)
            co_return;
    }
    if (conn_->timed_out()) {
        reason_ = "Inactivity";
    } else if (conn_->shutdown_requested()) {
        reason_ = "Server shutting down";
        conn_->send("-ERR [SYS/TEMP] Server shutting down.\r\n");
        co_await conn_->flush();
    }
}

awaitable<void> Session::send_output(bool now)
{
    if (machine_.has_output())
        conn_->send(machine_.take_output());
    // PIPELINING (RFC 2449 section 6.6): replies wait while more commands are already here.
    if (conn_->buffered_output() > 0 &&
        (now || !conn_->has_buffered_input() || conn_->buffered_output() > output_flush_threshold))
        co_await conn_->flush();
}

// Does what the machine asked for; a login or an update leads to a further event (the
// machine's answer), handled in turn. false: the session ends.
awaitable<bool> Session::handle(Protocol::Event event)
{
    while (std::holds_alternative<Protocol::Login>(event) || std::holds_alternative<Protocol::Update>(event)) {
        if (const auto* request = std::get_if<Protocol::Login>(&event)) {
            Protocol::Event next = co_await login(*request);
            event = std::move(next);
        } else {
            Protocol::Event next = co_await update(std::get<Protocol::Update>(event));
            event = std::move(next);
        }
    }
    bool go_on = true;
    if (std::holds_alternative<Protocol::StartTls>(event)) {
        go_on = co_await start_tls();
    } else if (const auto* request = std::get_if<Protocol::Retrieve>(&event)) {
        go_on = co_await retrieve(*request);
    } else if (const auto* close = std::get_if<Protocol::Close>(&event)) {
        reason_ = close->reason;
        co_await send_output(true);
        go_on = false;
    }
    co_return go_on;
}

awaitable<bool> Session::start_tls()
{
    co_await send_output(true);
    const bool started = co_await conn_->start_tls();
    if (!started) {
        reason_ = "TLS handshake failed: " + conn_->tls_error();
        co_return false;
    }
    machine_.tls_started(core::plaintext_auth_allowed(*conn_, *snapshot_->config));
    co_return true;
}

awaitable<Protocol::Event> Session::login(const Protocol::Login& request)
{
    core::AuthResult result;
    if (request.method == "APOP") {
        core::CredentialCheck check = [timestamp = apop_timestamp_, digest = request.secret](const core::User& user) {
            return check_apop(user, timestamp, digest);
        };
        result = co_await core::authenticate_login(runtime_, *conn_, log_, request.user, std::move(check),
                                                   request.authzid, request.method);
    } else {
        result = co_await core::authenticate_login(runtime_, *conn_, log_, request.user, request.secret,
                                                   request.authzid, request.method);
    }
    if (result.status != core::AuthResult::Status::ok)
        co_return machine_.login_failed(result.status == core::AuthResult::Status::temporary_failure
                                            ? Protocol::LoginFailure::temporary
                                            : Protocol::LoginFailure::credentials);
    // After the password was checked, so the refusal tells nothing to someone guessing.
    if (!logins_->admit(result.user->name, settings_.login_delay)) {
        log_.info("Login refused: user=<" + result.user->name + ">, rip=" + conn_->peer().address +
                  ", less than pop3_login_delay=" + std::to_string(settings_.login_delay.count()) +
                  "s after the previous login");
        co_return machine_.login_failed(Protocol::LoginFailure::login_delay);
    }
    Protocol::Event next = co_await open_maildrop(*result.user, request.method);
    co_return next;
}

awaitable<Protocol::Event> Session::open_maildrop(const core::User& user, const std::string& method)
{
    const core::Config& config = *snapshot_->config;
    auto prepared = co_await runtime_.blocking().run([&] { return mailstore::prepare_mail_user(user, config); });
    if (!prepared)
        co_return maildrop_failed(user, prepared.error());
    owner_ = prepared->location.owner;
    auto opened = co_await as_owner([&]() -> mailstore::Result<std::unique_ptr<Maildrop>> {
        auto store = mailstore::open_mail_user(*prepared);
        if (!store)
            return store.error();
        return Maildrop::open(std::move(*store), settings_.uidl_format, settings_.expire_days);
    });
    if (!opened)
        co_return maildrop_failed(user, opened.error());
    maildrop_ = std::move(*opened);
    machine_.logged_in(user.name, maildrop_->messages());
    conn_->set_idle_timeout(settings_.idle_timeout);
    log_.info("Login: user=<" + user.name + ">, method=" + method + ", rip=" + conn_->peer().address +
              (conn_->tls_active() ? ", TLS" : "") + ", messages=" + std::to_string(maildrop_->messages().size()));
    co_return Protocol::NeedMore{};
}

Protocol::Event Session::maildrop_failed(const core::User& user, const mailstore::Error& error)
{
    if (error.is(Errc::in_use))
        log_.info("maildrop in use by another POP3 session: user=<" + user.name + ">, rip=" + conn_->peer().address);
    else
        log_.error("cannot open the maildrop of user=<" + user.name + ">: " + error.text);
    return machine_.login_failed(login_failure(error));
}

mailstore::Result<bool> Session::next_chunk(Transfer& transfer)
{
    if (!transfer.content) {
        auto opened = maildrop_->open_content(transfer.request.uid);
        if (!opened)
            return opened.error();
        transfer.content = std::move(*opened);
    }
    chunk_buffer_.resize(retrieve_chunk);
    auto n = transfer.content->read(transfer.offset, chunk_buffer_);
    if (!n) {
        transfer.content.reset();
        return n.error();
    }
    transfer.offset += *n;
    const bool wanted = transfer.encoder.encode(std::string_view(chunk_buffer_.data(), *n), transfer.out);
    const bool more = wanted && *n > 0 && transfer.offset < transfer.content->size();
    if (!more) {
        transfer.content.reset();   // let go on the pool, as soon as it is finished with
        if (!transfer.request.body_lines)
            read_ahead_.fill(*maildrop_, transfer.request.number, retrieve_read_ahead);   // numbers count from 1
    }
    return more;
}

awaitable<bool> Session::retrieve(const Protocol::Retrieve& request)
{
    if (auto ready = request.body_lines ? std::nullopt : read_ahead_.take(request.uid)) {
        machine_.retrieve_started(Protocol::RetrieveStart::ok);
        conn_->send(machine_.take_output());
        conn_->send(ready->body);
        conn_->send(ready->end);
        machine_.retrieve_finished(ready->body.size());
        co_return true;
    }
    read_ahead_.clear();
    Transfer transfer{request, MessageEncoder(request.body_lines), nullptr, 0, {}};
    // The first trip to the pool also opens the message; most messages fit one chunk.
    auto more = co_await as_owner([&] { return next_chunk(transfer); });
    if (!more) {
        const bool gone = more.error().is(Errc::expunged);
        if (!gone)
            log_.error("cannot read message " + std::to_string(request.uid) + " of user=<" + machine_.user() +
                       ">: " + more.error().text);
        machine_.retrieve_started(gone ? Protocol::RetrieveStart::expunged : Protocol::RetrieveStart::failed);
        co_return true;
    }
    machine_.retrieve_started(Protocol::RetrieveStart::ok);
    conn_->send(machine_.take_output());
    std::uint64_t sent = 0;
    for (bool again = *more;; again = *more) {
        sent += transfer.out.size();
        conn_->send(transfer.out);
        transfer.out.clear();
        if (!again)
            break;
        co_await conn_->flush();   // one chunk in memory at a time, however large the message
        more = co_await as_owner([&] { return next_chunk(transfer); });
        if (!more) {
            // The +OK is out and a multi-line reply cannot turn into -ERR: closing the
            // connection without the final "." tells the client the message is incomplete.
            log_.error("reading message " + std::to_string(request.uid) + " of user=<" + machine_.user() +
                       "> failed midway: " + more.error().text);
            reason_ = "Storage error while sending a message";
            co_return false;
        }
    }
    transfer.encoder.finish(transfer.out);
    conn_->send(transfer.out);
    machine_.retrieve_finished(sent);
    co_return true;
}

awaitable<Protocol::Event> Session::update(const Protocol::Update& request)
{
    auto updated =
        co_await as_owner([&] { return maildrop_->update(request.expunge, request.seen, request.retrieved); });
    if (!updated) {
        log_.error("cannot update the maildrop of user=<" + machine_.user() + ">: " + updated.error().text);
        co_return machine_.update_finished(std::nullopt);
    }
    if (const std::size_t expired = maildrop_->expired_removed(); expired > 0)
        log_.info("Expired: user=<" + machine_.user() + ">, " + std::to_string(expired) +
                  " message(s) first retrieved " + std::to_string(*settings_.expire_days) + " or more days ago");
    co_return machine_.update_finished(*updated);
}

// debug_peer_list: the conversation, without passwords and SASL responses.
void Session::log_line(std::string_view line) const
{
    if (!log_.is_verbose())
        return;
    if (machine_.in_sasl_exchange())
        line = "<SASL response>";
    else if (core::istarts_with(line, "PASS "))
        line = "PASS <password>";
    log_.verbose("< " + std::string(line));
}

void Session::log_disconnect() const
{
    const std::string rip = "rip=" + conn_->peer().address;
    if (!machine_.logged_in()) {
        log_.info("Disconnected: " + reason_ + " (no login), " + rip);
        return;
    }
    const SessionStats& s = machine_.stats();
    log_.info("Disconnected: " + reason_ + " user=<" + machine_.user() + ">, " + rip +
              ", top=" + std::to_string(s.top_count) + "/" + std::to_string(s.top_bytes) +
              ", retr=" + std::to_string(s.retr_count) + "/" + std::to_string(s.retr_bytes) +
              ", del=" + std::to_string(s.deleted) + "/" + std::to_string(s.left) + ", size=" + std::to_string(s.size));
}

}  // namespace

awaitable<void> run_session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
                            std::shared_ptr<LoginDelay> logins)
{
    auto snapshot = runtime.snapshot();
    std::string error;
    auto settings = read_settings(*snapshot->config, error);
    if (!settings) {
        core::Logger("pop3").error(error + " (refusing POP3 connections until the configuration is fixed)");
        co_await connection->write("-ERR [SYS/TEMP] Server configuration error, please try again later.\r\n");
        co_return;
    }
    Session session(std::move(connection), runtime, std::move(snapshot), std::move(*settings), std::move(logins));
    co_await session.run();
}

}  // namespace mailroom::pop3
