// core/runtime/login.hpp - the login step IMAP, POP3 and SMTP AUTH share: whether a password
// may travel on this connection (disable_plaintext_auth), checking it on the blocking pool,
// the growing delay before a failure is answered, and the log line for a failed login.
#pragma once
#include "core/auth/authenticator.hpp"
#include "core/log/log.hpp"
#include "core/net/connection.hpp"
#include "core/runtime/runtime.hpp"

namespace mailroom::core {

// Passwords are accepted over TLS, on unix sockets and from loopback; elsewhere only when
// disable_plaintext_auth = no.
bool plaintext_auth_allowed(const Connection& connection, const Config& config);

// Checks `user`/`password` (with the optional SASL authorization identity). A failure is
// logged ("login failed: user=<ann>, method=PLAIN, rip=192.0.2.1, reason=...") and returned
// only after the client address's current failure delay.
awaitable<AuthResult> authenticate_login(Runtime& runtime, Connection& connection, const Logger& log,
                                         std::string user, std::string password, std::string authzid,
                                         std::string_view method);
// The same for a challenge-response login (APOP): `check` compares the client's answer with
// the user's stored password, on the blocking pool.
awaitable<AuthResult> authenticate_login(Runtime& runtime, Connection& connection, const Logger& log,
                                         std::string user, CredentialCheck check, std::string authzid,
                                         std::string_view method);

}  // namespace mailroom::core
