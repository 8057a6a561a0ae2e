// imap/crlf_copy.cpp - LF -> CRLF into a sized buffer (see crlf_copy.hpp).
#include "imap/crlf_copy.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mailroom::imap {

namespace {

// The tail (fewer than 16 bytes on SSE2) or everything (elsewhere): a run up to each LF at a time.
char* copy_runs(const char* p, const char* const end, char* o, char before) noexcept
{
    while (p < end) {
        const auto* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (lf == nullptr) {
            std::memcpy(o, p, static_cast<std::size_t>(end - p));
            return o + (end - p);
        }
        const auto run = static_cast<std::size_t>(lf - p);
        std::memcpy(o, p, run);
        o += run;
        if ((run ? lf[-1] : before) != '\r')
            *o++ = '\r';
        *o++ = '\n';
        p = lf + 1;
        before = '\n';
    }
    return o;
}

}  // namespace

std::size_t crlf_copy(std::string_view in, char* out, char& prev) noexcept
{
    if (in.empty())
        return 0;
    const char* p = in.data();
    const char* const end = p + in.size();
    char* o = out;
    bool has_nul = false;
#if defined(__SSE2__)
    // 16 bytes at a time: each block is stored whole, then the output position moves past
    // the bytes before its first LF, the line end is written, and the next block starts after
    // the LF. The stores stay inside the 2 * in.size() bytes: a block is stored only while 16
    // input bytes remain, and output is never more than twice the input consumed.
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i nul = _mm_setzero_si128();
    int nul_seen = 0;
    while (end - p >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), block);
        nul_seen |= _mm_movemask_epi8(_mm_cmpeq_epi8(block, nul));
        const int lf = _mm_movemask_epi8(_mm_cmpeq_epi8(block, newline));
        if (lf == 0) {
            p += 16;
            o += 16;
            continue;
        }
        const int at = __builtin_ctz(static_cast<unsigned>(lf));
        char* w = o + at;   // the bytes before the LF are in place
        if ((at ? p[at - 1] : p > in.data() ? p[-1] : prev) != '\r')
            *w++ = '\r';
        *w++ = '\n';
        o = w;
        p += at + 1;
    }
    has_nul = nul_seen != 0;
#endif
    o = copy_runs(p, end, o, p > in.data() ? p[-1] : prev);
    prev = end[-1];
    if (has_nul || std::memchr(p, '\0', static_cast<std::size_t>(end - p)) != nullptr)
        for (char* q = out; (q = static_cast<char*>(std::memchr(q, '\0', static_cast<std::size_t>(o - q))));)
            *q++ = '\x80';
    return static_cast<std::size_t>(o - out);
}

void append_crlf(std::string_view in, std::string& out, char& prev)
{
    const std::size_t at = out.size();
    out.resize(at + 2 * in.size());
    out.resize(at + crlf_copy(in, out.data() + at, prev));
}

}  // namespace mailroom::imap
