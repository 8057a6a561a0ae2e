// mta/client/smtp_client.cpp - client sessions over core::Connection (see smtp_client.hpp).
#include "mta/client/smtp_client.hpp"

#include "core/util/base64.hpp"
#include "core/util/strings.hpp"
#include "mta/client/reply.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/ssl.h>

#include <variant>

namespace mailroom::mta {
namespace {

using core::awaitable;
using core::smtp::Status;
using namespace boost::asio::experimental::awaitable_operators;
constexpr std::size_t reply_line_max = 4096;
constexpr int reply_lines_max = 100;

class ClientError : public std::runtime_error {
public:
    ClientError(Status status, std::string remote) : std::runtime_error(status.text), status(std::move(status)), remote(std::move(remote)) {}
    RecipientOutcome outcome() const { return {status, remote}; }
    Status status;
    std::string remote;
};

// `op`'s result, or the trouble it ran into, as a value: Asio 1.26's operator|| waits for the
// first operation that ends *without* an exception (wait_for_one_success), so an exception
// thrown inside the race below would leave it waiting for the watchdog (a server that closed
// a cached connection held the delivery for smtp_timeout).
template <class T>
struct Caught {
    std::optional<T> value;
    std::optional<ClientError> error;
};

template <class T>
awaitable<Caught<T>> caught(awaitable<T> op, const ClientTarget& target)
{
    Caught<T> result;
    try {
        auto value = co_await std::move(op);
        result.value.emplace(std::move(value));
    } catch (const ClientError& e) {
        result.error.emplace(e);
    } catch (const boost::system::system_error& e) {
        result.error.emplace(Status::make("4.4.2", "lost connection with " + target.address.text + ": " +
                                                       e.code().message()),
                             std::string());
    }
    co_return result;
}

// Runs `op` against the connection's idle deadline (smtp_timeout per read or write): a
// timeout or a broken connection becomes a ClientError like any other remote trouble.
template <class T>
awaitable<T> with_deadline(core::Connection& conn, const ClientTarget& target, awaitable<T> op)
{
    conn.set_idle_timeout(target.timeout);
    auto raced = co_await (caught(std::move(op), target) || conn.watchdog());
    if (raced.index() != 0)
        throw ClientError(Status::make("4.4.2", "timeout talking to " + target.address.text), {});
    auto& result = std::get<0>(raced);
    if (result.error)
        throw *result.error;
    co_return std::move(*result.value);
}

awaitable<std::unique_ptr<core::Connection>> connect(const ClientTarget& target)
{
    auto executor = co_await core::asio::this_coro::executor;
    core::Connection::Socket socket(executor);
    boost::system::error_code ec;
    if (target.address.kind == core::ListenAddress::Kind::unix_socket) {
        co_await socket.async_connect(boost::asio::local::stream_protocol::endpoint(target.address.path),
                                      core::asio::redirect_error(core::use_awaitable, ec));
    } else {
        boost::asio::ip::tcp::resolver resolver(executor);
        auto endpoints = co_await resolver.async_resolve(target.address.host, std::to_string(target.address.port),
                                                         core::asio::redirect_error(core::use_awaitable, ec));
        if (!ec) {
            ec = boost::asio::error::host_not_found;
            for (const auto& entry : endpoints) {
                core::Connection::Socket attempt(executor);
                co_await attempt.async_connect(entry.endpoint(), core::asio::redirect_error(core::use_awaitable, ec));
                if (!ec) {
                    socket = std::move(attempt);
                    break;
                }
            }
        }
    }
    if (ec)
        throw ClientError(Status::make("4.4.1", "connect to " + target.address.text + ": " + ec.message()), {});
    core::PeerInfo peer;
    peer.address = target.address.text;
    peer.unix_socket = target.address.kind == core::ListenAddress::Kind::unix_socket;
    co_return std::make_unique<core::Connection>(std::move(socket), std::move(peer), target.tls_context);
}

}  // namespace

// The commands and replies of one connection; every step throws ClientError for trouble.
class ClientSession::Protocol {
public:
    Protocol(const ClientTarget& target, core::Connection& conn) : target_(target), conn_(conn) {}

