// imap/render/imap_string.hpp - IMAP string output (RFC 3501 §4.3 quoted and literal
// strings, §4.5 NIL, §9 string/nstring/astring), choosing the form the way Dovecot's
// imap-quote.c does so responses match it byte for byte.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::imap {

// More quoted-specials ('"', '\') than this, and a literal is shorter (Dovecot: 4).
inline constexpr unsigned quoted_max_escapes = 4;
// Longer values go out as literals so no response line grows unbounded (Dovecot has no
// such cap; see docs/message-parsing.md).
inline constexpr std::size_t quoted_max_size = 8192;

void append_nil(std::string& out);
// "..." with '"' and '\' escaped. The caller ensures no CR, LF, NUL or 8-bit byte.
void append_quoted(std::string& out, std::string_view s);
// {n}CRLF followed by the bytes; NUL (not allowed in a literal) becomes 0x80.
void append_literal(std::string& out, std::string_view s);
// Quoted if possible; a literal for CR, LF, NUL, 8-bit bytes, more than quoted_max_escapes
// specials or more than quoted_max_size bytes.
void append_string(std::string& out, std::string_view s);
void append_nstring(std::string& out, const std::optional<std::string>& s);
// For a folded header value: each line end is removed, replaced by a space when the next
// line does not start with whitespace; then as append_nstring.
void append_nstring_nolf(std::string& out, const std::optional<std::string>& s);
// An atom when every byte is an ASTRING-CHAR and the value is not "NIL"; else a string.
void append_astring(std::string& out, std::string_view s);
// For text people read (ENVELOPE subject and display names): line ends and tabs become
// spaces, runs of whitespace one space, leading/trailing whitespace is dropped, NUL
// becomes 0x80; then quoted if nothing needs escaping, else a literal.
void append_string_for_humans(std::string& out, std::string_view s);

}  // namespace mailroom::imap
