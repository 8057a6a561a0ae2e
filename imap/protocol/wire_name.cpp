// imap/protocol/wire_name.cpp - mailbox names on the wire (see wire_name.hpp).
#include "imap/protocol/wire_name.hpp"

#include "core/util/mutf7.hpp"
#include "imap/render/imap_string.hpp"

namespace mailroom::imap {

std::optional<std::string> decode_mailbox_name(std::string_view wire)
{
    for (unsigned char c : wire)
        if (c >= 0x80 || c == 0)
            return std::nullopt;
    return core::mutf7_to_utf8(wire);
}

std::string encode_mailbox_name(std::string_view utf8)
{
    // Names from the store are valid UTF-8; should one not be, send its bytes rather than
    // lose the mailbox from the listing.
    auto encoded = core::utf8_to_mutf7(utf8);
    return encoded ? std::move(*encoded) : std::string(utf8);
}

void append_mailbox_name(std::string& out, std::string_view utf8)
{
    const std::string wire = encode_mailbox_name(utf8);
    // Dovecot and most servers quote every name but INBOX-like atoms; clients accept both.
    append_astring(out, wire);
}

}  // namespace mailroom::imap