    // Greeting, EHLO/LHLO, STARTTLS, AUTH; the keywords of the last EHLO/LHLO reply.
    awaitable<std::vector<std::string>> start();
    awaitable<std::vector<RecipientOutcome>> transaction(bool eight_bit, bool dsn_offered, const std::string& sender,
                                                         const std::vector<std::string>& recipients,
                                                         const std::string& content, const DsnRequest& dsn);
    awaitable<bool> reset();
    static bool offers(const std::vector<std::string>& keywords, std::string_view name);

private:
    awaitable<Reply> read_reply(std::string_view during);
    awaitable<Reply> command(const std::string& line, std::string_view during);
    awaitable<std::vector<std::string>> hello();
    [[noreturn]] void fail(const Reply& reply, std::string_view during) const;
    RecipientOutcome outcome(const Reply& reply) const;

    const ClientTarget& target_;
    core::Connection& conn_;
};

bool ClientSession::Protocol::offers(const std::vector<std::string>& keywords, std::string_view name)
{
    for (const auto& keyword : keywords)
        if (keyword == name || keyword.starts_with(std::string(name) + " "))
            return true;
    return false;
}

awaitable<Reply> ClientSession::Protocol::read_reply(std::string_view during)
{
    Reply reply;
    for (int i = 0; i < reply_lines_max; ++i) {
        std::string line;
        const auto status = co_await conn_.read_line(line, reply_line_max);
        if (status == core::Connection::ReadStatus::closed)
            throw ClientError(Status::make("4.4.2", "lost connection with " + target_.address.text + " while " +
                                                        std::string(during)), {});
        const auto last = status == core::Connection::ReadStatus::ok ? add_reply_line(reply, line) : std::nullopt;
        if (!last)
            throw ClientError(Status::make("4.5.0", "malformed reply from " + target_.address.text + " while " +
                                                        std::string(during)), {});
        if (*last)
            co_return reply;
    }
    throw ClientError(Status::make("4.5.0", "endless reply from " + target_.address.text), {});
}

awaitable<Reply> ClientSession::Protocol::command(const std::string& line, std::string_view during)
{
    co_await conn_.write(line + "\r\n");
    Reply reply = co_await read_reply(during);
    co_return reply;
}

void ClientSession::Protocol::fail(const Reply& reply, std::string_view during) const
{
    Status status = reply.status();
    status.text = "host " + target_.address.text + " said: " + reply.text() + " (in reply to " + std::string(during) + ")";
    throw ClientError(std::move(status), (target_.lmtp ? "lmtp; " : "smtp; ") + reply.text());
}

RecipientOutcome ClientSession::Protocol::outcome(const Reply& reply) const
{
    Status status = reply.status();
    if (!status.ok())
        status.text = "host " + target_.address.text + " said: " + reply.text();
    return {std::move(status), (target_.lmtp ? "lmtp; " : "smtp; ") + reply.text()};
}

awaitable<std::vector<std::string>> ClientSession::Protocol::hello()
{
    const std::string verb = target_.lmtp ? "LHLO " : "EHLO ";
    Reply reply = co_await command(verb + target_.helo_name, verb.substr(0, 4) + " command");
    if (reply.code != 250)
        fail(reply, verb.substr(0, 4) + " command");
    std::vector<std::string> keywords;
    for (std::size_t i = 1; i < reply.lines.size(); ++i)
        keywords.push_back(core::to_upper(reply.lines[i]));
    co_return keywords;
}

awaitable<std::vector<std::string>> ClientSession::Protocol::start()
{
    Reply greeting = co_await read_reply("receiving the initial greeting");
    if (greeting.code != 220)
        fail(greeting, "the initial greeting");
    auto keywords = co_await hello();
    if (target_.tls != TlsPolicy::none && offers(keywords, "STARTTLS") && target_.tls_context) {
        Reply ready = co_await command("STARTTLS", "STARTTLS");
        if (ready.code != 220)
            fail(ready, "STARTTLS");
        const bool started = co_await conn_.start_tls_client(target_.address.host);
        if (!started)
            throw ClientError(Status::make("4.7.5", "TLS handshake with " + target_.address.text + " failed: " +
                                                        conn_.tls_error()), {});
        keywords = co_await hello();
    } else if (target_.tls == TlsPolicy::encrypt || target_.tls == TlsPolicy::verify) {
        throw ClientError(Status::make("4.7.4", "TLS is required, but " + target_.address.text + " offers no STARTTLS"), {});
    }
    if (!target_.username.empty()) {
        if (!conn_.tls_active() && target_.address.kind == core::ListenAddress::Kind::tcp)
            throw ClientError(Status::make("4.7.4", "will not send a password to " + target_.address.text +
                                                        " without TLS"), {});
        const std::string plain = std::string(1, '\0') + target_.username + '\0' + target_.password;
        Reply auth = co_await command("AUTH PLAIN " + core::base64_encode(plain), "AUTH");
        if (auth.code != 235)
            fail(auth, "AUTH PLAIN");
    }
    co_return keywords;
}

awaitable<std::vector<RecipientOutcome>> ClientSession::Protocol::transaction(bool eight_bit, bool dsn_offered,
                                                                              const std::string& sender,
                                                                              const std::vector<std::string>& recipients,
                                                                              const std::string& content,
                                                                              const DsnRequest& dsn)
{
    const std::string mail_dsn = dsn_offered ? core::smtp::mail_parameters(dsn.mail) : std::string();
    Reply mail = co_await command("MAIL FROM:<" + sender + ">" + (eight_bit ? " BODY=8BITMIME" : "") + mail_dsn,
                                  "MAIL FROM");
    if (mail.code != 250)
        fail(mail, "MAIL FROM");
    std::vector<RecipientOutcome> outcomes;
    std::vector<std::size_t> accepted;
    for (std::size_t i = 0; i < recipients.size(); ++i) {
        const std::string rcpt_dsn =
            dsn_offered && i < dsn.recipients.size() ? core::smtp::rcpt_parameters(dsn.recipients[i]) : std::string();
        Reply rcpt = co_await command("RCPT TO:<" + recipients[i] + ">" + rcpt_dsn, "RCPT TO");
        outcomes.push_back(outcome(rcpt));
        if (rcpt.code / 100 == 2)
            accepted.push_back(i);
    }
    if (accepted.empty()) {
        Reply reset = co_await command("RSET", "RSET");   // end the transaction, keep the connection
        if (reset.code != 250)
            fail(reset, "RSET");
        co_return outcomes;
    }
    Reply data = co_await command("DATA", "DATA");
    if (data.code != 354)
        fail(data, "DATA");
    co_await conn_.write(dot_stuff(content));
    const std::size_t replies = target_.lmtp ? accepted.size() : 1;
    for (std::size_t i = 0; i < replies; ++i) {
        Reply end = co_await read_reply("sending the end of data");
        for (std::size_t j = 0; j < accepted.size(); ++j)
            if (!target_.lmtp || j == i) {
                outcomes[accepted[j]] = outcome(end);
                outcomes[accepted[j]].dsn_passed = dsn_offered;
            }
    }
    co_return outcomes;
}

awaitable<bool> ClientSession::Protocol::reset()
{
    Reply reply = co_await command("RSET", "RSET");
    co_return reply.code == 250;
}

ClientSession::ClientSession(const ClientTarget& target, std::unique_ptr<core::Connection> connection)
    : target_(target), connection_(std::move(connection))
{
}

ClientSession::~ClientSession()
{
    if (connection_)
        connection_->close();
}

awaitable<std::unique_ptr<ClientSession>> ClientSession::open(const ClientTarget& target,
                                                              std::optional<RecipientOutcome>& failure)
{
    std::unique_ptr<ClientSession> session;
    try {
        auto connection = co_await connect(target);
        session = std::make_unique<ClientSession>(target, std::move(connection));
        Protocol protocol(session->target_, *session->connection_);
        auto keywords = co_await with_deadline(*session->connection_, target, protocol.start());
        session->keywords_ = std::move(keywords);
    } catch (const ClientError& e) {
        failure = e.outcome();
        session.reset();
    }
    co_return session;
}

awaitable<std::vector<RecipientOutcome>> ClientSession::deliver(const std::string& sender,
                                                                const std::vector<std::string>& recipients,
                                                                const std::string& content,
                                                                const ContentPrefix& prefix, const DsnRequest& dsn)
{
    std::vector<RecipientOutcome> outcomes;
    try {
        Protocol protocol(target_, *connection_);
        std::string prefixed;   // named: a temporary in the co_await expression would not be safe (GCC bug 101367)
        if (!prefix.keyword.empty() && offers(prefix.keyword))
            prefixed = prefix.text + content;
        auto done = co_await with_deadline(
            *connection_, target_,
            protocol.transaction(offers("8BITMIME"), offers("DSN"), sender, recipients,
                                 prefixed.empty() ? content : prefixed, dsn));
        outcomes = std::move(done);
    } catch (const ClientError& e) {
        // After a refusal of MAIL or DATA, or a broken connection, where the conversation
        // stands is not known well enough to go on: a fresh connection is safer.
        usable_ = false;
        outcomes.assign(recipients.size(), e.outcome());
    }
    co_return outcomes;
}

bool ClientSession::offers(std::string_view keyword) const { return Protocol::offers(keywords_, keyword); }

awaitable<bool> ClientSession::reset()
{
    bool ok = false;
    try {
        Protocol protocol(target_, *connection_);
        ok = co_await with_deadline(*connection_, target_, protocol.reset());
    } catch (const ClientError&) {
    }
    usable_ = usable_ && ok;
    co_return ok;
}

awaitable<void> ClientSession::quit()
{
    if (usable_) {
        try {
            connection_->set_idle_timeout(target_.timeout);
            co_await connection_->write("QUIT\r\n");
        } catch (const boost::system::system_error&) {
        }
    }
    usable_ = false;
    connection_->close();
}

awaitable<std::vector<RecipientOutcome>> send_message(const ClientTarget& target, const std::string& sender,
                                                      const std::vector<std::string>& recipients,
                                                      const std::string& content, const DsnRequest& dsn)
{
    std::optional<RecipientOutcome> failure;
    auto session = co_await ClientSession::open(target, failure);
    if (!session)
        co_return std::vector<RecipientOutcome>(recipients.size(), *failure);
    const ContentPrefix none;   // named: a temporary in the co_await expression is freed twice (GCC bug 101367)
    auto outcomes = co_await session->deliver(sender, recipients, content, none, dsn);
    co_await session->quit();
    co_return outcomes;
}

std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const std::string& ca_file,
                                                                   const std::string& verify_host)
{
    auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    if (verify_host.empty()) {
        context->set_verify_mode(boost::asio::ssl::verify_none);
        return context;
    }
    boost::system::error_code ignored;   // unreadable: nothing trusted, the handshake fails
    if (ca_file.empty())
        context->set_default_verify_paths(ignored);
    else
        context->load_verify_file(ca_file, ignored);
    context->set_verify_mode(boost::asio::ssl::verify_peer);
    context->set_verify_callback(boost::asio::ssl::host_name_verification(verify_host));
    return context;
}

}  // namespace mailroom::mta
