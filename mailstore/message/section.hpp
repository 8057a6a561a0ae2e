// mailstore/message/section.hpp - IMAP BODY[section] addressing (RFC 3501 §6.4.5, §9
// section-spec) over a Part tree: which physical bytes a section is, and the
// HEADER.FIELDS[.NOT] filter. Serving <origin.length> is CrlfConverter's job.
#pragma once
#include "mailstore/message/part.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::message {

enum class SectionText : unsigned char {
    none,               // BODY[] or BODY[1.2]: the whole message / the part's body
    header,             // HEADER
    header_fields,      // HEADER.FIELDS (names)
    header_fields_not,  // HEADER.FIELDS.NOT (names)
    text,               // TEXT
    mime,               // MIME (only after a part number)
};

struct SectionSpec {
    std::vector<std::uint32_t> path;  // part numbers, each >= 1
    SectionText text = SectionText::none;
    std::vector<std::string> fields;  // header_fields*: field names as given
};

// Parses the text between '[' and ']': "", "1.2", "1.2.MIME", "HEADER",
// "3.HEADER.FIELDS (From To)"... Keywords are case-insensitive. nullopt on bad syntax:
// a part number of 0, with leading zeros or above 2^32-1, MIME without a part number,
// an empty field list.
std::optional<SectionSpec> parse_section_spec(std::string_view spec);

// The physical bytes a section is made of. For header_fields* the range is the header
// block, to be passed through filter_header_fields() before conversion to CRLF.
struct SectionRange {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    SectionText filter = SectionText::none;  // header_fields, header_fields_not or none
};

// Resolves `spec` in the tree of a message. Part numbering follows RFC 3501 §6.4.5: the
// parts of a multipart are numbered from 1; a non-multipart message (the root, or one
// encapsulated in message/rfc822) has one part, numbered 1, which is the message itself;
// numbers after a message/rfc822 part address the encapsulated message's parts. HEADER,
// TEXT and HEADER.FIELDS after a part number require a message/rfc822 part and refer to
// the encapsulated message. nullopt: no such part (IMAP answers an empty string).
std::optional<SectionRange> resolve_section(const Part& root, const SectionSpec& spec);

// Filters a header block (physical bytes, as stored) by field name, ignoring case:
// header_fields keeps the named fields and appends one LF (so the result always ends
// with an empty line once converted, as Dovecot sends it); header_fields_not keeps the
// other fields, lines without a colon included, and the block's own blank line. Folded
// fields are kept whole. The result is physical bytes, still to be converted to CRLF.
std::string filter_header_fields(std::string_view header, SectionText filter,
                                 const std::vector<std::string>& names);

}  // namespace mailroom::message
