// mailstore/message/line_ends.hpp - physical versus CRLF ("virtual") sizes, the IMAP view
// of a stored message (RFC 3501 §2.3.4 RFC822.SIZE, §7.4.2 body-fld-octets/lines).
// Only LF ends a line (as in Dovecot): CRLF counts as one line end, a lone CR is data.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailroom::message {

struct LineStats {
    std::uint64_t virtual_size = 0;  // bytes once every bare LF became CRLF
    std::uint64_t lines = 0;         // LF count (IMAP body-fld-lines)
};

// Counts `bytes` as stored. `prev` is the byte just before `bytes` (0 if none), so that a
// range starting with LF after a CR outside it is not counted twice.
LineStats count_lines(std::string_view bytes, char prev = 0) noexcept;

// Streaming LF -> CRLF conversion of a physical byte range, with an optional IMAP partial
// <origin.length> applied to the converted form. Feed the range in chunks of any size; the
// output is the same as for one chunk. NUL bytes become 0x80 when replace_nul is set (an
// IMAP literal may not contain NUL; Dovecot does the same).
class CrlfConverter {
public:
    static constexpr std::uint64_t unlimited = UINT64_MAX;

    explicit CrlfConverter(std::uint64_t origin = 0, std::uint64_t length = unlimited,
                           bool replace_nul = true, char prev = 0) noexcept;

    // Appends the converted bytes of `chunk` that fall inside the partial window to `out`.
    void feed(std::string_view chunk, std::string& out);
    // True once the window is full; the caller may stop reading.
    bool done() const noexcept { return remaining_ == 0; }
    // CRLF-form bytes seen so far, including those before the window.
    std::uint64_t position() const noexcept { return position_; }

private:
    void emit(const char* data, std::size_t n, std::string& out);

    std::uint64_t skip_;
    std::uint64_t remaining_;
    std::uint64_t position_ = 0;
    bool replace_nul_;
    bool has_nul_ = false;   // the chunk being fed has a NUL byte (and replace_nul_ is set)
    char prev_;
};

// The whole range converted at once (tests, small sections).
std::string to_crlf(std::string_view bytes, bool replace_nul = true);

}  // namespace mailroom::message
