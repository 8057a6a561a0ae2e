// imap/crlf_copy.hpp - the LF -> CRLF conversion of a FETCH body literal (RFC 3501 §2.3.4:
// an IMAP literal has CRLF line ends; stored messages have LF) without a partial window,
// written straight into a buffer. message::CrlfConverter does the same with an <origin.length>
// window and appends to a std::string a line at a time; this copies the runs between line
// ends with memcpy into memory the caller sized, which is most of what BODY[] costs. Same
// rules: only LF ends a line, a CR already before it is kept (CRLF stays CRLF), NUL becomes
// 0x80 (an IMAP literal may not hold NUL; Dovecot does the same).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace mailroom::imap {

// Writes the converted form of `in` to `out`, which must have room for 2 * in.size() bytes,
// and returns the number written. `prev` is the byte before `in` (0 at the start of a
// range) and is updated to the last byte of `in`, so a range fed in chunks converts as one.
std::size_t crlf_copy(std::string_view in, char* out, char& prev) noexcept;

// Appends the converted form of `in` to `out` (crlf_copy into the string's tail).
void append_crlf(std::string_view in, std::string& out, char& prev);

}  // namespace mailroom::imap
