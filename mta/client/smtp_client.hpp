// mta/client/smtp_client.hpp - mailroom's own SMTP (RFC 5321) and LMTP (RFC 2033) client, used
// by the queue manager and `mailroom sendmail`: connect (TCP or unix socket), greeting,
// EHLO/LHLO, STARTTLS (RFC 3207) when offered or required, AUTH PLAIN (RFC 4954, RFC 4616)
// when credentials are set; then any number of transactions on the one connection (MAIL,
// RCPT per recipient, DATA and the reply after it - one, or one per accepted recipient for
// LMTP), RSET between them (RFC 5321 section 4.1.1.5), QUIT at the end. RFC 3461 DSN requests
// (RET, ENVID, NOTIFY, ORCPT) go with MAIL and RCPT only to a server that offers DSN (section
// 5.2). Every failure becomes a per-recipient status; nothing throws for remote trouble.
#pragma once
#include "core/net/asio.hpp"
#include "core/net/connection.hpp"
#include "core/net/listen_address.hpp"
#include "core/smtp/dsn_parameters.hpp"
#include "core/smtp/status.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::mta {

// Postfix's smtp_tls_security_level: verify = encrypt, and the certificate must chain to a
// trusted CA and name the host connected to (RFC 6125 via OpenSSL's X509_check_host/_ip).
enum class TlsPolicy { none, may, encrypt, verify };

struct ClientTarget {
    core::ListenAddress address;   // tcp host:port or unix:/path
    bool lmtp = false;
    std::string helo_name;
    TlsPolicy tls = TlsPolicy::none;
    std::shared_ptr<boost::asio::ssl::context> tls_context;   // a client context, for STARTTLS
    std::string username;          // AUTH PLAIN when not empty (only over TLS or a unix socket)
    std::string password;
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};   // per read or write

    // Connections to targets with the same key can be shared (the connection cache).
    std::string cache_key() const { return (lmtp ? "lmtp:" : "smtp:") + address.text; }
};

// Text put on top of the message only for a server whose EHLO/LHLO reply offers `keyword`
// (the queue's hand-off line, queue_directory.hpp).
struct ContentPrefix {
    std::string_view keyword;
    std::string text;
};

struct RecipientOutcome {
    core::smtp::Status status;
    std::string remote_reply;      // "smtp; 550 5.1.1 ..." (RFC 3464 Diagnostic-Code) or empty
    bool dsn_passed = false;       // accepted by a server that offers DSN: its notices are its own
};

// The RFC 3461 requests of one transaction; `recipients` is empty or one per recipient.
struct DsnRequest {
    core::smtp::MailDsn mail;
    std::vector<core::smtp::RcptDsn> recipients;
};

// One connection, greeted and ready for MAIL. Not thread-safe: one coroutine at a time.
class ClientSession {
public:
    ClientSession(const ClientTarget& target, std::unique_ptr<core::Connection> connection);
    ~ClientSession();
    ClientSession(const ClientSession&) = delete;
    ClientSession& operator=(const ClientSession&) = delete;

    // Connects and gets the session ready for MAIL. On failure returns null and sets
    // `failure` (a 4xx status, or the server's own refusal).
    static core::awaitable<std::unique_ptr<ClientSession>> open(const ClientTarget& target,
                                                                std::optional<RecipientOutcome>& failure);

    // One transaction: one outcome per recipient, in order. `content` has LF line ends.
    // Afterwards usable() says whether another transaction may follow on this connection.
    core::awaitable<std::vector<RecipientOutcome>> deliver(const std::string& sender,
                                                           const std::vector<std::string>& recipients,
                                                           const std::string& content,
                                                           const ContentPrefix& prefix, const DsnRequest& dsn);
    // RSET before reusing the connection: false when it no longer works (the server closed it
    // while it was idle, or refused); the session is then unusable.
    core::awaitable<bool> reset();
    // QUIT, then close; never throws.
    core::awaitable<void> quit();

    bool usable() const { return usable_; }
    // The server's EHLO/LHLO reply lists this extension keyword (upper case).
    bool offers(std::string_view keyword) const;
    const ClientTarget& target() const { return target_; }

private:
    class Protocol;

    ClientTarget target_;
    std::unique_ptr<core::Connection> connection_;
    bool usable_ = true;
    std::vector<std::string> keywords_;   // of the last EHLO/LHLO reply, upper case
};

// open(), deliver(), quit(): one message over a connection of its own.
core::awaitable<std::vector<RecipientOutcome>> send_message(const ClientTarget& target, const std::string& sender,
                                                            const std::vector<std::string>& recipients,
                                                            const std::string& content, const DsnRequest& dsn);

// A client TLS context. With `verify_host` empty certificates are not verified (opportunistic
// TLS, Postfix's "may" and "encrypt"); otherwise the peer's certificate must chain to a CA of
// `ca_file` (PEM; empty: the system's store) and name `verify_host`. An unreadable CA file
// leaves no CA trusted, so every verification fails (and the message is deferred).
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const std::string& ca_file,
                                                                   const std::string& verify_host);

}  // namespace mailroom::mta
