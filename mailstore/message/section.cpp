// mailstore/message/section.cpp - BODY[section] part numbers and section texts
// (RFC 3501 §6.4.5, §9 section-spec / section-part / section-msgtext).
#include "mailstore/message/section.hpp"

#include "mailstore/message/header.hpp"

namespace mailroom::message {

namespace {

bool take_keyword(std::string_view& s, std::string_view word)
{
    if (s.size() < word.size() || !iequals(s.substr(0, word.size()), word))
        return false;
    s.remove_prefix(word.size());
    return true;
}

// "(" astring *(SP astring) ")" with atoms or quoted strings.
bool parse_field_list(std::string_view s, std::vector<std::string>& out)
{
    if (s.size() < 2 || s.front() != '(' || s.back() != ')')
        return false;
    s = s.substr(1, s.size() - 2);
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ') {
            ++i;
            continue;
        }
        std::string name;
        if (s[i] == '"') {
            for (++i; i < s.size() && s[i] != '"'; ++i) {
                if (s[i] == '\\' && i + 1 < s.size())
                    ++i;
                name += s[i];
            }
            if (i >= s.size())
                return false;
            ++i;
        } else {
            while (i < s.size() && s[i] != ' ' && s[i] != '(' && s[i] != ')' && s[i] != '"')
                name += s[i++];
            if (name.empty())
                return false;
        }
        out.push_back(std::move(name));
    }
    return !out.empty();
}

}  // namespace

namespace {

// The leading "n.n.n" of a spec, and the dot after it; false on a bad number.
bool take_path(std::string_view& s, std::vector<std::uint32_t>& path)
{
    while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
        if (s[0] == '0')
            return false;  // nz-number
        std::uint64_t n = 0;
        while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
            n = n * 10 + static_cast<unsigned>(s[0] - '0');
            if (n > UINT32_MAX)
                return false;
            s.remove_prefix(1);
        }
        path.push_back(static_cast<std::uint32_t>(n));
        if (s.empty())
            return true;
        if (s[0] != '.' || s.size() == 1)
            return false;
        s.remove_prefix(1);
    }
    return true;
}

}  // namespace

std::optional<SectionSpec> parse_section_spec(std::string_view s)
{
    SectionSpec spec;
    if (!take_path(s, spec.path))
        return std::nullopt;
    if (s.empty())
        return spec;
    if (take_keyword(s, "HEADER.FIELDS.NOT ")) {
        spec.text = SectionText::header_fields_not;
    } else if (take_keyword(s, "HEADER.FIELDS ")) {
        spec.text = SectionText::header_fields;
    } else {
        if (iequals(s, "HEADER"))
            spec.text = SectionText::header;
        else if (iequals(s, "TEXT"))
            spec.text = SectionText::text;
        else if (iequals(s, "MIME") && !spec.path.empty())
            spec.text = SectionText::mime;
        else
            return std::nullopt;
        return spec;
    }
    if (!parse_field_list(s, spec.fields))
        return std::nullopt;
    return spec;
}

std::optional<SectionRange> resolve_section(const Part& root, const SectionSpec& spec)
{
    // `msg` is the message the next number indexes; `part` the part addressed so far.
    const Part* msg = &root;
    const Part* part = nullptr;
    for (std::size_t i = 0; i < spec.path.size(); ++i) {
        const std::uint32_t n = spec.path[i];
        if (msg->kind == PartKind::multipart) {
            if (n > msg->children.size())
                return std::nullopt;
            part = &msg->children[n - 1];
        } else if (n == 1) {
            part = msg;
        } else {
            return std::nullopt;
        }
        if (i + 1 == spec.path.size())
            break;
        if (part->kind == PartKind::message)
            msg = &part->children.front();
        else if (part->kind == PartKind::multipart)
            msg = part;
        else
            return std::nullopt;
    }
    if (part == nullptr) {  // no part number: the top-level message
        part = &root;
        if (spec.text == SectionText::none)
            return SectionRange{root.header_offset, root.size(), SectionText::none};
    } else if (spec.text == SectionText::none) {
        return SectionRange{part->body_offset, part->body_size, SectionText::none};
    } else if (spec.text == SectionText::mime) {
        return SectionRange{part->header_offset, part->header_size, SectionText::none};
    } else {
        // HEADER/TEXT after a part number: the encapsulated message (RFC 3501 §6.4.5).
        if (part->kind != PartKind::message)
            return std::nullopt;
        part = &part->children.front();
    }
    switch (spec.text) {
    case SectionText::text:
        return SectionRange{part->body_offset, part->body_size, SectionText::none};
    case SectionText::header:
        return SectionRange{part->header_offset, part->header_size, SectionText::none};
    default:
        return SectionRange{part->header_offset, part->header_size, spec.text};
    }
}

std::string filter_header_fields(std::string_view header, SectionText filter,
                                 const std::vector<std::string>& names)
{
    const HeaderBlock block = parse_header(header);
    const bool keep_named = filter == SectionText::header_fields;
    std::string out;
    for (const auto& f : block.fields) {
        bool named = false;
        for (const auto& n : names)
            named = named || (f.has_colon && iequals(f.name, n));
        if (named == keep_named)
            out.append(f.raw);
    }
    if (keep_named) {
        out += '\n';
    } else if (block.has_separator) {
        out += header.substr(0, block.size).ends_with("\r\n") ? "\r\n" : "\n";
    }
    return out;
}

}  // namespace mailroom::message
