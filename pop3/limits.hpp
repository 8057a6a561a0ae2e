// pop3/limits.hpp - the POP3 service's fixed limits, each named after the rule it follows
// (RFC 2449 section 4 line lengths and keywords, RFC 5034 section 4 AUTH responses) or the
// memory it bounds.
#pragma once
#include <cstddef>

namespace mailroom::pop3 {

// RFC 2449 section 4: a command line is at most 255 octets including its CRLF.
inline constexpr std::size_t command_line_max = 253;
// RFC 5034 section 4: client responses inside AUTH are not bound by the 255-octet command
// limit. PLAIN with 1024-byte fields (core/auth/sasl.cpp's cap) needs about 2.8 KB of base64.
inline constexpr std::size_t sasl_line_max = 8192;
// RFC 2449 section 4: command keywords are 3 or 4 characters (extensions at most 40).
inline constexpr std::size_t keyword_max = 40;
// Bytes of a message read from the store (and converted) per blocking-pool call.
inline constexpr std::size_t retrieve_chunk = 64 * 1024;
// Bytes of the following messages read ahead after a RETR (read_ahead.hpp), per session.
inline constexpr std::size_t retrieve_read_ahead = 128 * 1024;
// The header block read for the %m UIDL variable; longer headers are hashed up to here.
inline constexpr std::size_t header_md5_read_max = 1 << 20;

}  // namespace mailroom::pop3
