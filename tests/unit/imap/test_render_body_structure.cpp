// tests/unit/imap/test_render_body_structure.cpp - BODY and BODYSTRUCTURE (RFC 3501
// §7.4.2), with the RFC's own example and the edge cases of the grammar.
#include "imap/render/body_structure.hpp"
#include "mailstore/message/mime_parser.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom;

namespace {

std::string bs(const std::string& msg, bool extended = true)
{
    return imap::render_body_structure(message::parse_message(msg), extended);
}

}  // namespace

TEST_CASE("render_body_structure: the RFC 3501 §7.4.2 example shape")
{
    // BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)
    // ("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>"
    // "Compiler diff" "BASE64" 4554 73) "MIXED")
    std::string part1 = "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n\n";
    for (int i = 0; i < 23; ++i)
        part1 += std::string(48, 'x') + "\n";  // 50 octets each once CRLF
    part1 += "xx";                              // the LF after it belongs to the boundary
    std::string part2 = "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\n"
                        "Content-ID: <960723163407.20117h@cac.washington.edu>\n"
                        "Content-Description: Compiler diff\nContent-Transfer-Encoding: BASE64\n\n";
    for (int i = 0; i < 73; ++i)
        part2 += std::string(60, 'Q') + "\n";
    part2 += std::string(4554 - 73 * 62, 'Q');
    const std::string msg = "MIME-Version: 1.0\nContent-Type: MULTIPART/MIXED; BOUNDARY=x\n\n--x\n" + part1 +
                            "\n--x\n" + part2 + "\n--x--\n";
    CHECK(bs(msg, false) ==
          "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7bit\" 1152 23)"
          "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
          "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")");
}

TEST_CASE("render_body_structure: defaults and the extension data")
{
    CHECK(bs("") == "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)");
    CHECK(bs("", false) == "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
    CHECK(bs("Content-Type: image/png; name=a.png\nContent-Disposition: attachment; filename=a.png\n"
             "Content-Language: en\nContent-Location: a.png\nContent-MD5: md5\n\nxx\n") ==
          "(\"image\" \"png\" (\"name\" \"a.png\") NIL NIL \"7bit\" 4 \"md5\" "
          "(\"attachment\" (\"filename\" \"a.png\")) (\"en\") \"a.png\")");
    // text/* without charset gets the default appended; other types get NIL
    CHECK(bs("Content-Type: text/plain; format=flowed\n\nx") ==
          "(\"text\" \"plain\" (\"format\" \"flowed\" \"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0 NIL NIL NIL NIL)");
    CHECK(bs("Content-Type: application/pdf\n\nx") ==
          "(\"application\" \"pdf\" NIL NIL NIL \"7bit\" 1 NIL NIL NIL NIL)");
    // a multipart with no parts still shows one (the grammar needs 1*body)
    CHECK(bs("Content-Type: multipart/mixed; boundary=b\n\n--b--\n", false) ==
          "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0) \"mixed\")");
}

TEST_CASE("render_body_structure: message/rfc822, message/global, overflow")
{
    CHECK(bs("Content-Type: message/rfc822\n\nSubject: in\n\nbody\n", false) ==
          "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 21 (NIL \"in\" NIL NIL NIL NIL NIL NIL NIL NIL) "
          "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1) 3)");
    // RFC 3501's media-message only allows RFC822: message/global is a basic part here
    CHECK(bs("Content-Type: message/global\n\nSubject: in\n\nbody\n", false) ==
          "(\"message\" \"global\" NIL NIL NIL \"7bit\" 21)");
    message::ParseLimits limits;
    limits.nesting_depth = 1;
    const std::string nested = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n";
    CHECK(imap::render_body_structure(message::parse_message(nested, limits), false) ==
          "(\"application\" \"octet-stream\" (\"boundary\" \"b\") NIL NIL \"7bit\" 17)");
}
