// core/net/tls_context.cpp - OpenSSL server context (see tls_context.hpp).
#include "core/net/tls_context.hpp"

#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace mailroom::core {
namespace {

std::string openssl_error()
{
    const unsigned long code = ERR_get_error();
    if (code == 0)
        return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const TlsSettings& settings, std::string& error)
{
    namespace ssl = boost::asio::ssl;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    int min_version = TLS1_2_VERSION;
    if (settings.min_protocol == "TLSv1.3")
        min_version = TLS1_3_VERSION;
    else if (settings.min_protocol != "TLSv1.2") {
        error = "tls_min_protocol: expected TLSv1.2 or TLSv1.3, not \"" + settings.min_protocol + "\"";
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(native, min_version);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(native, settings.cert_file.c_str()) != 1) {
        error = "cannot load tls_cert_file " + settings.cert_file + ": " + openssl_error();
        return nullptr;
    }
    if (SSL_CTX_use_PrivateKey_file(native, settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        error = "cannot load tls_key_file " + settings.key_file + ": " + openssl_error();
        return nullptr;
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        error = "tls_key_file " + settings.key_file + " does not match tls_cert_file " + settings.cert_file;
        return nullptr;
    }
    return context;
}

}  // namespace mailroom::core
