// mailstore/message/charset.cpp - MIME charset -> UTF-8 through ICU ucnv (RFC 2046 §4.1.2).
#include "mailstore/message/charset.hpp"

#include "mailstore/message/header.hpp"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace mailroom::message {

namespace {

// Length of the valid UTF-8 sequence at s[0], 0 if invalid, -1 if cut short by the end.
int utf8_sequence(std::string_view s) noexcept
{
    const auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 < 0x80)
        return 1;
    int len;
    unsigned lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i < len; ++i) {
        if (static_cast<std::size_t>(i) >= s.size())
            return -1;
        const auto b = static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
            return 0;
    }
    return len;
}

// Appends the valid prefix of bytes; returns how many trailing bytes form an incomplete
// sequence (kept for the next chunk unless `last`). Valid bytes are appended in runs, and
// ASCII is skipped over eight bytes at a time: bodies are mostly ASCII.
std::size_t append_utf8_prefix(std::string_view bytes, std::string& out, bool last)
{
    std::size_t run = 0;   // bytes[run, i) are valid and not appended yet
    std::size_t i = 0;
    while (i < bytes.size()) {
        i += ascii_prefix_length(bytes.substr(i));
        if (i == bytes.size())
            break;
        const int n = utf8_sequence(bytes.substr(i));
        if (n > 0) {
            i += static_cast<std::size_t>(n);
            continue;
        }
        out.append(bytes.data() + run, i - run);
        if (n < 0 && !last)
            return bytes.size() - i;
        out += "\xEF\xBF\xBD";
        run = ++i;
    }
    out.append(bytes.data() + run, i - run);
    return 0;
}

bool is_utf8_label(std::string_view cs) noexcept
{
    for (std::string_view l : {"utf-8", "utf8", "us-ascii", "ascii", "x-unknown", "unknown-8bit",
                               "unknown", "x-user-defined", ""})
        if (iequals(cs, l))
            return true;
    return false;
}

}  // namespace

std::size_t ascii_prefix_length(std::string_view bytes) noexcept
{
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        if (word & 0x8080808080808080u)
            break;
    }
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) < 0x80)
        ++i;
    return i;
}

void append_valid_utf8(std::string_view bytes, std::string& out)
{
    append_utf8_prefix(bytes, out, true);
}

Utf8Converter::Utf8Converter(std::string_view charset)
{
    if (is_utf8_label(charset))
        return;
    const std::string name(charset);
    UErrorCode err = U_ZERO_ERROR;
    conv_ = name.find('\0') == std::string::npos ? ucnv_open(name.c_str(), &err) : nullptr;
    if (conv_ == nullptr || U_FAILURE(err)) {
        if (conv_ != nullptr)
            ucnv_close(conv_);
        conv_ = nullptr;
        known_ = false;
    }
}

Utf8Converter::~Utf8Converter()
{
    if (conv_ != nullptr)
        ucnv_close(conv_);
}

void Utf8Converter::feed_utf8(std::string_view chunk, std::string& out, bool last)
{
    if (pending_.empty()) {
        const std::size_t keep = append_utf8_prefix(chunk, out, last);
        pending_.assign(chunk.substr(chunk.size() - keep));
        return;
    }
    std::string joined = std::move(pending_);
    joined.append(chunk);
    const std::size_t keep = append_utf8_prefix(joined, out, last);
    pending_.assign(std::string_view(joined).substr(joined.size() - keep));
}

void Utf8Converter::feed(std::string_view chunk, std::string& out, bool last)
{
    if (conv_ == nullptr) {
        feed_utf8(chunk, out, last);
        return;
    }
    std::array<UChar, 2048> buf;
    std::array<char, 2048 * 3 + 4> utf8;
    const char* src = chunk.data();
    const char* const src_end = src + chunk.size();
    for (;;) {
        // A lead surrogate held back from the previous round goes first.
        UChar* target = buf.data();
        if (carry_ != 0) {
            *target++ = carry_;
            carry_ = 0;
        }
        UErrorCode err = U_ZERO_ERROR;
        ucnv_toUnicode(conv_, &target, buf.data() + buf.size(), &src, src_end, nullptr, last, &err);
        auto n = static_cast<int32_t>(target - buf.data());
        if (n > 0 && U16_IS_LEAD(buf[static_cast<std::size_t>(n - 1)]) && err == U_BUFFER_OVERFLOW_ERROR)
            carry_ = buf[static_cast<std::size_t>(--n)];
        int32_t written = 0;
        UErrorCode err2 = U_ZERO_ERROR;
        u_strToUTF8WithSub(utf8.data(), static_cast<int32_t>(utf8.size()), &written, buf.data(), n,
                           0xFFFD, nullptr, &err2);
        if (U_SUCCESS(err2))
            out.append(utf8.data(), static_cast<std::size_t>(written));
        if (err != U_BUFFER_OVERFLOW_ERROR)
            break;
    }
}

bool convert_to_utf8(std::string_view charset, std::string_view bytes, std::string& out)
{
    Utf8Converter conv(charset);
    conv.feed(bytes, out, true);
    return conv.known();
}

}  // namespace mailroom::message
