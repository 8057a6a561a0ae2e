// delivery/lmtp/lmtp_service.cpp - building the LMTP service (see lmtp_service.hpp).
#include "delivery/lmtp/lmtp_service.hpp"

#include "core/net/service_config.hpp"
#include "delivery/lmtp/session.hpp"
#include "delivery/settings.hpp"
#include "filters/engine.hpp"

namespace mailroom::delivery::lmtp {

std::optional<core::Service> lmtp_service(core::Runtime& runtime)
{
    const auto snapshot = runtime.snapshot();
    const core::Config& config = *snapshot->config;
    auto service = core::service_from_config(config, "lmtp", "lmtp_listen", false);
    if (!service)
        return std::nullopt;
    std::string error;
    if (!read_delivery_settings(config, error))
        throw core::ServerError(error);
    for (const auto& address : service->addresses)
        if (address.kind == core::ListenAddress::Kind::tcp && address.port == 25)
            throw core::ServerError(config.origin("lmtp_listen") +
                                    ": lmtp_listen: LMTP must not be used on TCP port 25 (RFC 2033 section 5)");
    service->overload_reply = "421 4.3.2 Too many connections, try again later\r\n";
    DeliveryServices shared;
    shared.aliases = std::make_shared<AliasMaps>();
    shared.filters = std::make_shared<filters::Engine>();
    service->handler = [&runtime, shared](std::shared_ptr<core::Connection> connection) {
        return run_session(std::move(connection), runtime, shared);
    };
    return service;
}

}  // namespace mailroom::delivery::lmtp
