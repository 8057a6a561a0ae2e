// mta/smtpd/session.cpp - the SMTP, submission and sendmail-socket sessions (see session.hpp).
#include "mta/smtpd/session.hpp"

#include "core/auth/sasl.hpp"
#include "core/log/log.hpp"
#include "core/net/network_list.hpp"
#include "core/runtime/login.hpp"
#include "core/smtp/server_session.hpp"
#include "core/util/strings.hpp"
#include "mta/queue/dsn.hpp"
#include "mta/queue/routing.hpp"

namespace mailroom::mta {
namespace {

using core::awaitable;
using core::smtp::Protocol;
using core::smtp::Status;

constexpr std::size_t sasl_line_max = 12 * 1024;   // RFC 4954 section 4: at least 12288 octets
constexpr std::size_t write_behind = 256 * 1024;   // content is written to the queue file in pieces this big

const char* service_name(SmtpdKind kind)
{
    return kind == SmtpdKind::smtp ? "smtpd" : kind == SmtpdKind::submission ? "submission" : "sendmail";
}

core::smtp::ProtocolSettings protocol_settings(const core::Config& config, SmtpdKind kind)
{
    core::smtp::ProtocolSettings settings;
    settings.dialect = core::smtp::Dialect::smtp;
    settings.host_name = config.get("myhostname");
    settings.banner = config.get("smtpd_banner");
    settings.message_size_limit = config.get_number("message_size_limit");
    settings.recipient_limit = static_cast<std::size_t>(config.get_number("smtpd_recipient_limit"));
    settings.verify_sender = kind == SmtpdKind::submission;
    settings.dsn = true;   // RFC 3461 on every SMTP service (sendmail -bs included); not LMTP (docs/mta.md)
    return settings;
}

std::string client_name(const core::Connection& connection)
{
    return connection.peer().unix_socket ? "local" : "unknown[" + connection.peer().address + "]";
}

class SmtpdSession : public core::smtp::ServerSession {
public:
    SmtpdSession(std::shared_ptr<core::Connection> connection, const SmtpdContext& context,
                 std::shared_ptr<const core::RuntimeSnapshot> snapshot)
        : ServerSession(connection, protocol_settings(*snapshot->config, context.kind),
                        {snapshot->config->get_time("smtpd_timeout"), snapshot->config->get_time("smtpd_timeout")},
                        core::Logger(service_name(context.kind), {}, connection->peer().verbose),
                        client_name(*connection)),
          context_(context), snapshot_(std::move(snapshot)), config_(*snapshot_->config)
    {
        std::string ignored;
        auto networks = core::NetworkList::parse(config_.get_list("mynetworks"), ignored);
        trusted_ = context_.kind == SmtpdKind::sendmail ||
                   (networks && !connection->peer().unix_socket && networks->contains(connection->peer().address));
        update_keywords();
    }

private:
    awaitable<void> verify_sender(const Protocol::VerifySender& request) override;
    awaitable<void> verify_recipient(const Protocol::VerifyRecipient& request) override;
    awaitable<void> message_data(std::string_view bytes) override;
    void message_discard() override;
    awaitable<void> message_end() override;
    awaitable<bool> extension(const Protocol::Extension& request) override;

    awaitable<bool> start_tls();
    awaitable<bool> authenticate(const std::string& argument);
    awaitable<void> write_data(std::string_view bytes);
    awaitable<void> write_pending(bool all);
    void update_keywords();
    bool sender_allowed(const std::string& sender) const;
    std::string received_header(const std::string& id) const;

