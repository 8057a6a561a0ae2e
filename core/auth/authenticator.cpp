// core/auth/authenticator.cpp - password logins with a per-address failure delay.
#include "core/auth/authenticator.hpp"

#include "core/auth/password.hpp"

namespace mailroom::core {

AuthResult Authenticator::fail(std::string reason, const std::string& client_address)
{
    AuthResult result;
    result.status = AuthResult::Status::failed;
    result.reason = std::move(reason);
    result.delay = throttle_.record_failure(client_address);
    return result;
}

AuthResult Authenticator::authenticate(std::string_view user_name, std::string_view password,
                                       std::string_view authzid, const std::string& client_address)
{
    return authenticate(
        user_name, [password](const User& user) { return verify_password(user.password, password); }, authzid,
        client_address);
}

AuthResult Authenticator::authenticate(std::string_view user_name, const CredentialCheck& check,
                                       std::string_view authzid, const std::string& client_address)
{
    if (user_name.empty())
        return fail("empty user name", client_address);
    UserLookup lookup = users_.lookup(user_name);
    if (lookup.status == UserLookup::Status::temporary_failure) {
        AuthResult result;
        result.status = AuthResult::Status::temporary_failure;
        result.reason = lookup.error;
        return result;
    }
    if (lookup.status == UserLookup::Status::not_found) {
        // Spend about the time a real check takes, so a miss does not reveal that the user is unknown.
        User dummy;
        dummy.password = "{SHA512-CRYPT}$6$aaaaaaaaaaaaaaaa$";
        (void)check(dummy);
        return fail("unknown user", client_address);
    }
    const User& user = *lookup.user;
    if (!authzid.empty() && authzid != user_name && authzid != user.name)
        return fail("authorization identity \"" + std::string(authzid) + "\" differs from the user", client_address);
    if (user.extra.contains("nologin"))
        return fail("login disabled (nologin)", client_address);
    switch (check(user)) {
    case PasswordCheck::match:
        break;
    case PasswordCheck::mismatch:
        return fail("password mismatch", client_address);
    case PasswordCheck::unsupported_scheme:
        return fail("unsupported password scheme in the users database", client_address);
    }
    throttle_.record_success(client_address);
    AuthResult result;
    result.status = AuthResult::Status::ok;
    result.user = std::move(lookup.user);
    return result;
}

}  // namespace mailroom::core
