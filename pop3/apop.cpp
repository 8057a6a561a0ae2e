// pop3/apop.cpp - APOP timestamps and digests (see apop.hpp).
#include "pop3/apop.hpp"

#include "pop3/md5.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace mailroom::pop3 {

std::string apop_timestamp(std::string_view host_name)
{
    static std::atomic<unsigned long> counter{0};
    unsigned char random[6] = {};
    RAND_bytes(random, sizeof random);
    char text[64];
    std::snprintf(text, sizeof text, "<%ld.%lu.%02x%02x%02x%02x%02x%02x@", static_cast<long>(::getpid()),
                  counter.fetch_add(1) + 1, random[0], random[1], random[2], random[3], random[4], random[5]);
    return std::string(text) + std::string(host_name) + ">";
}

core::PasswordCheck check_apop(const core::User& user, std::string_view timestamp, std::string_view digest)
{
    const auto secret = core::stored_plaintext(user.password);
    if (!secret)
        return core::PasswordCheck::unsupported_scheme;
    const std::string expected = md5_hex(std::string(timestamp) + *secret);
    if (expected.size() != digest.size() || CRYPTO_memcmp(expected.data(), digest.data(), digest.size()) != 0)
        return core::PasswordCheck::mismatch;
    return core::PasswordCheck::match;
}

}  // namespace mailroom::pop3
