// core/util/base64.hpp - base64 (RFC 4648 section 4) for SASL exchanges (RFC 4422) and
// password hashes, via OpenSSL's EVP encoder.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::core {

std::string base64_encode(std::string_view bytes);
// Strict decoding of one base64 token (no line breaks); nullopt on any bad character or
// bad padding. "" decodes to "".
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mailroom::core
