// mailstore/message/address.hpp - address lists (RFC 5322 §3.4, groups §3.4, obsolete
// routes and lists §4.4) in the shape IMAP ENVELOPE needs (RFC 3501 §7.4.2). Values are
// raw: RFC 2047 words stay encoded; decoded_display_name() decodes them for search.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::message {

enum class AddressKind : unsigned char {
    mailbox,      // name, route, mailbox, host
    group_start,  // mailbox holds the group's display name (ENVELOPE: NIL NIL name NIL)
    group_end,    // every field empty (ENVELOPE: NIL NIL NIL NIL)
};

struct Address {
    AddressKind kind = AddressKind::mailbox;
    std::optional<std::string> name;   // display name (phrase or an addr-spec's comment)
    std::optional<std::string> route;  // obsolete source route "@a,@b", without ':'
    std::string mailbox;               // local part (quotes removed)
    std::string host;                  // domain, "[literal]" kept with brackets
    bool invalid = false;              // something had to be guessed or filled in

    bool operator==(const Address&) const = default;
};

// Placeholders written where a part is missing, as Dovecot's ENVELOPE shows them.
inline constexpr std::string_view missing_mailbox = "MISSING_MAILBOX";
inline constexpr std::string_view missing_domain = "MISSING_DOMAIN";
inline constexpr std::string_view syntax_error_domain = "SYNTAX_ERROR";
inline constexpr std::string_view invalid_route = "INVALID_ROUTE";

// Parses an address-list field value (folded or not). Garbage ends the list: the
// addresses parsed before it are returned, as Dovecot does; a garbled element is returned
// with invalid == true and, when fill_missing, the placeholders above in the fields it
// lacks (without fill_missing those fields are left empty). At most max_addresses
// entries. Never fails.
std::vector<Address> parse_address_list(std::string_view value, bool fill_missing = true);

// The display name with RFC 2047 encoded words decoded to UTF-8; empty if none.
std::string decoded_display_name(const Address& address);

}  // namespace mailroom::message
