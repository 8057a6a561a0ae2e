// imap/cmd_capability.cpp - CAPABILITY (RFC 3501 §6.1.1) and ENABLE (RFC 5161). The list
// depends on the state: before login it offers STARTTLS and the mechanisms, or
// LOGINDISABLED when passwords may not travel on this connection (RFC 3501 §6.2.3).
#include "core/auth/sasl.hpp"
#include "imap/commands.hpp"

namespace mailroom::imap {
namespace {

constexpr std::string_view common_capabilities = "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE";
constexpr std::string_view mail_capabilities =
    " NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN SPECIAL-USE ESEARCH LIST-EXTENDED LIST-STATUS"
    " QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CONDSTORE";

}  // namespace

std::string capability_list(const Session& session)
{
    std::string list(common_capabilities);
    if (session.state() != SessionState::not_authenticated) {
        list += mail_capabilities;
        return list;
    }
    const TransportFacts& transport = session.transport();
    if (transport.tls_available && !transport.tls_active)
        list += " STARTTLS";
    if (!transport.plaintext_allowed) {
        list += " LOGINDISABLED";
        return list;
    }
    for (const auto& mechanism : core::sasl_mechanisms())
        list += " AUTH=" + mechanism;
    return list;
}

Reply cmd_capability(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    cx.session.out() += "* CAPABILITY " + capability_list(cx.session) + "\r\n";
    return Reply::ok("Capability completed.");
}

// ENABLE CONDSTORE turns on what RFC 7162 section 3.1 lists; unknown names are ignored, as
// RFC 5161 section 3.1 says.
Reply cmd_enable(CommandContext& cx)
{
    if (cx.args.at_end())
        return Reply::bad("Missing argument: capability names");
    std::string enabled;
    while (cx.args.ok() && !cx.args.at_end()) {
        const std::string name = cx.args.atom("capability name");
        if (name == "CONDSTORE" && !cx.session.condstore()) {
            cx.session.enable_condstore();
            enabled += " CONDSTORE";
        }
    }
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    cx.session.out() += "* ENABLED" + enabled + "\r\n";
    return Reply::ok("Enabled.");
}

}  // namespace mailroom::imap
