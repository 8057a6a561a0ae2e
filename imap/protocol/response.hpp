// imap/protocol/response.hpp - writing server responses (RFC 3501 §7: status responses with
// optional response codes, §7.5 continuation requests) into an output buffer.
#pragma once
#include <string>
#include <string_view>

namespace mailroom::imap {

enum class Status : unsigned char { ok, no, bad };

std::string_view status_name(Status status);

// "tag OK [CODE] text\r\n" (no brackets when code is empty). Used for untagged status lines
// too, with tag "*". CR and LF in text are replaced by spaces (it may quote client input).
void append_status(std::string& out, std::string_view tag, Status status, std::string_view code,
                   std::string_view text);

// "+ text\r\n".
void append_continuation(std::string& out, std::string_view text);

}  // namespace mailroom::imap
