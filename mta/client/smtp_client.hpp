// mta/client/smtp_client.hpp - mailroom's own SMTP (RFC 5321) and LMTP (RFC 2033) client, used
// by the queue manager: connect (TCP or unix socket), greeting, EHLO/LHLO, STARTTLS (RFC 3207)
// when offered or required, AUTH PLAIN (RFC 4954, RFC 4616) when credentials are set, MAIL,
// RCPT per recipient, DATA, and the reply after it (one, or one per accepted recipient for
// LMTP). Every failure becomes a per-recipient status; nothing throws for remote trouble.
#pragma once
#include "core/net/asio.hpp"
#include "core/net/listen_address.hpp"
#include "core/smtp/status.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mailroom::mta {

enum class TlsPolicy { none, may, encrypt };   // Postfix's smtp_tls_security_level

struct ClientTarget {
    core::ListenAddress address;   // tcp host:port or unix:/path
    bool lmtp = false;
    std::string helo_name;
    TlsPolicy tls = TlsPolicy::none;
    std::shared_ptr<boost::asio::ssl::context> tls_context;   // a client context, for STARTTLS
    std::string username;          // AUTH PLAIN when not empty (only over TLS or a unix socket)
    std::string password;
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};   // per read or write
};

struct RecipientOutcome {
    core::smtp::Status status;
    std::string remote_reply;      // "smtp; 550 5.1.1 ..." (RFC 3464 Diagnostic-Code) or empty
};

// One outcome per recipient, in order. `content` has LF line ends.
core::awaitable<std::vector<RecipientOutcome>> send_message(const ClientTarget& target, const std::string& sender,
                                                            const std::vector<std::string>& recipients,
                                                            const std::string& content);

// A client TLS context (system CA store; certificates are not verified: opportunistic TLS,
// as Postfix's "may" and "encrypt" levels).
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context();

}  // namespace mailroom::mta
