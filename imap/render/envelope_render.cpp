// imap/render/envelope_render.cpp - ENVELOPE and address structures (RFC 3501 §7.4.2).
#include "imap/render/envelope_render.hpp"

#include "imap/render/imap_string.hpp"

namespace mailroom::imap {

using message::Address;
using message::AddressKind;

void append_address_list(std::string& out, const std::vector<Address>& list)
{
    if (list.empty()) {
        append_nil(out);
        return;
    }
    out += '(';
    for (const Address& a : list) {
        switch (a.kind) {
        case AddressKind::group_start:
            out += "(NIL NIL ";
            append_string(out, a.mailbox);
            out += " NIL)";
            break;
        case AddressKind::group_end:
            out += "(NIL NIL NIL NIL)";
            break;
        case AddressKind::mailbox:
            out += '(';
            if (a.name)
                append_string_for_humans(out, *a.name);
            else
                append_nil(out);
            out += ' ';
            append_nstring(out, a.route);
            out += ' ';
            append_string(out, a.mailbox);
            out += ' ';
            append_string(out, a.host);
            out += ')';
            break;
        }
    }
    out += ')';
}

void append_envelope(std::string& out, const message::Envelope& e)
{
    out += '(';
    append_nstring_nolf(out, e.date);
    out += ' ';
    if (e.subject)
        append_string_for_humans(out, *e.subject);
    else
        append_nil(out);
    for (const auto* list : {&e.from, e.sender.empty() ? &e.from : &e.sender,
                             e.reply_to.empty() ? &e.from : &e.reply_to, &e.to, &e.cc, &e.bcc}) {
        out += ' ';
        append_address_list(out, *list);
    }
    out += ' ';
    append_nstring_nolf(out, e.in_reply_to);
    out += ' ';
    append_nstring_nolf(out, e.message_id);
    out += ')';
}

std::string render_envelope(const message::Envelope& envelope)
{
    std::string out;
    append_envelope(out, envelope);
    return out;
}

}  // namespace mailroom::imap
