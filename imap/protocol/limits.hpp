// imap/protocol/limits.hpp - the named limits of the IMAP command reader (RFC 3501 §4.3,
// RFC 7162 §4 asks servers to take command lines of at least 8192 octets). The configurable
// ones have parameters (docs/configuration.md); these are their defaults.
#pragma once
#include <cstddef>
#include <cstdint>

namespace mailroom::imap {

inline constexpr std::size_t default_line_max = 64 * 1024;          // imap_max_line_length
inline constexpr std::size_t default_command_max = 1024 * 1024;      // imap_max_command_size
inline constexpr std::uint64_t default_literal_max = 64ull << 20;    // imap_literal_max (APPEND)
inline constexpr unsigned list_depth_max = 32;                       // "((((" nesting
inline constexpr std::size_t arg_count_max = 20000;                  // arguments in one command
inline constexpr std::size_t tag_max = 64;                           // longer tags are refused
// A refused non-synchronizing literal is read and thrown away when it is at most this big;
// a bigger one ends the connection (its bytes would take too long to skip).
inline constexpr std::uint64_t discard_literal_max = 1ull << 30;

}  // namespace mailroom::imap
