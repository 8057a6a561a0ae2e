// mailstore/message/serialize.hpp - a compact, versioned binary form of a Part tree for the
// index cache, holding everything BODY/BODYSTRUCTURE/ENVELOPE (RFC 3501 §7.4.2) and
// BODY[section] (§6.4.5) need, so a FETCH after the first needs no re-parse.
#pragma once
#include "mailstore/message/part.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mailroom::message {

// Format version written by serialize_part_tree(); the decoder refuses any other.
inline constexpr unsigned char part_tree_format_version = 1;

// "MRPT", the version byte, then the root part: flags, seven LEB128 sizes, the MIME
// fields, the envelope if present, the children. Round-trips exactly (operator==).
std::string serialize_part_tree(const Part& root);

// Decodes what serialize_part_tree() wrote. nullopt for anything else (wrong magic or
// version, truncation, trailing bytes, lengths past the end, nesting or part counts past
// the parser's limits, ranges the parser cannot produce: a body not right after its
// header, a child outside its parent's body or before its previous sibling); `error`, if
// given, says what and where. Never reads out of range.
std::optional<Part> deserialize_part_tree(std::string_view bytes, std::string* error = nullptr);

}  // namespace mailroom::message
