// mailstore/message/mime_fields.cpp - Content-Type (RFC 2045 §5.1), -Transfer-Encoding
// (§6.1), -ID, -Description, -MD5 (RFC 1864), -Disposition (RFC 2183), -Language
// (RFC 3282) and -Location (RFC 2557), parsed the way Dovecot's message-part-data.c does.
#include "mailstore/message/mime_fields.hpp"

#include "mailstore/message/rfc822_lexer.hpp"

namespace mailroom::message {

std::string MimeFields::charset() const
{
    const MimeParam* p = find_param(type_params, "charset");
    return p ? p->value : std::string("us-ascii");
}

bool declares_mime(const HeaderBlock& header) noexcept
{
    return header.find_first("MIME-Version") != nullptr || header.find_first("Content-Type") != nullptr;
}

namespace {

void parse_content_type(std::string_view value, MimeFields& m)
{
    Rfc822Lexer lex(value);
    std::string str;
    int ret = -1;
    // type "/" subtype, each a MIME token; CFWS allowed around them.
    if (lex.skip_cfws() > 0 && lex.parse_mime_token(str) > 0 && lex.peek() == '/') {
        lex.advance();
        str += '/';
        if (lex.skip_cfws() > 0)
            ret = lex.parse_mime_token(str);
    }
    const std::size_t slash = str.find('/');
    m.type = str.substr(0, slash);
    m.subtype = slash == std::string::npos ? std::string() : str.substr(slash + 1);
    if (ret >= 0)
        m.type_params = parse_mime_params(lex);
}

void parse_transfer_encoding(std::string_view value, MimeFields& m)
{
    Rfc822Lexer lex(value);
    std::string token;
    lex.skip_cfws();
    if (lex.parse_mime_token(token) >= 0 && lex.skip_cfws() == 0 && !token.empty())
        m.transfer_encoding = token;
}

void parse_disposition(std::string_view value, MimeFields& m)
{
    Rfc822Lexer lex(value);
    std::string token;
    lex.skip_cfws();
    lex.parse_mime_token(token);
    m.disposition = token;
    m.disposition_params = parse_mime_params(lex);
}

void parse_language(std::string_view value, MimeFields& m)
{
    // Content-Language: 1#Language-tag (RFC 3282 §2), tags read as atoms.
    Rfc822Lexer lex(value);
    std::string tag;
    lex.skip_cfws();
    while (lex.parse_atom(tag) >= 0) {
        m.language.push_back(tag);
        tag.clear();
        if (lex.at_end() || lex.peek() != ',')
            break;
        lex.advance();
        lex.skip_cfws();
    }
}

}  // namespace

MimeFields parse_mime_fields(const HeaderBlock& header)
{
    MimeFields m;
    bool seen_language = false, seen_disposition = false;
    for (const auto& f : header.fields) {
        if (!f.has_colon || f.name.size() < 8 || !iequals(f.name.substr(0, 8), "Content-"))
            continue;
        const std::string_view kind = f.name.substr(8);
        const std::string value = normalize_line_ends(f.value);
        if (iequals(kind, "Type") && !m.type) {
            parse_content_type(value, m);
        } else if (iequals(kind, "Transfer-Encoding") && !m.transfer_encoding) {
            parse_transfer_encoding(value, m);
        } else if (iequals(kind, "ID") && !m.id) {
            m.id = value;
        } else if (iequals(kind, "Description") && !m.description) {
            m.description = value;
        } else if (iequals(kind, "MD5") && !m.md5) {
            m.md5 = value;
        } else if (iequals(kind, "Location") && !m.location) {
            m.location = value;
        } else if (iequals(kind, "Language") && !seen_language) {
            seen_language = true;
            parse_language(value, m);
        } else if (iequals(kind, "Disposition") && !seen_disposition) {
            seen_disposition = true;
            parse_disposition(value, m);
        }
    }
    return m;
}

}  // namespace mailroom::message
