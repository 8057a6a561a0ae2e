// tests/unit/message/test_mime_params.cpp - Content-Type parameters (RFC 2045 §5.1), RFC
// 2231 continuations and extended values, and the Content-* fields (RFC 2045, 2183, 3282).
#include "mailstore/message/header.hpp"
#include "mailstore/message/mime_fields.hpp"
#include "mailstore/message/mime_params.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom::message;

namespace {

std::string show(const std::vector<MimeParam>& ps)
{
    std::string out;
    for (const auto& p : ps)
        out += "[" + p.name + "=" + p.value + "]";
    return out;
}

std::string params_of(std::string_view after_type)
{
    Rfc822Lexer lex(after_type);
    return show(parse_mime_params(lex));
}

}  // namespace

TEST_CASE("parse_mime_params: plain, quoted, broken and RFC 2231 forms")
{
    struct Row { std::string in, out; };
    const Row rows[] = {
        {"", ""},
        {"; charset=us-ascii", "[charset=us-ascii]"},
        {"; charset=\"utf-8\" ; format=flowed", "[charset=utf-8][format=flowed]"},
        {"; name=\"a\\\"b\"", "[name=a\"b]"},
        {"; garbage; name=\"a\\\"b\"; =novalue; x=(comment) y", "[=novalue][x=y]"},  // Dovecot's recovery
        {"; a=", "[a=]"},
        {"; a", ""},
        {";;;", ""},
        {"; name==?utf-8?b?w6k=?=", "[name==?utf-8?b?w6k=?=]"},
        {"; title*0*=us-ascii'en'This%20is; title*1*=%2A; title*2=\" plain\"", "[title*=us-ascii'en'This%20is%2A plain]"},
        {"; URL*0=\"ftp://\"; URL*1=\"x/y\"", "[URL=ftp://x/y]"},
        {"; name*1=\"second\"; name*0=\"first-\"", "[name=first-second]"},
        {"; filename*=UTF-8''na%C3%AFve", "[filename*=UTF-8''na%C3%AFve]"},
        {"; k*0=a; k*2=c", "[k*0=a][k*2=c]"},                           // missing section
        {"; k*1*=%41; k*0=x", "[k*=''x%41]"},                             // first not extended
        {"; a*b=1", "[a*b=1]"},
        {"; k*4294967296=x", "[k*4294967296=x]"},                         // absurd index: plain
        {"; z=1; k*0=a; y=2", "[z=1][y=2][k=a]"},                          // merged ones last
        {"; unterminated=\"abc", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(params_of(r.in) == r.out);
    }
}

TEST_CASE("parse_mime_params: at most max_mime_params")
{
    std::string many;
    for (int i = 0; i < 500; ++i)
        many += "; p" + std::to_string(i) + "=v";
    Rfc822Lexer lex(many);
    CHECK(parse_mime_params(lex).size() == max_mime_params);
}

TEST_CASE("decode_param_value and find_param")
{
    CHECK(decode_param_value({"filename*", "UTF-8''na%C3%AFve%20file.txt"}) == "na\xC3\xAFve file.txt");
    CHECK(decode_param_value({"filename*", "iso-8859-1'fr'r%E9sum%E9.txt"}) == "r\xC3\xA9sum\xC3\xA9.txt");
    CHECK(decode_param_value({"filename*", "no quotes %41"}) == "no quotes A");
    CHECK(decode_param_value({"filename*", "utf-8''bad%zz%4"}) == "bad%zz%4");
    CHECK(decode_param_value({"filename", "=?utf-8?B?w6nDqQ==?=.txt"}) == "\xC3\xA9\xC3\xA9.txt");
    CHECK(decode_param_value({"filename*", "x-nonexistent-charset''a%FFb"}) == "a\xEF\xBF\xBD" "b");
    const std::vector<MimeParam> ps = {{"Charset", "x"}, {"filename*", "y"}};
    CHECK(find_param(ps, "charset") == &ps[0]);
    CHECK(find_param(ps, "FILENAME") == &ps[1]);
    CHECK(find_param(ps, "name") == nullptr);
}

TEST_CASE("parse_mime_fields: Content-* fields as BODYSTRUCTURE needs them")
{
    const std::string m =
        "Content-Type: Text/HTML; charset=UTF-8\n"
        "Content-Type: image/png\n"
        "Content-Transfer-Encoding: (c) BASE64 \n"
        "Content-ID: <id@x>\n"
        "Content-Description: a\n  folded description\n"
        "Content-MD5: Q2hlY2s=\n"
        "Content-Disposition: attachment; filename=a.txt\n"
        "Content-Language: en, (comment) de-CH\n"
        "Content-Location: http://x/y\n\n";
    const MimeFields f = parse_mime_fields(parse_header(m));
    CHECK(f.type == "Text");
    CHECK(f.subtype == "HTML");
    CHECK(f.is_text());
    CHECK(f.charset() == "UTF-8");
    CHECK(show(f.type_params) == "[charset=UTF-8]");
    CHECK(f.transfer_encoding == "BASE64");
    CHECK(f.id == "<id@x>");
    CHECK(f.description == "a\n  folded description");
    CHECK(f.md5 == "Q2hlY2s=");
    CHECK(f.disposition == "attachment");
    CHECK(show(f.disposition_params) == "[filename=a.txt]");
    CHECK(f.language == std::vector<std::string>{"en", "de-CH"});
    CHECK(f.location == "http://x/y");
}

TEST_CASE("parse_mime_fields: defaults and broken Content-Type")
{
    struct Row { std::string ct; std::string type, subtype, params; };
    const Row rows[] = {
        {"text", "text", "", ""},
        {"text/", "text", "", ""},
        {";;; /// \"", "", "", ""},
        {"/plain", "", "plain", ""},
        {"multipart/mixed; boundary=\"a b\"", "multipart", "mixed", "[boundary=a b]"},
        {" ( comment ) text / plain ; a=b", "text", "plain", "[a=b]"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.ct);
        const MimeFields f = parse_mime_fields(parse_header("Content-Type: " + r.ct + "\n\n"));
        CHECK(f.type == r.type);
        CHECK(f.subtype == r.subtype);
        CHECK(show(f.type_params) == r.params);
    }
    const MimeFields none = parse_mime_fields(parse_header(std::string_view("Subject: x\n\n")));
    CHECK_FALSE(none.type.has_value());
    CHECK(none.is_text());
    CHECK(none.charset() == "us-ascii");
    CHECK(parse_mime_fields(parse_header(std::string_view("Content-Transfer-Encoding: 7bit junk\n\n"))).transfer_encoding == std::nullopt);
    CHECK(declares_mime(parse_header(std::string_view("Mime-Version: 1.0\n\n"))));
    CHECK_FALSE(declares_mime(parse_header(std::string_view("Content-Transfer-Encoding: 8bit\n\n"))));
}
