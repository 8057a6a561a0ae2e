// pop3/pop3_service.hpp - the POP3 services for mailroomd: pop3_listen (plain, with STLS
// when a certificate is configured) and pop3s_listen (implicit TLS, RFC 8314 section 3.3).
#pragma once
#include "core/net/server.hpp"
#include "core/runtime/runtime.hpp"

#include <vector>

namespace mailroom::pop3 {

// Empty when neither parameter has addresses. Throws core::ServerError ("FILE:LINE:
// parameter: ...") for bad addresses, pop3s_listen without tls_cert_file, or POP3 settings
// that cannot work, so mailroomd does not start half-configured.
std::vector<core::Service> pop3_services(core::Runtime& runtime);

}  // namespace mailroom::pop3
