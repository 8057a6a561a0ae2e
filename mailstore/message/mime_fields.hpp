// mailstore/message/mime_fields.hpp - the Content-* fields of one part (RFC 2045 §5 type,
// §6 transfer encoding, §7 ID, §8 description; RFC 1864 MD5; RFC 2183 disposition;
// RFC 3282 language; RFC 2557 location), as IMAP BODYSTRUCTURE shows them.
#pragma once
#include "mailstore/message/header.hpp"
#include "mailstore/message/mime_params.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mailroom::message {

struct MimeFields {
    // Content-Type as written (case kept). type == nullopt: no Content-Type at all (the
    // RFC 2045 §5.2 default applies). A value without "/subtype" gives subtype "".
    std::optional<std::string> type, subtype;
    std::vector<MimeParam> type_params;
    std::optional<std::string> id, description, transfer_encoding, md5, location;
    std::optional<std::string> disposition;
    std::vector<MimeParam> disposition_params;
    std::vector<std::string> language;

    bool operator==(const MimeFields&) const = default;

    bool type_is(std::string_view t) const noexcept { return type && iequals(*type, t); }
    bool is_text() const noexcept { return !type || type_is("text"); }
    // The charset parameter, or "us-ascii" (RFC 2045 §5.2).
    std::string charset() const;
};

// True if the header says the part is MIME: a MIME-Version or Content-Type field
// (Dovecot is lenient the same way; RFC 2045 §4 asks for MIME-Version).
bool declares_mime(const HeaderBlock& header) noexcept;

// Reads the Content-* fields; the first of each kind wins. Unstructured values (ID,
// Description, MD5, Location) are raw, folding kept with LF line ends
// (normalize_line_ends).
MimeFields parse_mime_fields(const HeaderBlock& header);

}  // namespace mailroom::message
