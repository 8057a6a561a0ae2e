// core/auth/authenticator.hpp - checks a user name and password against the users
// database, applies the failed-login delay per client address and says why a login failed,
// for IMAP LOGIN/AUTHENTICATE, POP3 USER/PASS/AUTH and SMTP AUTH alike.
#pragma once
#include "core/auth/login_throttle.hpp"
#include "core/auth/password.hpp"
#include "core/auth/user_database.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::core {

struct AuthResult {
    enum class Status { ok, failed, temporary_failure } status = Status::failed;
    std::optional<User> user;
    std::string reason;                     // for the log: "unknown user", "password mismatch"
    std::chrono::milliseconds delay{0};     // wait this long before answering a failure
};

// Compares what the client sent with a user's stored password (verify_password for a plain
// login; a challenge-response digest for APOP).
using CredentialCheck = std::function<PasswordCheck(const User&)>;

class Authenticator {
public:
    Authenticator(UserDatabase& users, LoginThrottle& throttle) : users_(users), throttle_(throttle) {}

    // `authzid` (from SASL) must be empty or name the same user: there are no master users.
    AuthResult authenticate(std::string_view user_name, std::string_view password, std::string_view authzid,
                            const std::string& client_address);
    // The same with the comparison supplied by the caller. For an unknown user `check` runs
    // against a dummy user, so a miss costs about the time a hit does.
    AuthResult authenticate(std::string_view user_name, const CredentialCheck& check, std::string_view authzid,
                            const std::string& client_address);

private:
    AuthResult fail(std::string reason, const std::string& client_address);

    UserDatabase& users_;
    LoginThrottle& throttle_;
};

}  // namespace mailroom::core
