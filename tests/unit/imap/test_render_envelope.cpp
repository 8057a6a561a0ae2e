// tests/unit/imap/test_render_envelope.cpp - ENVELOPE (RFC 3501 §7.4.2), including the
// RFC 5322 Appendix A examples.
#include "imap/render/envelope_render.hpp"
#include "mailstore/message/header.hpp"
#include "mailstore/message/mime_parser.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mailroom;

namespace {

std::string envelope_of(const std::string& header)
{
    return imap::render_envelope(*message::parse_message(header + "\nbody\n").envelope);
}

}  // namespace

TEST_CASE("render_envelope: RFC 5322 Appendix A.1.2 and A.1.3 messages")
{
    // A.1.2: different types of mailboxes
    CHECK(envelope_of("From: \"Joe Q. Public\" <john.q.public@example.com>\n"
                      "To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>\n"
                      "Cc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>\n"
                      "Date: Tue, 1 Jul 2003 10:52:37 +0200\n"
                      "Message-ID: <5678.21-Nov-1997@example.com>\n") ==
          "(\"Tue, 1 Jul 2003 10:52:37 +0200\" NIL "
          "((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
          "((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
          "((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
          "((\"Mary Smith\" NIL \"mary\" \"x.test\")(NIL NIL \"jdoe\" \"example.org\")(\"Who?\" NIL \"one\" \"y.test\")) "
          "((NIL NIL \"boss\" \"nil.test\")({16}\r\nGiant; \"Big\" Box NIL \"sysservices\" \"example.net\")) "
          "NIL NIL \"<5678.21-Nov-1997@example.com>\")");
    // A.1.3: group addresses
    CHECK(envelope_of("From: Pete <pete@silly.example>\n"
                      "To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\n"
                      "Cc: Undisclosed recipients:;\n") ==
          "(NIL NIL ((\"Pete\" NIL \"pete\" \"silly.example\")) ((\"Pete\" NIL \"pete\" \"silly.example\")) "
          "((\"Pete\" NIL \"pete\" \"silly.example\")) "
          "((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL \"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")"
          "(\"John\" NIL \"jdoe\" \"one.test\")(NIL NIL NIL NIL)) "
          "((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)");
}

TEST_CASE("render_envelope: defaults, repeats, folding")
{
    CHECK(envelope_of("") == "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    // Sender and Reply-To fall back to From; an explicit one is kept
    CHECK(envelope_of("From: a@b\nSender: s@b\nReply-To:\n") ==
          "(NIL NIL ((NIL NIL \"a\" \"b\")) ((NIL NIL \"s\" \"b\")) ((NIL NIL \"a\" \"b\")) NIL NIL NIL NIL NIL)");
    // last Subject wins, From lists are concatenated
    CHECK(envelope_of("Subject: one\nSubject: two\nFrom: a@b\nFrom: c@d\n") ==
          "(NIL \"two\" ((NIL NIL \"a\" \"b\")(NIL NIL \"c\" \"d\")) ((NIL NIL \"a\" \"b\")(NIL NIL \"c\" \"d\")) "
          "((NIL NIL \"a\" \"b\")(NIL NIL \"c\" \"d\")) NIL NIL NIL NIL NIL)");
    // a folded subject is written for humans; a folded Message-ID loses only its line ends
    CHECK(envelope_of("Subject: a\n  b\nMessage-ID:\n <x@y>\nIn-Reply-To: <p@q>\n\t<r@s>\n") ==
          "(NIL {3}\r\na b NIL NIL NIL NIL NIL NIL \"<p@q>\t<r@s>\" \" <x@y>\")");
    // NUL in a subject: U+FFFD
    CHECK(envelope_of(std::string("Subject: a\0b\n", 13)) == "(NIL {5}\r\na\xEF\xBF\xBD" "b NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST_CASE("append_address_list: NIL for an empty list")
{
    std::string out;
    imap::append_address_list(out, {});
    CHECK(out == "NIL");
}