    const SmtpdContext& context_;
    std::shared_ptr<const core::RuntimeSnapshot> snapshot_;
    const core::Config& config_;
    bool trusted_ = false;
    std::optional<core::User> user_;
    std::unique_ptr<QueueWriter> writer_;
    std::string pending_;
    std::string queue_error_;   // the queue file could not be written: the message gets 451
};

void SmtpdSession::update_keywords()
{
    std::vector<std::string> keywords;
    if (connection().tls_available() && !connection().tls_active())
        keywords.push_back("STARTTLS");
    if (context_.kind == SmtpdKind::submission && connection().tls_active() && !user_)
        keywords.push_back("AUTH PLAIN LOGIN");
    machine().set_extra_keywords(std::move(keywords));
}

awaitable<bool> SmtpdSession::extension(const Protocol::Extension& request)
{
    if (request.verb == "STARTTLS") {
        if (!connection().tls_available() || connection().tls_active()) {
            machine().send_reply(502, "5.5.1", "Error: STARTTLS not available");
            co_return true;
        }
        // Named results, never co_return co_await: g++ 12 resumed a finished frame (pop3/session.cpp).
        const bool started = co_await start_tls();
        co_return started;
    }
    if (context_.kind != SmtpdKind::submission) {
        machine().send_reply(502, "5.5.1", "Error: authentication not enabled here (use the submission port)");
        co_return true;
    }
    if (!connection().tls_active()) {   // RFC 6409 section 4.3 policy: no password in clear text
        machine().send_reply(530, "5.7.0", "Must issue a STARTTLS command first");
        co_return true;
    }
    if (user_) {
        machine().send_reply(503, "5.5.1", "Error: already authenticated");
        co_return true;
    }
    const bool go_on = co_await authenticate(request.argument);
    co_return go_on;
}

awaitable<bool> SmtpdSession::start_tls()
{
    connection().send("220 2.0.0 Ready to start TLS\r\n");
    co_await connection().flush();
    const bool started = co_await connection().start_tls();
    if (!started) {
        log().info("STARTTLS failed for " + client() + ": " + connection().tls_error());
        co_return false;
    }
    machine().tls_started();
    update_keywords();
    co_return true;
}

awaitable<bool> SmtpdSession::authenticate(const std::string& argument)
{
    const auto words = core::split_fields(argument, ' ');
    auto exchange = words.empty() ? nullptr : core::start_sasl(words[0]);
    if (!exchange) {
        machine().send_reply(504, "5.5.4", "Error: unsupported authentication mechanism");
        co_return true;
    }
    core::SaslStep step = exchange->start(words.size() > 1 ? std::optional<std::string_view>(words[1]) : std::nullopt);
    while (step.kind == core::SaslStep::Kind::challenge) {
        co_await connection().write("334 " + step.challenge + "\r\n");
        std::string line;
        const auto status = co_await connection().read_line(line, sasl_line_max);
        if (status == core::Connection::ReadStatus::closed)
            co_return false;
        step = status == core::Connection::ReadStatus::too_long ? core::SaslStep{} : exchange->respond(line);
    }
    if (step.kind == core::SaslStep::Kind::failed) {
        machine().send_reply(step.error == "cancelled" ? 501 : 535, "5.7.8",
                             "Error: authentication failed: " + step.error);
        co_return true;
    }
    const auto result = co_await core::authenticate_login(*context_.runtime, connection(), log(), step.authcid,
                                                          step.password, step.authzid, words[0]);
    if (result.status == core::AuthResult::Status::temporary_failure) {
        machine().send_reply(454, "4.7.0", "Temporary authentication failure");
    } else if (result.status != core::AuthResult::Status::ok) {
        machine().send_reply(535, "5.7.8", "Error: authentication failed");
    } else {
        user_ = result.user;
        log().info("client=" + client() + ", sasl_method=" + core::to_upper(words[0]) + ", sasl_username=" +
                   user_->name);
        machine().send_reply(235, "2.7.0", "Authentication successful");
        update_keywords();
    }
    co_return true;
}

bool SmtpdSession::sender_allowed(const std::string& sender) const
{
    if (!config_.get_bool("submission_sender_check") || sender.empty())
        return true;
    if (core::iequals(sender, user_->name))
        return true;
    const auto at = sender.rfind('@');
    return at != std::string::npos && user_->domain.empty() && core::iequals(sender.substr(0, at), user_->name) &&
           is_local_recipient(config_, sender);
}

awaitable<void> SmtpdSession::verify_sender(const Protocol::VerifySender& request)
{
    if (!user_)
        machine().sender_verified(Status{530, "5.7.0", "Authentication required"});
    else if (!sender_allowed(request.address))
        machine().sender_verified(Status{553, "5.7.1", "Sender address rejected: not owned by user " + user_->name});
    else
        machine().sender_verified(Status{250, "2.1.0", "Ok"});
    co_return;
}

awaitable<void> SmtpdSession::verify_recipient(const Protocol::VerifyRecipient& request)
{
    Status status{250, "2.1.5", "Ok"};
    if (is_local_recipient(config_, request.address)) {
        const std::string address = request.address;
        const std::string sender = machine().sender();
        try {
            // Named, not a temporary in the co_await expression (GCC bug 101367, see blocking.hpp).
            auto check = [&check = context_.check_recipient, &address, &sender] { return check(address, sender); };
            status = co_await context_.runtime->blocking().run(check);
        } catch (const std::exception& e) {
            log().error("checking recipient " + address + ": " + e.what());
            status = Status::make("4.3.0", "internal error while checking the recipient");
        }
    } else if (!trusted_ && !user_) {
        status = {554, "5.7.1", "Relay access denied"};
    }
    if (!status.ok())
        log().info("NOQUEUE: reject: RCPT from " + client() + ": " + std::to_string(status.reply) + " " +
                   status.enhanced + " <" + request.address + ">: " + status.text + "; from=<" + machine().sender() +
                   "> to=<" + request.address + "> proto=ESMTP helo=<" + machine().hello_name() + ">");
    machine().recipient_verified(status);
}

std::string SmtpdSession::received_header(const std::string& id) const
{
    const auto& peer = connection().peer();
    std::string from = peer.unix_socket ? "local" : machine().hello_name() + " (" + client() + ")";
    std::string with = std::string("ESMTP") + (connection().tls_active() ? "S" : "") + (user_ ? "A" : "");
    const auto& recipients = machine().recipients();
    return "Received: from " + core::smtp::one_line(from) + "\n\tby " + config_.get("myhostname") +
           " (mailroom) with " + with + " id " + id + (recipients.size() == 1 ? "\n\tfor <" + recipients[0] + ">" : "") +
           "; " + rfc5322_date(std::time(nullptr)) + "\n";
}

awaitable<void> SmtpdSession::write_pending(bool all)
{
    if (!all && pending_.size() < write_behind)
        co_return;
    QueueWriter* writer = writer_.get();
    std::string bytes;
    bytes.swap(pending_);
    auto append = [writer, &bytes] {
        writer->append(bytes);
        return true;
    };
    co_await context_.runtime->blocking().run(append);
}

awaitable<void> SmtpdSession::message_data(std::string_view bytes)
{
    if (!queue_error_.empty())
        co_return;   // the rest of the message is read and dropped; its end gets 451
    try {
        co_await write_data(bytes);
    } catch (const std::exception& e) {
        queue_error_ = e.what();
        writer_.reset();
        pending_.clear();
    }
}

awaitable<void> SmtpdSession::write_data(std::string_view bytes)
{
    if (!writer_) {
        Envelope envelope;
        envelope.arrival = std::time(nullptr);
        envelope.client = client();
        envelope.sender = machine().sender();
        envelope.dsn = machine().mail_dsn();
        const auto& recipients = machine().recipients();
        for (std::size_t i = 0; i < recipients.size(); ++i)
            envelope.recipients.push_back({recipients[i], RecipientState::pending, 0, machine().recipient_dsn().at(i)});
        const std::filesystem::path root = context_.queue->queue().root();
        auto create = [&root, &envelope] { return std::make_unique<QueueWriter>(root, envelope); };
        writer_ = co_await context_.runtime->blocking().run(create);
        pending_ = received_header(writer_->id());
    }
    pending_.append(bytes);
    co_await write_pending(false);
}

void SmtpdSession::message_discard()
{
    writer_.reset();
    pending_.clear();
    queue_error_.clear();
}

awaitable<void> SmtpdSession::message_end()
{
    Status status;
    try {
        if (!queue_error_.empty())
            throw QueueError(queue_error_);
        if (!writer_)
            co_await write_data({});
        co_await write_pending(true);
        QueueWriter* writer = writer_.get();
        auto commit = [writer] {
            writer->commit();
            return true;
        };
        co_await context_.runtime->blocking().run(commit);
        status = {250, "2.0.0", "Ok: queued as " + writer_->id()};
        log().with_prefix(writer_->id())
            .info("client=" + client() + (user_ ? ", sasl_username=" + user_->name : std::string()) + ", from=<" +
                  machine().sender() + ">, nrcpt=" + std::to_string(machine().recipients().size()));
        context_.queue->wake();
    } catch (const std::exception& e) {
        log().error(std::string("cannot queue the message: ") + e.what());
        status = Status::make("4.3.0", "Error: queue file write error");
    }
    writer_.reset();
    pending_.clear();
    queue_error_.clear();
    machine().recipient_delivered(status);
}

awaitable<void> serve(std::unique_ptr<SmtpdSession> session) { co_await session->run(); }

}  // namespace

awaitable<void> run_smtpd_session(std::shared_ptr<core::Connection> connection, const SmtpdContext& context)
{
    auto snapshot = context.runtime->snapshot();
    return serve(std::make_unique<SmtpdSession>(std::move(connection), context, std::move(snapshot)));
}

}  // namespace mailroom::mta
