// imap/status_items.cpp - STATUS data items (see status_items.hpp).
#include "imap/status_items.hpp"

#include "core/util/strings.hpp"
#include "imap/protocol/wire_name.hpp"

namespace mailroom::imap {

bool parse_status_items(const Arg& list, StatusItems& items, std::string& error)
{
    if (!list.is_list() || list.items.empty()) {
        error = "Invalid status items: expected a non-empty list";
        return false;
    }
    for (const Arg& item : list.items) {
        const std::string name = item.is_atom() ? core::to_upper(item.text) : std::string();
        bool* flag = name == "MESSAGES"        ? &items.messages
                     : name == "RECENT"        ? &items.recent
                     : name == "UIDNEXT"       ? &items.uid_next
                     : name == "UIDVALIDITY"   ? &items.uid_validity
                     : name == "UNSEEN"        ? &items.unseen
                     : name == "HIGHESTMODSEQ" ? &items.highest_modseq
                     : name == "SIZE"          ? &items.size
                     : name == "DELETED"       ? &items.deleted
                                               : nullptr;
        if (!flag) {
            error = "Unknown status item " + item.text;
            return false;
        }
        *flag = true;
    }
    return true;
}

void append_status_response(std::string& out, std::string_view utf8_name, const StatusItems& items,
                            const mailstore::MailboxStatus& status)
{
    out += "* STATUS ";
    append_mailbox_name(out, utf8_name);
    out += " (";
    const std::size_t start = out.size();
    auto add = [&](std::string_view name, std::uint64_t value) {
        if (out.size() > start)
            out += ' ';
        out += name;
        out += ' ';
        out += std::to_string(value);
    };
    if (items.messages)
        add("MESSAGES", status.messages);
    if (items.recent)
        add("RECENT", status.recent);
    if (items.uid_next)
        add("UIDNEXT", status.uid_next);
    if (items.uid_validity)
        add("UIDVALIDITY", status.uid_validity);
    if (items.unseen)
        add("UNSEEN", status.unseen);
    if (items.highest_modseq)
        add("HIGHESTMODSEQ", status.highest_modseq);
    if (items.size)
        add("SIZE", status.size);
    if (items.deleted)
        add("DELETED", status.deleted);
    out += ")\r\n";
}

}  // namespace mailroom::imap
