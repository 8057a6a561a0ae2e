// delivery/resolve/address.hpp - a recipient address taken apart the way Postfix local(8)
// does it: local part (unquoted, RFC 5321 section 4.1.2 Quoted-string), domain, and the
// address extension after the first recipient_delimiter character (postconf(5)
// recipient_delimiter, owner_request_special).
#pragma once
#include <string>
#include <string_view>

namespace mailroom::delivery {

struct AddressParts {
    std::string local;       // whole local part, "rich+lists" (case-folded unless case-sensitive)
    std::string domain;      // lower case; empty for a bare local part
    std::string user;        // local part without the extension: "rich"
    std::string extension;   // "lists"; empty when there is none
    std::string delimiter;   // the delimiter character found ("+"), empty when none

    std::string address() const { return domain.empty() ? local : local + "@" + domain; }
};

struct SplitOptions {
    std::string_view delimiters;        // recipient_delimiter: a set of characters
    bool owner_request_special = true;  // never split owner-NAME or NAME-request
    bool fold_case = true;              // lower-case the local part (local(8) "CASE FOLDING")
};

// Splits at the rightmost '@'. The extension starts after the first delimiter character
// that is not the first character of the local part; an extension containing '/' is dropped
// (it could name a file through forward_path), as Postfix does.
AddressParts split_address(std::string_view address, const SplitOptions& options);

// Removes RFC 5321 quoting from a local part: "\"john doe\"@x" -> "john doe@x". Text that is
// not quoted comes back unchanged.
std::string unquote_local_part(std::string_view address);

// ASCII case-insensitive comparison of two addresses (the domain is always compared without
// case; so is the local part, as local(8) folds it).
bool same_address(std::string_view a, std::string_view b);

}  // namespace mailroom::delivery
