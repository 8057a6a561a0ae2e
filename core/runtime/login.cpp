// core/runtime/login.cpp - shared password login (see login.hpp).
#include "core/runtime/login.hpp"

namespace mailroom::core {

bool plaintext_auth_allowed(const Connection& connection, const Config& config)
{
    if (connection.tls_active() || connection.peer().unix_socket || !config.get_bool("disable_plaintext_auth"))
        return true;
    const std::string& address = connection.peer().address;
    return address == "::1" || address.starts_with("127.");
}

awaitable<AuthResult> authenticate_login(Runtime& runtime, Connection& connection, const Logger& log,
                                         std::string user, std::string password, std::string authzid,
                                         std::string_view method)
{
    CredentialCheck check = [password = std::move(password)](const User& account) {
        return verify_password(account.password, password);
    };
    co_return co_await authenticate_login(runtime, connection, log, std::move(user), std::move(check),
                                          std::move(authzid), method);
}

awaitable<AuthResult> authenticate_login(Runtime& runtime, Connection& connection, const Logger& log,
                                         std::string user, CredentialCheck check, std::string authzid,
                                         std::string_view method)
{
    const auto snapshot = runtime.snapshot();
    const std::string client = connection.peer().address;
    AuthResult result = co_await runtime.blocking().run([&] {
        Authenticator authenticator(*snapshot->users, runtime.throttle());
        return authenticator.authenticate(user, check, authzid, client);
    });
    if (result.status == AuthResult::Status::ok)
        co_return result;
    log.warning(std::string(result.status == AuthResult::Status::temporary_failure ? "login deferred" : "login failed") +
                ": user=<" + user + ">, method=" + std::string(method) + ", rip=" + client + ", reason=" + result.reason);
    if (result.delay.count() > 0) {
        asio::steady_timer timer(connection.executor(), result.delay);
        co_await timer.async_wait(asio::as_tuple(use_awaitable));
    }
    co_return result;
}

}  // namespace mailroom::core
