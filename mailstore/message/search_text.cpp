// mailstore/message/search_text.cpp - decoded, case-folded text of headers and text/*
// parts for SEARCH (RFC 3501 §6.4.4), streamed in bounded chunks.
#include "mailstore/message/search_text.hpp"

#include "mailstore/message/charset.hpp"
#include "mailstore/message/encoded_words.hpp"
#include "mailstore/message/transfer_decode.hpp"

#include <unicode/unistr.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace mailroom::message {

namespace {

// A-Z to a-z in eight ASCII bytes at once: a byte's high bit ends up set in `upper` exactly
// when it is at least 'A' and not above 'Z' (no byte carries into the next, all are < 0x80).
std::uint64_t fold_ascii_word(std::uint64_t word) noexcept
{
    constexpr std::uint64_t ones = 0x0101010101010101u;
    const std::uint64_t at_least_a = word + ones * (0x80 - 'A');
    const std::uint64_t above_z = word + ones * (0x80 - 'Z' - 1);
    const std::uint64_t upper = at_least_a & ~above_z & (ones * 0x80);
    return word | (upper >> 2);   // 0x80 >> 2 == 0x20, the case bit
}

}  // namespace

std::string fold_case(std::string_view utf8)
{
    // Full case folding maps A-Z to a-z and leaves every other ASCII character alone, so
    // all-ASCII text (most bodies) needs no ICU.
    if (ascii_prefix_length(utf8) == utf8.size()) {
        std::string out(utf8);
        std::size_t i = 0;
        for (; i + 8 <= out.size(); i += 8) {
            std::uint64_t word;
            std::memcpy(&word, out.data() + i, 8);
            word = fold_ascii_word(word);
            std::memcpy(out.data() + i, &word, 8);
        }
        for (; i < out.size(); ++i)
            if (out[i] >= 'A' && out[i] <= 'Z')
                out[i] = static_cast<char>(out[i] + ('a' - 'A'));
        return out;
    }
    std::string valid;
    append_valid_utf8(utf8, valid);
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(valid.data(), static_cast<int32_t>(valid.size())));
    s.foldCase();
    std::string out;
    s.toUTF8String(out);
    return out;
}

std::string header_search_text(const HeaderField& field)
{
    return fold_case(decode_header_text(field.value));
}

namespace {

// The part of message[offset, offset+size) that exists: a tree decoded from a damaged
// cache must not make us read outside the message.
std::string_view slice(std::string_view message, std::uint64_t offset, std::uint64_t size) noexcept
{
    if (offset >= message.size())
        return {};
    return message.substr(static_cast<std::size_t>(offset),
                          static_cast<std::size_t>(std::min<std::uint64_t>(size, message.size() - offset)));
}

void text_leaf(std::string_view message, const Part& part, const SearchTextSink& sink, std::size_t chunk_size)
{
    TransferDecoder decoder(transfer_encoding_from(part.mime.transfer_encoding.value_or("")));
    Utf8Converter conv(part.mime.charset());
    const std::string_view body = slice(message, part.body_offset, part.body_size);
    std::string decoded, utf8;
    for (std::size_t pos = 0; pos < body.size() || pos == 0; pos += chunk_size) {
        const bool last = pos + chunk_size >= body.size();
        decoded.clear();
        utf8.clear();
        decoder.feed(body.substr(pos, std::min(chunk_size, body.size() - pos)), decoded);
        if (last)
            decoder.finish(decoded);
        conv.feed(decoded, utf8, last);
        if (!utf8.empty())
            sink(part, fold_case(utf8));
        if (last)
            break;
    }
}

void message_header(std::string_view message, const Part& part, const SearchTextSink& sink)
{
    if (part.children.empty())
        return;
    const Part& inner = part.children.front();
    const HeaderBlock header = parse_header(slice(message, inner.header_offset, inner.header_size));
    std::string text;
    for (const auto& f : header.fields) {
        if (!f.has_colon)
            continue;
        text.append(f.name);
        text += ": ";
        text += decode_header_text(f.value);
        text += '\n';
    }
    if (!text.empty())
        sink(part, fold_case(text));
}

void walk(std::string_view message, const Part& part, const SearchTextSink& sink, std::size_t chunk_size)
{
    if (part.kind == PartKind::message) {
        message_header(message, part, sink);
    } else if (part.kind == PartKind::single && part.mime.is_text()) {
        text_leaf(message, part, sink, chunk_size);
        return;
    }
    for (const auto& child : part.children)
        walk(message, child, sink, chunk_size);
}

}  // namespace

void for_each_search_text(std::string_view message, const Part& root, const SearchTextSink& sink,
                          std::size_t chunk_size)
{
    if (chunk_size == 0)
        return;
    walk(message, root, sink, chunk_size);
}

bool search_text_contains(std::string_view message, const Part& root, std::string_view needle)
{
    const std::string folded = fold_case(needle);
    if (folded.empty())
        return true;
    bool found = false;
    const Part* current = nullptr;
    std::string window;
    for_each_search_text(message, root, [&](const Part& part, std::string_view chunk) {
        if (found)
            return;
        if (&part != current) {
            window.clear();
            current = &part;
        }
        window.append(chunk);
        if (window.find(folded) != std::string::npos) {
            found = true;
            return;
        }
        // Keep just enough to match across the next chunk boundary.
        if (window.size() >= folded.size())
            window.erase(0, window.size() - (folded.size() - 1));
    });
    return found;
}

}  // namespace mailroom::message
