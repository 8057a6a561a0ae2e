// mailstore/message/mime_params.hpp - Content-Type/Content-Disposition parameters
// (RFC 2045 §5.1, RFC 2183 §2) with RFC 2231 continuations (§3) merged and charset/language
// values (§4) decoded on request.
#pragma once
#include "mailstore/message/rfc822_lexer.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mailroom::message {

struct MimeParam {
    std::string name;   // as written; RFC 2231 "name*" when the value is still encoded
    std::string value;  // unquoted
    bool operator==(const MimeParam&) const = default;
};

// Parses `;`-separated parameters from the lexer's position to the end of the value.
// A malformed parameter is skipped one byte at a time up to the next ';' (Dovecot's
// recovery, so BODYSTRUCTURE matches it). Continuations "k*0", "k*1*"... are merged into
// one parameter "k" (or "k*" if any section was extended, the value then being
// charset'language'%XX as written). Plain parameters come first, in order, then the
// merged ones ordered by name. At most max_mime_params parameters.
std::vector<MimeParam> parse_mime_params(Rfc822Lexer& lex);

// First parameter named `name` or `name*`, ignoring case; nullptr if none.
const MimeParam* find_param(const std::vector<MimeParam>& params, std::string_view name) noexcept;

// The parameter's value as UTF-8: an RFC 2231 extended value ("name*") is percent-decoded
// and converted from its charset; a plain value has RFC 2047 words decoded (widespread,
// though RFC 2047 §5 forbids it) and invalid UTF-8 replaced.
std::string decode_param_value(const MimeParam& param);

}  // namespace mailroom::message
