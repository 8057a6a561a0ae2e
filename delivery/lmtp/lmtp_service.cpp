// delivery/lmtp/lmtp_service.cpp - building the LMTP service (see lmtp_service.hpp).
#include "delivery/lmtp/lmtp_service.hpp"

#include "delivery/lmtp/session.hpp"
#include "delivery/settings.hpp"
#include "filters/engine.hpp"

#include <cstdlib>

namespace mailroom::delivery::lmtp {

std::optional<core::Service> lmtp_service(core::Runtime& runtime)
{
    const auto snapshot = runtime.snapshot();
    const core::Config& config = *snapshot->config;
    const auto& items = config.get_list("lmtp_listen");
    if (items.empty())
        return std::nullopt;
    std::string error;
    auto addresses = core::parse_listen_addresses(items, error);
    if (!addresses)
        throw core::ServerError(config.origin("lmtp_listen") + ": lmtp_listen: " + error);
    if (!read_delivery_settings(config, error))
        throw core::ServerError(error);
    for (const auto& address : *addresses)
        if (address.kind == core::ListenAddress::Kind::tcp && address.port == 25)
            throw core::ServerError(config.origin("lmtp_listen") +
                                    ": lmtp_listen: LMTP must not be used on TCP port 25 (RFC 2033 section 5)");

    core::Service service;
    service.name = "lmtp";
    service.parameter = "lmtp_listen";
    service.addresses = std::move(*addresses);
    service.overload_reply = "421 4.3.2 Too many connections, try again later\r\n";
    const std::string& mode = config.get("unix_socket_mode");
    char* end = nullptr;
    const unsigned long parsed = std::strtoul(mode.c_str(), &end, 8);
    if (mode.empty() || *end != '\0' || parsed > 07777)
        throw core::ServerError(config.origin("unix_socket_mode") + ": unix_socket_mode: expected an octal mode, not \"" +
                                mode + "\"");
    service.unix_socket_mode = static_cast<unsigned>(parsed);
    DeliveryServices shared;
    shared.aliases = std::make_shared<AliasMaps>();
    shared.filters = std::make_shared<filters::Engine>();
    service.handler = [&runtime, shared](std::shared_ptr<core::Connection> connection) {
        return run_session(std::move(connection), runtime, shared);
    };
    return service;
}

}  // namespace mailroom::delivery::lmtp
