// mailstore/message/search_text.hpp - text for IMAP SEARCH substring matching (RFC 3501
// §6.4.4 BODY/TEXT/header keys): RFC 2047/2045 decoding, charset conversion to UTF-8 and
// Unicode case folding (ICU UnicodeString::foldCase, full folding).
#pragma once
#include "mailstore/message/header.hpp"
#include "mailstore/message/part.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mailroom::message {

// Case-folds UTF-8 text (invalid sequences become U+FFFD first).
std::string fold_case(std::string_view utf8);

// The field's value, unfolded, RFC 2047-decoded and case-folded.
std::string header_search_text(const HeaderField& field);

// Receives consecutive chunks of one part's folded UTF-8 text; a part's chunks arrive in
// order, one part after another. A chunk never splits a UTF-8 character.
using SearchTextSink = std::function<void(const Part& part, std::string_view folded)>;

inline constexpr std::size_t search_chunk_size = 64 * 1024;

// Walks the tree in order and feeds `sink` the text of every text/* leaf (transfer-decoded,
// converted from its charset, folded) and, for each message/rfc822 part, the fields of the
// encapsulated header as "name: value\n" lines (decoded and folded). Memory stays bounded
// by chunk_size whatever the body size. `message` is the bytes the tree was parsed from;
// ranges outside it (a tree for other bytes) are clipped, never read.
void for_each_search_text(std::string_view message, const Part& root, const SearchTextSink& sink,
                          std::size_t chunk_size = search_chunk_size);

// True if `needle` (any case; folded here) occurs in the text for_each_search_text yields,
// matches spanning chunk boundaries included. An empty needle matches.
bool search_text_contains(std::string_view message, const Part& root, std::string_view needle);

}  // namespace mailroom::message
