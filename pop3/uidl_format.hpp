// pop3/uidl_format.hpp - POP3 unique-ids (RFC 1939 section 7, UIDL) built from
// pop3_uidl_format in Dovecot's variable notation, so an ISP moving from Dovecot keeps the
// ids its users' clients remember: %u UID, %v UIDVALIDITY, %f Maildir base name, %m header
// MD5, %% a percent sign; "%[-][0][width][.[0][-]width][modifiers]var" as Dovecot's
// var_expand() reads it, with the modifiers L U X R M T. docs/configuration.md has examples.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::pop3 {

struct UidlInputs {
    std::uint32_t uid = 0;
    std::uint32_t uid_validity = 0;
    std::string_view file_name;    // MailboxView::message_key(): the Maildir base name
    std::string_view header_md5;   // header_md5() of the message
};

class UidlFormat {
public:
    // nullopt with `error` for an unknown variable or modifier, a bad long key or a
    // trailing '%' (Dovecot expands those to nothing or "UNSUPPORTED_VARIABLE_x"; a unique-id
    // must never silently lose its uniqueness, so mailroom refuses them).
    static std::optional<UidlFormat> parse(std::string_view format, std::string& error);

    bool uses_file_name() const { return uses('f'); }
    bool uses_header_md5() const { return uses('m'); }
    std::string expand(const UidlInputs& inputs) const;

private:
    struct Piece {
        std::string literal;       // text before the variable
        char variable = 0;         // u v m f, or 0 for a literal-only piece
        int offset = 0;            // characters skipped (negative: kept from the end)
        int width = 0;             // 0: all; negative: all but that many
        bool zero_padding = false; // pad to width with '0', never truncate
        std::string modifiers;     // applied in order
    };
    bool uses(char variable) const;
    // Reads what follows a '%' at `i` into `piece`; false with `error` when it is not valid.
    static bool parse_variable(std::string_view format, std::size_t& i, Piece& piece, std::string& error);
    // Applies the piece's modifiers, offset and width to `value`, appending the result.
    static void append_value(const Piece& piece, std::string value, std::string& out);

    std::vector<Piece> pieces_;
};

// The header digest Dovecot's mbox code computes for %m with its default mbox_md5 = apop3d:
// MD5 over the values of Delivered-To, X-Delivery-ID, the first Received header, and Date
// and Message-ID when they come before any Received; 32 lower-case hex digits. `header` is
// the message from its start; the digest stops at the empty line that ends the header.
std::string header_md5(std::string_view header);

}  // namespace mailroom::pop3
