// core/auth/password.hpp - password hashes in Dovecot's "{SCHEME}data" notation, so users
// files from Dovecot work unchanged: PLAIN/CLEAR, CRYPT and the crypt(3) family
// (SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, MD5-CRYPT, yescrypt via libxcrypt), and the
// salted digests SHA/SSHA/SHA256/SSHA256/SHA512/SSHA512/PLAIN-MD5 (base64, or .HEX).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

enum class PasswordCheck { match, mismatch, unsupported_scheme };

// Compares in constant time (for a given hash length). A stored value without a
// "{SCHEME}" prefix is taken to be in `default_scheme` (Dovecot's default_pass_scheme).
// An empty stored value, or a crypt value starting with '!' or '*' (a locked account),
// never matches.
PasswordCheck verify_password(std::string_view stored, std::string_view password,
                              std::string_view default_scheme = "CRYPT");

// Hashes with a fresh random salt: "{SHA512-CRYPT}$6$...". nullopt for an unknown scheme.
std::optional<std::string> hash_password(std::string_view scheme, std::string_view password);

// Schemes hash_password() can produce (for `mailroom pw -l`).
std::vector<std::string> password_schemes();

// The clear-text password when the stored form keeps one ({PLAIN}/{CLEAR}), which APOP and
// CRAM-style mechanisms need; nullopt otherwise.
std::optional<std::string> stored_plaintext(std::string_view stored, std::string_view default_scheme = "CRYPT");

}  // namespace mailroom::core
