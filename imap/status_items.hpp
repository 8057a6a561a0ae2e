// imap/status_items.hpp - STATUS data items (RFC 3501 §6.3.10, §7.2.4; HIGHESTMODSEQ RFC
// 7162 §3.1.8; SIZE RFC 8438; DELETED RFC 9051), shared by STATUS and LIST-STATUS (RFC 5819).
#pragma once
#include "imap/protocol/arg.hpp"
#include "mailstore/store.hpp"

#include <string>
#include <string_view>

namespace mailroom::imap {

struct StatusItems {
    bool messages = false, recent = false, uid_next = false, uid_validity = false, unseen = false;
    bool highest_modseq = false, size = false, deleted = false;
};

// Parses "(MESSAGES UNSEEN ...)". false and `error` set for an empty list or an unknown item.
bool parse_status_items(const Arg& list, StatusItems& items, std::string& error);

// "* STATUS name (MESSAGES 3 UNSEEN 1)\r\n" in the order the items are defined.
void append_status_response(std::string& out, std::string_view utf8_name, const StatusItems& items,
                            const mailstore::MailboxStatus& status);

}  // namespace mailroom::imap
