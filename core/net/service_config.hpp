// core/net/service_config.hpp - the listening half of a Service from its *_listen parameter,
// the same for every protocol: addresses (listen_address.hpp), unix_socket_mode, and the
// certificate an implicit-TLS port (imaps, pop3s) cannot work without.
#pragma once
#include "core/config/config.hpp"
#include "core/net/server.hpp"

#include <optional>
#include <string>

namespace mailroom::core {

// nullopt when the parameter is empty. Throws ServerError ("FILE:LINE: pop3s_listen: ...") for
// a bad address, a bad unix_socket_mode, or implicit TLS without tls_cert_file. The caller
// adds the handler and the overload reply.
std::optional<Service> service_from_config(const Config& config, std::string name, std::string listen_parameter,
                                           bool implicit_tls);

}  // namespace mailroom::core
