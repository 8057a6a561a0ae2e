// pop3/pop3_service.cpp - building the POP3 services (see pop3_service.hpp).
#include "pop3/pop3_service.hpp"

#include "core/net/service_config.hpp"
#include "pop3/session.hpp"
#include "pop3/settings.hpp"

namespace mailroom::pop3 {

std::vector<core::Service> pop3_services(core::Runtime& runtime)
{
    const auto snapshot = runtime.snapshot();
    const core::Config& config = *snapshot->config;
    std::vector<core::Service> services;
    auto logins = std::make_shared<LoginDelay>();   // one record for pop3 and pop3s
    for (const bool implicit_tls : {false, true}) {
        auto service = core::service_from_config(config, implicit_tls ? "pop3s" : "pop3",
                                                 implicit_tls ? "pop3s_listen" : "pop3_listen", implicit_tls);
        if (!service)
            continue;
        service->overload_reply = "-ERR [SYS/TEMP] Too many connections, please try again later.\r\n";
        service->handler = [&runtime, logins](std::shared_ptr<core::Connection> connection) {
            return run_session(std::move(connection), runtime, logins);
        };
        services.push_back(std::move(*service));
    }
    std::string error;
    if (!services.empty() && !read_settings(config, error))
        throw core::ServerError(error);
    return services;
}

}  // namespace mailroom::pop3
