// imap/cached_items.hpp - what FETCH and SEARCH derive from a message and keep in the
// mailbox's cache (the view's cached()/cache(), beside the serialized part tree): ENVELOPE,
// BODY and BODYSTRUCTURE as written on the wire (RFC 3501 §7.4.2), and the decoded,
// case-folded values of the header fields SEARCH looked at (§6.4.4). The first request for a
// message computes and caches the item; later ones, in any session or process, read it back
// without opening the message. Messages never change under a UID (an mbox rewritten by
// another program drops its cache entries, see mailstore/mbox), so entries need no checks
// beyond the cache's own; the field names carry a version to bump when the output changes.
#pragma once
#include "imap/message_data.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mailroom::imap {

enum class RenderedItem : unsigned char { envelope, body, body_structure };

// The item as FETCH writes it after its name ("(...)" or NIL for a missing envelope).
mailstore::Result<std::string> rendered_item(MessageData& data, RenderedItem item);

// The top-level header's fields named `name` (any case): each value unfolded, RFC 2047-decoded
// and case-folded (message::header_search_text), in header order; empty if there is none.
mailstore::Result<std::vector<std::string>> header_search_values(MessageData& data, std::string_view name);

// The cache field names, and the encoding of a list of values (length-prefixed, so any
// bytes survive). decode_value_list() gives nullopt for anything it did not write.
std::string header_values_cache_field(std::string_view name);
std::string encode_value_list(const std::vector<std::string>& values);
std::optional<std::vector<std::string>> decode_value_list(std::string_view encoded);

}  // namespace mailroom::imap
