// mailstore/message/charset.hpp - conversion of MIME charsets (RFC 2045 §5.1, RFC 2046
// §4.1.2, RFC 2978 names) to UTF-8 with ICU's ucnv_* converters.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct UConverter;

namespace mailroom::message {

// How many bytes at the start of `bytes` are ASCII (below 0x80).
std::size_t ascii_prefix_length(std::string_view bytes) noexcept;

// Appends `bytes` to `out` with every invalid UTF-8 sequence replaced by U+FFFD.
void append_valid_utf8(std::string_view bytes, std::string& out);

// Appends `bytes`, written in `charset`, to `out` as UTF-8. us-ascii, utf-8/utf8 and the
// "unknown" labels (x-unknown, unknown-8bit, empty) are taken as UTF-8 with invalid
// sequences replaced, since 8-bit text under those labels is UTF-8 in practice. Returns
// false, and does the same, for a charset ICU does not know.
bool convert_to_utf8(std::string_view charset, std::string_view bytes, std::string& out);

// Streaming form of convert_to_utf8 for large bodies: multi-byte characters split across
// chunks are kept until the next chunk.
class Utf8Converter {
public:
    explicit Utf8Converter(std::string_view charset);
    ~Utf8Converter();
    Utf8Converter(const Utf8Converter&) = delete;
    Utf8Converter& operator=(const Utf8Converter&) = delete;

    bool known() const noexcept { return known_; }
    void feed(std::string_view chunk, std::string& out, bool last);

private:
    void feed_utf8(std::string_view chunk, std::string& out, bool last);

    UConverter* conv_ = nullptr;  // nullptr: UTF-8 passthrough
    bool known_ = true;
    char16_t carry_ = 0;          // a lead surrogate waiting for its trail
    std::string pending_;         // UTF-8 passthrough: an incomplete trailing sequence
};

}  // namespace mailroom::message
