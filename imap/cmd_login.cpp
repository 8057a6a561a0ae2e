// imap/cmd_login.cpp - STARTTLS (RFC 3501 §6.2.1, RFC 9051 §6.2.1), LOGIN (§6.2.3) and
// AUTHENTICATE (§6.2.2 with SASL-IR, RFC 4959). Passwords travel only where
// core::plaintext_auth_allowed() says they may (LOGINDISABLED otherwise).
#include "core/auth/sasl.hpp"
#include "core/util/strings.hpp"
#include "imap/commands.hpp"
#include "imap/login.hpp"

#include <algorithm>

namespace mailroom::imap {

Reply cmd_starttls(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    const TransportFacts& transport = cx.session.transport();
    if (transport.tls_active)
        return Reply::bad("TLS is already active.");
    if (!transport.tls_available)
        return Reply::bad("TLS support isn't enabled.");
    return Reply::with_action(Action::start_tls, "Begin TLS negotiation now.");
}

Reply cmd_login(CommandContext& cx)
{
    std::string user = cx.args.astring("user name");
    std::string password = cx.args.astring("password");
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (!cx.session.transport().plaintext_allowed)
        return Reply::no("Plaintext authentication disallowed on non-secure connections.", "PRIVACYREQUIRED");
    LoginRequest& request = cx.session.login_request();
    request = LoginRequest{"LOGIN", std::move(user), std::move(password), std::nullopt};
    return Reply::with_action(Action::login);
}

Reply cmd_authenticate(CommandContext& cx)
{
    const std::string mechanism = cx.args.atom("authentication mechanism");
    std::optional<std::string> initial;
    if (cx.args.ok() && !cx.args.at_end())
        initial = cx.args.astring("initial response");
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    const auto& offered = core::sasl_mechanisms();
    if (std::find(offered.begin(), offered.end(), mechanism) == offered.end())
        return Reply::no("Unsupported authentication mechanism.");
    // PLAIN and LOGIN both carry the password itself.
    if (!cx.session.transport().plaintext_allowed)
        return Reply::no("Plaintext authentication disallowed on non-secure connections.", "PRIVACYREQUIRED");
    LoginRequest& request = cx.session.login_request();
    request = LoginRequest{mechanism, {}, {}, std::move(initial)};
    return Reply::with_action(Action::authenticate);
}

Reply login_succeeded(Session& session, mailstore::MailUser user, std::unique_ptr<mailstore::UserStore> store)
{
    session.logged_in(std::move(user), std::move(store));
    return Reply::ok("Logged in", "CAPABILITY " + capability_list(session));
}

Reply login_failed(const core::AuthResult& result)
{
    if (result.status == core::AuthResult::Status::temporary_failure)
        return Reply::no("Temporary authentication failure.", "UNAVAILABLE");
    return Reply::no("Authentication failed.", "AUTHENTICATIONFAILED");
}

Reply login_unavailable() { return Reply::no("Your mail cannot be opened right now; try again later.", "UNAVAILABLE"); }

}  // namespace mailroom::imap
