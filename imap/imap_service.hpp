// imap/imap_service.hpp - the IMAP services for mailroomd: imap_listen (port 143, STARTTLS)
// and imaps_listen (port 993, implicit TLS, RFC 8314), both running imap::run_session.
#pragma once
#include "core/net/server.hpp"
#include "core/runtime/runtime.hpp"

#include <vector>

namespace mailroom::imap {

// Empty when neither parameter has addresses. Throws core::ServerError ("FILE:LINE:
// imaps_listen: ...") for a bad address, or implicit TLS without tls_cert_file.
std::vector<core::Service> imap_services(core::Runtime& runtime);

}  // namespace mailroom::imap
