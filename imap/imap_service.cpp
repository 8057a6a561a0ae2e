// imap/imap_service.cpp - building the IMAP services (see imap_service.hpp).
#include "imap/imap_service.hpp"

#include "core/net/service_config.hpp"
#include "imap/session_loop.hpp"

namespace mailroom::imap {

std::vector<core::Service> imap_services(core::Runtime& runtime)
{
    const auto snapshot = runtime.snapshot();
    std::vector<core::Service> services;
    for (const bool implicit_tls : {false, true}) {
        auto service = core::service_from_config(*snapshot->config, implicit_tls ? "imaps" : "imap",
                                                 implicit_tls ? "imaps_listen" : "imap_listen", implicit_tls);
        if (!service)
            continue;
        service->overload_reply = "* BYE Too many connections, try again later.\r\n";
        service->handler = [&runtime](std::shared_ptr<core::Connection> connection) {
            return run_session(std::move(connection), runtime);
        };
        services.push_back(std::move(*service));
    }
    return services;
}

}  // namespace mailroom::imap
