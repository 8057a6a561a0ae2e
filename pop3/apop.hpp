// pop3/apop.hpp - APOP (RFC 1939 section 7): the greeting's timestamp and the check of the
// client's digest, MD5(timestamp + secret), against a password stored in clear text.
#pragma once
#include "core/auth/password.hpp"
#include "core/auth/user.hpp"

#include <string>
#include <string_view>

namespace mailroom::pop3 {

// "<pid.counter.random@host>": unique per connection and not guessable, so a recorded digest
// cannot be replayed.
std::string apop_timestamp(std::string_view host_name);

// match when `digest` (lower-case hex) is MD5(timestamp + the user's clear-text password);
// unsupported_scheme when the stored password is hashed, so APOP cannot work for this user.
core::PasswordCheck check_apop(const core::User& user, std::string_view timestamp, std::string_view digest);

}  // namespace mailroom::pop3
