// imap/protocol/wire_name.hpp - mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3)
// outside, UTF-8 with '/' inside (the storage API's form).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::imap {

// The UTF-8 name for a name a client sent; nullopt when it is not valid modified UTF-7
// (8-bit bytes included: RFC 3501 names are 7-bit).
std::optional<std::string> decode_mailbox_name(std::string_view wire);

// Appends the name as the client sees it: modified UTF-7, as an atom when it can be one,
// else a quoted string (a literal when it needs one).
void append_mailbox_name(std::string& out, std::string_view utf8);

// The wire form alone, for response codes and logs.
std::string encode_mailbox_name(std::string_view utf8);

}  // namespace mailroom::imap
