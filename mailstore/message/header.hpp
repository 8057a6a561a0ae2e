// mailstore/message/header.hpp - the header block of a message or MIME part (RFC 5322
// §2.2 fields, §2.2.3 folding, §3.5 the blank line; obsolete syntax §4.5: whitespace
// before the colon). One pass over the bytes; fields are views into the message.
#pragma once
#include "mailstore/message/limits.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::message {

// One field as stored. Views point into the message given to parse_header().
struct HeaderField {
    std::string_view name;   // before the colon, trailing whitespace removed
    std::string_view value;  // after the colon and the whitespace that follows it, up to
                             // (not including) the field's last line end; still folded
    std::string_view raw;    // the whole field including its last line end, if any
    std::size_t offset = 0;  // physical offset of raw in the message
    bool has_colon = true;   // false: a line without a colon (kept, never matched by name)
};

struct HeaderBlock {
    std::vector<HeaderField> fields;  // in order, at most limits.header_fields
    std::size_t offset = 0;           // physical offset of the block
    std::size_t size = 0;             // physical size, including the blank line if any
    bool has_separator = false;       // ended with a blank line (else: end of input)
    bool truncated = false;           // fields past a cap were not recorded

    // First/all fields whose name equals `name` ignoring ASCII case.
    const HeaderField* find_first(std::string_view name) const noexcept;
    const HeaderField* find_last(std::string_view name) const noexcept;
    std::vector<const HeaderField*> find_all(std::string_view name) const;
};

// Parses the header block that starts at `begin` and may extend to `end` (offsets into
// `message`). It ends after the first empty line ("\n" or "\r\n"), or at `end`. A line
// that starts with SP or HTAB continues the previous field. A line without a colon is
// kept as a field with has_colon == false and does not end the header (as in Dovecot),
// so a stray line cannot hide the fields that follow it. Never fails.
HeaderBlock parse_header(std::string_view message, std::size_t begin, std::size_t end,
                         const ParseLimits& limits = {});
inline HeaderBlock parse_header(std::string_view message)
{
    return parse_header(message, 0, message.size());
}

// Unfolds a field value: removes every CR and LF that is part of a line end and keeps the
// whitespace that follows (RFC 5322 §2.2.3). NUL bytes become U+FFFD when `replace_nul`.
std::string unfold(std::string_view value, bool replace_nul = false);

// Keeps the folding but writes every line end as a bare LF (CR before LF removed), the
// form Dovecot keeps a field's full value in; NUL bytes become U+FFFD when `replace_nul`.
std::string normalize_line_ends(std::string_view value, bool replace_nul = false);

// ASCII case-insensitive equality, used for field names and MIME tokens.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace mailroom::message
