// imap/render/body_structure.cpp - BODY/BODYSTRUCTURE writer (RFC 3501 §7.4.2, §9).
#include "imap/render/body_structure.hpp"

#include "imap/render/envelope_render.hpp"
#include "imap/render/imap_string.hpp"

namespace mailroom::imap {

using message::MimeFields;
using message::MimeParam;
using message::Part;
using message::PartKind;

namespace {

void append_param_list(std::string& out, const std::vector<MimeParam>& params, bool add_charset)
{
    if (params.empty() && !add_charset) {
        append_nil(out);
        return;
    }
    out += '(';
    bool first = true;
    for (const auto& p : params) {
        if (!first)
            out += ' ';
        first = false;
        append_string(out, p.name);
        out += ' ';
        append_string(out, p.value);
    }
    if (add_charset)
        out += first ? "\"charset\" \"us-ascii\"" : " \"charset\" \"us-ascii\"";
    out += ')';
}

// body-fld-dsp SP body-fld-lang SP body-fld-loc
void append_extension_tail(std::string& out, const MimeFields& m)
{
    out += ' ';
    if (m.disposition) {
        out += '(';
        append_string(out, *m.disposition);
        out += ' ';
        append_param_list(out, m.disposition_params, false);
        out += ')';
    } else {
        append_nil(out);
    }
    out += ' ';
    if (m.language.empty()) {
        append_nil(out);
    } else {
        out += '(';
        for (std::size_t i = 0; i < m.language.size(); ++i) {
            if (i > 0)
                out += ' ';
            append_string(out, m.language[i]);
        }
        out += ')';
    }
    out += ' ';
    append_nstring_nolf(out, m.location);
}

void append_part(std::string& out, const Part& part, bool extended);

void append_multipart(std::string& out, const Part& part, bool extended)
{
    if (part.children.empty()) {
        out += "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0";
        out += extended ? " NIL NIL NIL NIL)" : ")";
    }
    for (const auto& child : part.children) {
        out += '(';
        append_part(out, child, extended);
        out += ')';
    }
    out += ' ';
    append_string(out, part.mime.subtype ? *part.mime.subtype : std::string("x-unknown"));
    if (!extended)
        return;
    out += ' ';
    append_param_list(out, part.mime.type_params, false);
    append_extension_tail(out, part.mime);
}

// message/rfc822 shown with envelope and nested body (body-type-msg). message/global is
// shown as a basic part: RFC 3501's media-message allows only "RFC822".
bool shown_as_message(const Part& part) noexcept
{
    return part.kind == PartKind::message && (!part.mime.subtype || message::iequals(*part.mime.subtype, "rfc822"));
}

void append_single(std::string& out, const Part& part, bool extended)
{
    const MimeFields& m = part.mime;
    const bool as_message = shown_as_message(part);
    const bool text = !as_message && m.is_text() && !part.overflow;
    if (as_message) {
        out += "\"message\" \"rfc822\"";
    } else if (part.overflow) {
        out += "\"application\" \"octet-stream\"";  // a multipart/message past the limits
    } else if (!m.type) {
        out += "\"text\" \"plain\"";
    } else {
        append_string(out, *m.type);
        out += ' ';
        append_string(out, *m.subtype);
    }
    out += ' ';
    append_param_list(out, m.type_params, text && !message::find_param(m.type_params, "charset"));
    out += ' ';
    append_nstring_nolf(out, m.id);
    out += ' ';
    append_nstring_nolf(out, m.description);
    out += ' ';
    append_string(out, m.transfer_encoding ? *m.transfer_encoding : std::string("7bit"));
    out += ' ';
    out += std::to_string(part.body_virtual_size);
    if (text) {
        out += ' ';
        out += std::to_string(part.body_lines);
    } else if (as_message) {
        const Part& inner = part.children.front();
        out += ' ';
        append_envelope(out, inner.envelope ? *inner.envelope : message::Envelope{});
        out += " (";
        append_part(out, inner, extended);
        out += ") ";
        out += std::to_string(part.body_lines);
    }
    if (!extended)
        return;
    out += ' ';
    append_nstring_nolf(out, m.md5);
    append_extension_tail(out, m);
}

void append_part(std::string& out, const Part& part, bool extended)
{
    if (part.kind == PartKind::multipart)
        append_multipart(out, part, extended);
    else
        append_single(out, part, extended);
}

}  // namespace

void append_body_structure(std::string& out, const Part& root, bool extended)
{
    out += '(';
    append_part(out, root, extended);
    out += ')';
}

std::string render_body_structure(const Part& root, bool extended)
{
    std::string out;
    append_body_structure(out, root, extended);
    return out;
}

}  // namespace mailroom::imap
