// mailstore/message/encoded_words.hpp - RFC 2047 encoded words ("=?charset?B|Q?text?=",
// §2-§6, charset*language from RFC 2231 §5) decoded to UTF-8 for display and search.
#pragma once
#include <string>
#include <string_view>

namespace mailroom::message {

// Decodes every well-formed encoded word in a header value (folded or not) and returns
// UTF-8. Whitespace between two adjacent encoded words is dropped (RFC 2047 §6.2);
// adjacent words in one charset are joined before conversion, so a character split
// across words survives. Malformed words are left as written. Text outside encoded words
// is taken as UTF-8 (invalid bytes become U+FFFD). Line ends are removed (unfolding).
// At most max_encoded_words words are decoded.
std::string decode_header_text(std::string_view value);

}  // namespace mailroom::message
