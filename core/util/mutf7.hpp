// core/util/mutf7.hpp - IMAP's modified UTF-7 for mailbox names (RFC 3501 section 5.1.3),
// used on the IMAP wire and, as Dovecot and Courier do, for Maildir++ folder names on disk.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::core {

// UTF-8 -> modified UTF-7. nullopt when the input is not valid UTF-8.
std::optional<std::string> utf8_to_mutf7(std::string_view utf8);
// Modified UTF-7 -> UTF-8. nullopt for malformed input (bad base64, unterminated shift,
// a shift that encodes printable ASCII, unpaired surrogates).
std::optional<std::string> mutf7_to_utf8(std::string_view mutf7);

// True when `text` is well-formed UTF-8 without overlong forms or surrogates.
bool is_valid_utf8(std::string_view text);

}  // namespace mailroom::core
