// core/auth/password.cpp - Dovecot-compatible password schemes (see password.hpp), with
// crypt(3) from libxcrypt and digests from OpenSSL.
#include "core/auth/password.hpp"

#include "core/util/base64.hpp"
#include "core/util/strings.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace mailroom::core {
namespace {

struct Scheme {
    std::string_view name;
    std::string_view crypt_prefix;   // for crypt(3) schemes: the salt prefix to generate
    const EVP_MD* (*digest)();       // for digest schemes
    bool salted;
};

const Scheme schemes[] = {
    {"SHA512-CRYPT", "$6$", nullptr, true}, {"SHA256-CRYPT", "$5$", nullptr, true},
    {"BLF-CRYPT", "$2b$", nullptr, true},   {"MD5-CRYPT", "$1$", nullptr, true},
    {"YESCRYPT", "$y$", nullptr, true},     {"CRYPT", "", nullptr, true},
    {"SHA", "", EVP_sha1, false},           {"SSHA", "", EVP_sha1, true},
    {"SHA256", "", EVP_sha256, false},      {"SSHA256", "", EVP_sha256, true},
    {"SHA512", "", EVP_sha512, false},      {"SSHA512", "", EVP_sha512, true},
    {"PLAIN-MD5", "", EVP_md5, false},      {"LDAP-MD5", "", EVP_md5, false},
};

const Scheme* find_scheme(std::string_view name)
{
    for (const auto& scheme : schemes)
        if (iequals(scheme.name, name))
            return &scheme;
    return nullptr;
}

bool constant_time_equal(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Splits "{SCHEME}data" into scheme and data; no braces: the default scheme.
std::pair<std::string, std::string_view> split_scheme(std::string_view stored, std::string_view default_scheme)
{
    if (stored.starts_with('{')) {
        const auto close = stored.find('}');
        if (close != std::string_view::npos)
            return {to_upper(stored.substr(1, close - 1)), stored.substr(close + 1)};
    }
    return {to_upper(default_scheme), stored};
}

std::string digest(const EVP_MD* md, std::string_view a, std::string_view b)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), md, nullptr);
    EVP_DigestUpdate(ctx.get(), a.data(), a.size());
    EVP_DigestUpdate(ctx.get(), b.data(), b.size());
    EVP_DigestFinal_ex(ctx.get(), out, &length);
    return std::string(reinterpret_cast<char*>(out), length);
}

PasswordCheck verify_crypt(std::string_view hash, std::string_view password)
{
    if (hash.empty() || hash.front() == '!' || hash.front() == '*')
        return PasswordCheck::mismatch;
    crypt_data data{};
    const std::string setting(hash);
    const std::string phrase(password);
    const char* result = crypt_r(phrase.c_str(), setting.c_str(), &data);
    if (!result || result[0] == '*')
        return PasswordCheck::unsupported_scheme;
    return constant_time_equal(result, hash) ? PasswordCheck::match : PasswordCheck::mismatch;
}

PasswordCheck verify_digest(const Scheme& scheme, std::string_view encoded, bool hex, std::string_view password)
{
    std::optional<std::string> raw;
    if (hex) {
        const std::string lowered = to_lower(encoded);
        if (lowered.size() % 2 != 0 || lowered.find_first_not_of("0123456789abcdef") != std::string::npos)
            return PasswordCheck::mismatch;
        std::string decoded;
        for (std::size_t i = 0; i < lowered.size(); i += 2)
            decoded += static_cast<char>(std::stoi(lowered.substr(i, 2), nullptr, 16));
        raw = decoded;
    } else {
        raw = base64_decode(encoded);
    }
    const auto digest_size = static_cast<std::size_t>(EVP_MD_get_size(scheme.digest()));
    if (!raw || raw->size() < digest_size || (!scheme.salted && raw->size() != digest_size))
        return PasswordCheck::mismatch;
    const std::string_view salt = std::string_view(*raw).substr(digest_size);
    const std::string computed = digest(scheme.digest(), password, salt);
    return constant_time_equal(computed, std::string_view(*raw).substr(0, digest_size)) ? PasswordCheck::match
                                                                                       : PasswordCheck::mismatch;
}

}  // namespace

PasswordCheck verify_password(std::string_view stored, std::string_view password, std::string_view default_scheme)
{
    if (stored.empty())
        return PasswordCheck::mismatch;
    auto [scheme_name, data] = split_scheme(stored, default_scheme);
    if (scheme_name == "PLAIN" || scheme_name == "CLEAR")
        return constant_time_equal(data, password) ? PasswordCheck::match : PasswordCheck::mismatch;
    const bool hex = scheme_name.ends_with(".HEX");
    if (hex)
        scheme_name.resize(scheme_name.size() - 4);
    else if (scheme_name.ends_with(".B64") || scheme_name.ends_with(".BASE64"))
        scheme_name.resize(scheme_name.find('.'));
    const Scheme* scheme = find_scheme(scheme_name);
    if (!scheme)
        return PasswordCheck::unsupported_scheme;
    if (!scheme->digest)
        return verify_crypt(data, password);
    return verify_digest(*scheme, data, hex, password);
}

std::optional<std::string> hash_password(std::string_view scheme_name, std::string_view password)
{
    const std::string name = to_upper(scheme_name);
    if (name == "PLAIN" || name == "CLEAR")
        return "{" + name + "}" + std::string(password);
    const Scheme* scheme = find_scheme(name);
    if (!scheme)
        return std::nullopt;
    if (scheme->digest) {
        std::string salt;
        if (scheme->salted) {
            unsigned char bytes[8];
            if (RAND_bytes(bytes, sizeof bytes) != 1)
                return std::nullopt;
            salt.assign(reinterpret_cast<char*>(bytes), sizeof bytes);
        }
        return "{" + name + "}" + base64_encode(digest(scheme->digest(), password, salt) + salt);
    }
    const std::string prefix = scheme->crypt_prefix.empty() ? "$6$" : std::string(scheme->crypt_prefix);
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn(prefix.c_str(), 0, nullptr, 0, setting, sizeof setting))
        return std::nullopt;
    crypt_data data{};
    const std::string phrase(password);
    const char* result = crypt_r(phrase.c_str(), setting, &data);
    if (!result || result[0] == '*')
        return std::nullopt;
    return "{" + name + "}" + result;
}

std::vector<std::string> password_schemes()
{
    std::vector<std::string> names{"PLAIN", "CLEAR"};
    for (const auto& scheme : schemes)
        names.emplace_back(scheme.name);
    return names;
}

std::optional<std::string> stored_plaintext(std::string_view stored, std::string_view default_scheme)
{
    const auto [scheme_name, data] = split_scheme(stored, default_scheme);
    if (scheme_name == "PLAIN" || scheme_name == "CLEAR")
        return std::string(data);
    return std::nullopt;
}

}  // namespace mailroom::core
