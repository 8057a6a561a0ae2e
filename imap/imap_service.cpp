// imap/imap_service.cpp - building the IMAP services (see imap_service.hpp).
#include "imap/imap_service.hpp"

#include "imap/session_loop.hpp"

#include <cstdlib>

namespace mailroom::imap {
namespace {

unsigned socket_mode(const core::Config& config)
{
    const std::string& mode = config.get("unix_socket_mode");
    char* end = nullptr;
    const unsigned long parsed = std::strtoul(mode.c_str(), &end, 8);
    if (mode.empty() || *end != '\0' || parsed > 07777)
        throw core::ServerError(config.origin("unix_socket_mode") + ": unix_socket_mode: expected an octal mode, not \"" +
                                mode + "\"");
    return static_cast<unsigned>(parsed);
}

std::optional<core::Service> service_for(core::Runtime& runtime, const core::Config& config, const char* name,
                                         const char* parameter, bool implicit_tls)
{
    const auto& items = config.get_list(parameter);
    if (items.empty())
        return std::nullopt;
    std::string error;
    auto addresses = core::parse_listen_addresses(items, error);
    if (!addresses)
        throw core::ServerError(config.origin(parameter) + ": " + parameter + ": " + error);
    if (implicit_tls && config.get("tls_cert_file").empty())
        throw core::ServerError(config.origin(parameter) + ": " + parameter +
                                ": implicit TLS needs a certificate (set tls_cert_file)");
    core::Service service;
    service.name = name;
    service.parameter = parameter;
    service.addresses = std::move(*addresses);
    service.implicit_tls = implicit_tls;
    service.overload_reply = "* BYE Too many connections, try again later.\r\n";
    service.unix_socket_mode = socket_mode(config);
    service.handler = [&runtime](std::shared_ptr<core::Connection> connection) {
        return run_session(std::move(connection), runtime);
    };
    return service;
}

}  // namespace

std::vector<core::Service> imap_services(core::Runtime& runtime)
{
    const auto snapshot = runtime.snapshot();
    std::vector<core::Service> services;
    if (auto plain = service_for(runtime, *snapshot->config, "imap", "imap_listen", false))
        services.push_back(std::move(*plain));
    if (auto tls = service_for(runtime, *snapshot->config, "imaps", "imaps_listen", true))
        services.push_back(std::move(*tls));
    return services;
}

}  // namespace mailroom::imap
