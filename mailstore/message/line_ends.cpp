// mailstore/message/line_ends.cpp - LF counting and streaming LF -> CRLF conversion with
// an IMAP partial window (RFC 3501 §6.4.5 BODY[section]<origin.octets>).
#include "mailstore/message/line_ends.hpp"

#include <algorithm>
#include <cstring>

namespace mailroom::message {

LineStats count_lines(std::string_view bytes, char prev) noexcept
{
    LineStats stats;
    stats.virtual_size = bytes.size();
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    while (p < end) {
        const auto* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (lf == nullptr)
            break;
        ++stats.lines;
        const char before = lf == bytes.data() ? prev : lf[-1];
        if (before != '\r')
            ++stats.virtual_size;
        p = lf + 1;
    }
    return stats;
}

CrlfConverter::CrlfConverter(std::uint64_t origin, std::uint64_t length, bool replace_nul,
                             char prev) noexcept
    : skip_(origin), remaining_(length), replace_nul_(replace_nul), prev_(prev)
{
}

void CrlfConverter::emit(const char* data, std::size_t n, std::string& out)
{
    position_ += n;
    if (skip_ >= n) {
        skip_ -= n;
        return;
    }
    data += skip_;
    n -= static_cast<std::size_t>(skip_);
    skip_ = 0;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
    const std::size_t at = out.size();
    out.append(data, take);
    if (remaining_ != unlimited)
        remaining_ -= take;
    if (!has_nul_)
        return;
    char* const appended_end = out.data() + out.size();
    for (char* p = out.data() + at; (p = static_cast<char*>(std::memchr(p, '\0', static_cast<std::size_t>(appended_end - p))));)
        *p++ = '\x80';
}

void CrlfConverter::feed(std::string_view chunk, std::string& out)
{
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    // One look for NUL per chunk, not one per line.
    has_nul_ = replace_nul_ && std::memchr(p, '\0', chunk.size()) != nullptr;
    // Copy runs between bare LFs in one append each; insert the CR in front of a bare LF.
    while (p < end && remaining_ != 0) {
        const auto* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char* run_end = lf == nullptr ? end : lf;
        if (run_end > p) {
            emit(p, static_cast<std::size_t>(run_end - p), out);
            prev_ = run_end[-1];
        }
        if (lf == nullptr)
            break;
        if (prev_ != '\r')
            emit("\r\n", 2, out);
        else
            emit("\n", 1, out);
        prev_ = '\n';
        p = lf + 1;
    }
}

std::string to_crlf(std::string_view bytes, bool replace_nul)
{
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 32);
    CrlfConverter conv(0, CrlfConverter::unlimited, replace_nul);
    conv.feed(bytes, out);
    return out;
}

}  // namespace mailroom::message
