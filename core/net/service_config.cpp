// core/net/service_config.cpp - a Service's listeners from the configuration (see
// service_config.hpp).
#include "core/net/service_config.hpp"

#include <cstdlib>

namespace mailroom::core {

std::optional<Service> service_from_config(const Config& config, std::string name, std::string listen_parameter,
                                           bool implicit_tls)
{
    const auto& items = config.get_list(listen_parameter);
    if (items.empty())
        return std::nullopt;
    const std::string where = config.origin(listen_parameter) + ": " + listen_parameter + ": ";
    std::string error;
    auto addresses = parse_listen_addresses(items, error);
    if (!addresses)
        throw ServerError(where + error);
    if (implicit_tls && config.get("tls_cert_file").empty())
        throw ServerError(where + "implicit TLS needs a certificate: set tls_cert_file");
    const std::string& mode = config.get("unix_socket_mode");
    char* end = nullptr;
    const unsigned long parsed = std::strtoul(mode.c_str(), &end, 8);
    if (mode.empty() || *end != '\0' || parsed > 07777)
        throw ServerError(config.origin("unix_socket_mode") + ": unix_socket_mode: expected an octal mode, not \"" +
                          mode + "\"");
    Service service;
    service.name = std::move(name);
    service.parameter = std::move(listen_parameter);
    service.addresses = std::move(*addresses);
    service.implicit_tls = implicit_tls;
    service.unix_socket_mode = static_cast<unsigned>(parsed);
    return service;
}

}  // namespace mailroom::core
