// mta/queue/targets.cpp - LMTP, relayhost and MX targets (see targets.hpp).
#include "mta/queue/targets.hpp"

#include "core/util/strings.hpp"

namespace mailroom::mta {
namespace {

constexpr std::uint16_t smtp_port = 25;

void smtp_settings(const core::Config& config, ClientTarget& target)
{
    target.helo_name = config.get("myhostname");
    target.timeout = config.get_time("smtp_timeout");
    const std::string& level = config.get("smtp_tls_security_level");
    target.tls = level == "verify"    ? TlsPolicy::verify
                 : level == "encrypt" ? TlsPolicy::encrypt
                 : level == "none"    ? TlsPolicy::none
                                      : TlsPolicy::may;
    if (target.tls != TlsPolicy::none)
        target.tls_context = make_tls_client_context(config.get("smtp_tls_ca_file"),
                                                     target.tls == TlsPolicy::verify ? target.address.host : "");
}

}  // namespace

std::optional<ClientTarget> lmtp_target(const core::Config& config, std::string& error)
{
    std::string text = config.get("lmtp_delivery_address");
    if (text.empty()) {
        const auto& listen = config.get_list("lmtp_listen");
        if (listen.empty()) {
            error = "local mail cannot be delivered: neither lmtp_delivery_address nor lmtp_listen is set";
            return std::nullopt;
        }
        text = listen.front();
    }
    auto address = core::parse_listen_address(text, error);
    if (!address) {
        error = "lmtp_delivery_address " + text + ": " + error;
        return std::nullopt;
    }
    if (address->kind == core::ListenAddress::Kind::tcp && address->host.empty())
        address->host = "127.0.0.1";
    ClientTarget target;
    target.address = std::move(*address);
    target.lmtp = true;
    target.helo_name = config.get("myhostname");
    target.timeout = config.get_time("smtp_timeout");
    return target;
}

std::optional<ClientTarget> relay_target(const core::Config& config, std::string& error)
{
    std::string text = config.get("relayhost");   // "[host]:port", "host:port" or "host"
    if (text.empty()) {
        error = "relayhost is not set";
        return std::nullopt;
    }
    ClientTarget target;
    target.address.text = text;
    std::string port = "25";
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string::npos) {
            error = "relayhost " + text + ": missing ']'";
            return std::nullopt;
        }
        target.address.host = text.substr(1, close - 1);
        if (close + 1 < text.size() && text[close + 1] == ':')
            port = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        target.address.host = text.substr(0, colon);
        port = text.substr(colon + 1);
    } else {
        target.address.host = text;
    }
    const auto number = core::parse_uint(port);
    if (!number || *number == 0 || *number > 65535) {
        error = "relayhost " + text + ": bad port \"" + port + "\"";
        return std::nullopt;
    }
    target.address.port = static_cast<std::uint16_t>(*number);
    smtp_settings(config, target);
    target.username = config.get("smtp_sasl_username");
    target.password = config.get("smtp_sasl_password");
    return target;
}

std::vector<ClientTarget> mx_targets(const core::Config& config, const MxResult& mx)
{
    std::vector<ClientTarget> targets;
    for (const auto& host : mx.hosts) {
        ClientTarget target;
        target.address.host = host.host;
        target.address.port = smtp_port;
        target.address.text = host.host + ":" + std::to_string(smtp_port);
        smtp_settings(config, target);
        targets.push_back(std::move(target));
    }
    return targets;
}

std::string recipient_domain(std::string_view address)
{
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : core::to_lower(address.substr(at + 1));
}

}  // namespace mailroom::mta
