// core/net/tls_context.hpp - the server TLS context: certificate chain and key from
// tls_cert_file / tls_key_file, TLS 1.2 or newer, no compression, buffers released while
// idle (many idle IMAP sessions). Reloaded on SIGHUP by building a new one.
#pragma once
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace mailroom::core {

struct TlsSettings {
    std::string cert_file;
    std::string key_file;
    std::string min_protocol = "TLSv1.2";   // TLSv1.2 or TLSv1.3
};

// Returns null and sets `error` ("cannot load tls_cert_file /x: ...") on failure.
std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const TlsSettings& settings, std::string& error);

}  // namespace mailroom::core
