// imap/fetch_attributes.cpp - FETCH attribute parsing (see fetch_attributes.hpp).
#include "imap/fetch_attributes.hpp"

#include "core/util/strings.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

// The section as echoed in the response: keywords and field names upper-cased, as Dovecot
// writes them.
std::string section_text(const message::SectionSpec& spec)
{
    std::string out;
    for (auto n : spec.path)
        out += (out.empty() ? "" : ".") + std::to_string(n);
    auto keyword = [&](std::string_view word) { out += (out.empty() ? "" : ".") + std::string(word); };
    switch (spec.text) {
    case message::SectionText::none:
        break;
    case message::SectionText::header:
        keyword("HEADER");
        break;
    case message::SectionText::header_fields:
    case message::SectionText::header_fields_not: {
        keyword(spec.text == message::SectionText::header_fields ? "HEADER.FIELDS" : "HEADER.FIELDS.NOT");
        out += " (";
        for (std::size_t i = 0; i < spec.fields.size(); ++i)
            out += (i ? " " : "") + core::to_upper(spec.fields[i]);
        out += ')';
        break;
    }
    case message::SectionText::text:
        keyword("TEXT");
        break;
    case message::SectionText::mime:
        keyword("MIME");
        break;
    }
    return out;
}

// "BODY[...]<o.l>" / "BODY.PEEK[...]<o.l>"; false for anything malformed.
bool parse_body_section(std::string_view text, BodySection& section)
{
    const bool peek = core::istarts_with(text, "BODY.PEEK[");
    if (!peek && !core::istarts_with(text, "BODY["))
        return false;
    text.remove_prefix(peek ? 10 : 5);
    const auto close = text.find(']');
    if (close == std::string_view::npos)
        return false;
    const auto spec = message::parse_section_spec(text.substr(0, close));
    if (!spec)
        return false;
    section.spec = *spec;
    section.peek = peek;
    section.whole = spec->path.empty() && spec->text == message::SectionText::none;
    section.name = "BODY[" + section_text(*spec) + "]";
    text.remove_prefix(close + 1);
    if (text.empty())
        return true;
    // partial = "<" number "." nz-number ">"
    if (text.front() != '<' || text.back() != '>')
        return false;
    const auto inner = text.substr(1, text.size() - 2);
    const auto dot = inner.find('.');
    if (dot == std::string_view::npos)
        return false;
    const auto origin = core::parse_uint(inner.substr(0, dot));
    const auto length = core::parse_uint(inner.substr(dot + 1));
    if (!origin || !length || *length == 0 || inner.size() > 41)
        return false;
    section.origin = *origin;
    section.length = *length;
    return true;
}

bool add_item(std::string_view text, FetchAttributes& out)
{
    const std::string name = core::to_upper(text);
    struct Simple {
        std::string_view name;
        FetchItem item;
    };
    static constexpr Simple simple[] = {
        {"UID", FetchItem::uid},
        {"FLAGS", FetchItem::flags},
        {"INTERNALDATE", FetchItem::internal_date},
        {"RFC822.SIZE", FetchItem::rfc822_size},
        {"ENVELOPE", FetchItem::envelope},
        {"BODY", FetchItem::body},
        {"BODYSTRUCTURE", FetchItem::body_structure},
        {"MODSEQ", FetchItem::modseq},
    };
    for (const auto& s : simple)
        if (name == s.name) {
            out.items.push_back(s.item);
            return true;
        }
    BodySection section;
    if (name == "RFC822") {
        section.whole = true;
        section.name = "RFC822";
    } else if (name == "RFC822.HEADER") {
        section.spec.text = message::SectionText::header;
        section.peek = true;
        section.name = "RFC822.HEADER";
    } else if (name == "RFC822.TEXT") {
        section.spec.text = message::SectionText::text;
        section.name = "RFC822.TEXT";
    } else if (!parse_body_section(text, section)) {
        return false;
    }
    out.items.push_back(FetchItem::section);
    out.sections.push_back(std::move(section));
    return true;
}

bool add_macro(std::string_view text, FetchAttributes& out)
{
    using enum FetchItem;
    if (core::iequals(text, "FAST"))
        out.items = {flags, internal_date, rfc822_size};
    else if (core::iequals(text, "ALL"))
        out.items = {flags, internal_date, rfc822_size, envelope};
    else if (core::iequals(text, "FULL"))
        out.items = {flags, internal_date, rfc822_size, envelope, body};
    else
        return false;
    return true;
}

void parse_modifiers(ArgReader& args, FetchAttributes& out)
{
    ArgReader modifiers = list_reader(*args.list("fetch modifiers"));
    while (modifiers.ok() && !modifiers.at_end()) {
        if (modifiers.take_atom("CHANGEDSINCE"))
            out.changed_since = modifiers.number64("mod-sequence");
        else
            modifiers.fail("Unknown fetch modifier");
    }
    if (!modifiers.ok())
        args.fail(modifiers.error());
}

}  // namespace

bool FetchAttributes::has(FetchItem item) const { return std::find(items.begin(), items.end(), item) != items.end(); }

bool FetchAttributes::sets_seen() const
{
    return std::any_of(sections.begin(), sections.end(), [](const BodySection& s) { return !s.peek; });
}

bool FetchAttributes::needs_tree() const
{
    return std::any_of(sections.begin(), sections.end(), [](const BodySection& s) { return !s.whole; });
}

bool parse_fetch_attributes(ArgReader& args, bool uid_command, FetchAttributes& out)
{
    const Arg* arg = args.next("fetch attributes");
    if (!arg)
        return false;
    bool ok = true;
    if (arg->is_list()) {
        ok = !arg->items.empty();
        for (const Arg& item : arg->items)
            ok = ok && item.is_atom() && add_item(item.text, out);
    } else {
        ok = arg->is_atom() && (add_macro(arg->text, out) || add_item(arg->text, out));
    }
    if (!ok) {
        args.fail("Invalid fetch attribute");
        return false;
    }
    if (args.next_is_list())
        parse_modifiers(args, out);
    args.end();
    if (!args.ok())
        return false;
    // UID first, once (Dovecot's order); UID FETCH always includes it (RFC 3501 §6.4.8).
    const bool asked_uid = out.has(FetchItem::uid);
    std::erase(out.items, FetchItem::uid);
    if (uid_command || asked_uid)
        out.items.insert(out.items.begin(), FetchItem::uid);
    if (out.changed_since && !out.has(FetchItem::modseq))
        out.items.push_back(FetchItem::modseq);
    return true;
}

}  // namespace mailroom::imap
