// pop3/md5.cpp - MD5 through OpenSSL's EVP interface (see md5.hpp).
#include "pop3/md5.hpp"

#include "core/util/strings.hpp"

#include <openssl/evp.h>

namespace mailroom::pop3 {

struct Md5::Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
};

Md5::Md5() : context_(std::make_unique<Context>())
{
    EVP_DigestInit_ex(context_->ctx, EVP_md5(), nullptr);
}

Md5::~Md5() = default;

void Md5::update(std::string_view bytes) { EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size()); }

std::string Md5::hex_digest()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_->ctx, out, &length);
    return core::to_hex(std::string_view(reinterpret_cast<const char*>(out), length));
}

std::string md5_hex(std::string_view bytes)
{
    Md5 md5;
    md5.update(bytes);
    return md5.hex_digest();
}

}  // namespace mailroom::pop3
