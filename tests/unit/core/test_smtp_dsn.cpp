// tests/unit/core/test_smtp_dsn.cpp - the RFC 3461 DSN extension in core/smtp: xtext (section
// 4), NOTIFY/ORCPT/RET/ENVID syntax and limits, and the server machine offering DSN, keeping the
// parameters per transaction and recipient, and refusing them (555) where DSN is not offered.
#include "core/smtp/dsn_parameters.hpp"
#include "core/smtp/server_protocol.hpp"

#include <doctest/doctest.h>

#include <variant>

using namespace mailroom::core::smtp;

TEST_CASE("xtext: decoding, refusals and encoding")
{
    CHECK(xtext_decode("ann@example.com") == "ann@example.com");
    CHECK(xtext_decode("a+2Bb+3Dc") == "a+b=c");
    CHECK(xtext_decode("+20+7E") == " ~");
    CHECK(xtext_decode("") == "");
    for (const char* bad : {"a+2b", "a+", "a+2", "a+G0", "a b", "a=b", "caf\xc3\xa9", "a\tb"}) {
        CAPTURE(bad);
        CHECK_FALSE(xtext_decode(bad));
    }
    CHECK(xtext_encode("a+b=c d") == "a+2Bb+3Dc+20d");
    CHECK(xtext_encode("\xff\n") == "+FF+0A");
    const std::string samples[] = {"ann@example.com", "x+y=z", std::string("\x01\x7f\x80 ~!", 7)};
    for (const std::string& text : samples) {
        CAPTURE(text);
        CHECK(xtext_decode(xtext_encode(text)) == text);
    }
}

TEST_CASE("NOTIFY values")
{
    CHECK(parse_notify("NEVER") == unsigned(notify_never));
    CHECK(parse_notify("never") == unsigned(notify_never));
    CHECK(parse_notify("SUCCESS") == unsigned(notify_success));
    CHECK(parse_notify("delay,Failure,SUCCESS") == unsigned(notify_success | notify_failure | notify_delay));
    for (const char* bad : {"", "NEVER,SUCCESS", "SUCCESS,NEVER", "SUCCESS,SUCCESS", "SUCCESS,", "FAIL", "SUCCESS DELAY"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_notify(bad));
    }
    CHECK(notify_text(notify_never) == "NEVER");
    CHECK(notify_text(notify_delay | notify_success) == "SUCCESS,DELAY");
    CHECK(notify_text(0).empty());

    RcptDsn none;
    CHECK(none.wants_failure());
    CHECK(none.wants_delay());
    CHECK_FALSE(none.wants_success());
    RcptDsn never{notify_never, {}, {}};
    CHECK_FALSE(never.wants_failure());
    CHECK_FALSE(never.wants_delay());
    CHECK_FALSE(never.wants_success());
    RcptDsn success{notify_success, {}, {}};
    CHECK_FALSE(success.wants_failure());
    CHECK_FALSE(success.wants_delay());
    CHECK(success.wants_success());
}

TEST_CASE("MAIL parameters RET and ENVID: taken, refused, or not DSN's")
{
    MailDsn dsn;
    CHECK(take_mail_parameter(dsn, "RET", "hdrs") == "");
    CHECK(dsn.ret == DsnReturn::headers);
    CHECK(take_mail_parameter(dsn, "ENVID", "QQ314159+2Bx") == "");
    CHECK(dsn.envid == "QQ314159+x");
    CHECK(mail_parameters(dsn) == " RET=HDRS ENVID=QQ314159+2Bx");
    CHECK(take_mail_parameter(dsn, "RET", "FULL")->find("too many RET") != std::string::npos);
    CHECK(take_mail_parameter(dsn, "ENVID", "x")->find("too many ENVID") != std::string::npos);
    CHECK_FALSE(take_mail_parameter(dsn, "SIZE", "10"));
    CHECK_FALSE(take_mail_parameter(dsn, "NOTIFY", "NEVER"));   // RCPT's, not MAIL's

    struct Row {
        std::string_view keyword, value, why;
    };
    const std::string envid_100(100, 'e'), envid_101(101, 'e');
    const Row rows[] = {
        {"RET", "", "Bad RET"},        {"RET", "BODY", "Bad RET"},       {"ENVID", "", "Bad ENVID"},
        {"ENVID", "a+2", "Bad ENVID"}, {"ENVID", "a+0Ab", "Bad ENVID"},  {"ENVID", envid_101, "longer than 100"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.keyword);
        CAPTURE(row.value);
        MailDsn fresh;
        const auto why = take_mail_parameter(fresh, row.keyword, row.value);
        REQUIRE(why);
        CHECK(why->find(row.why) != std::string::npos);
    }
    MailDsn longest;
    CHECK(take_mail_parameter(longest, "ENVID", envid_100) == "");
}

TEST_CASE("RCPT parameters NOTIFY and ORCPT")
{
    RcptDsn dsn;
    CHECK(take_rcpt_parameter(dsn, "NOTIFY", "success,delay") == "");
    CHECK(take_rcpt_parameter(dsn, "ORCPT", "rfc822;Ann+2Bbox@example.com") == "");
    CHECK(dsn.orcpt_type == "rfc822");
    CHECK(dsn.orcpt == "Ann+box@example.com");
    CHECK(rcpt_parameters(dsn) == " NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Ann+2Bbox@example.com");
    CHECK(take_rcpt_parameter(dsn, "NOTIFY", "NEVER")->find("too many NOTIFY") != std::string::npos);
    CHECK(take_rcpt_parameter(dsn, "ORCPT", "rfc822;x@y")->find("too many ORCPT") != std::string::npos);
    CHECK_FALSE(take_rcpt_parameter(dsn, "RET", "FULL"));
    CHECK(rcpt_parameters(RcptDsn{}).empty());

    const std::string long_orcpt = "rfc822;" + std::string(494, 'a');   // 501 characters
    for (const std::string& bad : {std::string("rfc822"), std::string(";a@b"), std::string("rfc 822;a@b"),
                                   std::string("rfc822;"), std::string("rfc822;a+0Db"), std::string("rfc822;a b"),
                                   long_orcpt}) {
        CAPTURE(bad);
        RcptDsn fresh;
        const auto why = take_rcpt_parameter(fresh, "ORCPT", bad);
        REQUIRE(why);
        CHECK_FALSE(why->empty());
    }
    RcptDsn fresh;
    CHECK(take_rcpt_parameter(fresh, "NOTIFY", "NEVER,DELAY")->find("Bad NOTIFY") != std::string::npos);
}

namespace {

struct Outcome {
    std::string output;
    MailDsn mail;
    std::vector<RcptDsn> recipients;
    bool delivered = false;
};

// Feeds `input` in one piece, accepting every sender and recipient; records the machine's DSN
// parameters at the end of the message.
Outcome converse(std::string_view input, bool dsn, Dialect dialect = Dialect::smtp)
{
    ProtocolSettings settings;
    settings.dialect = dialect;
    settings.host_name = "mx.example.com";
    settings.dsn = dsn;
    Protocol machine(settings);
    Outcome outcome;
    std::string pending(input);
    for (;;) {
        std::size_t used = 0;
        const Protocol::Event event = machine.feed(pending, used);
        pending.erase(0, used);
        if (std::holds_alternative<Protocol::VerifyRecipient>(event))
            machine.recipient_verified(Status{250, "2.1.5", "Ok"});
        else if (std::holds_alternative<Protocol::MessageEnd>(event)) {
            outcome.mail = machine.mail_dsn();
            outcome.recipients = machine.recipient_dsn();
            outcome.delivered = true;
            for (std::size_t i = 0; i < (dialect == Dialect::lmtp ? machine.recipients().size() : 1); ++i)
                machine.recipient_delivered(Status{250, "2.0.0", "Ok"});
        } else if (std::holds_alternative<Protocol::Close>(event) ||
                   (std::holds_alternative<Protocol::NeedMore>(event) && (pending.empty() || used == 0)))
            break;
    }
    outcome.output = machine.take_output();
    return outcome;
}

}  // namespace

TEST_CASE("the server machine offers DSN and keeps the parameters per transaction and recipient")
{
    const Outcome r = converse("EHLO c\r\nMAIL FROM:<a@b> RET=HDRS ENVID=QQ+2B1\r\n"
                               "RCPT TO:<x@y> NOTIFY=SUCCESS ORCPT=rfc822;X+40y\r\nRCPT TO:<z@y>\r\n"
                               "RCPT TO:<n@y> notify=never\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\n",
                               true);
    CHECK(r.output.find("250-SMTPUTF8\r\n250 DSN\r\n") != std::string::npos);
    REQUIRE(r.delivered);
    CHECK(r.mail.ret == DsnReturn::headers);
    CHECK(r.mail.envid == "QQ+1");
    REQUIRE(r.recipients.size() == 3);
    CHECK(r.recipients[0].notify == unsigned(notify_success));
    CHECK(r.recipients[0].orcpt == "X@y");
    CHECK(r.recipients[1].notify == 0);
    CHECK(r.recipients[1].orcpt_type.empty());
    CHECK(r.recipients[2].notify == unsigned(notify_never));

    // A new transaction starts without them.
    const Outcome next = converse("EHLO c\r\nMAIL FROM:<a@b> RET=FULL\r\nRCPT TO:<x@y> NOTIFY=DELAY\r\nRSET\r\n"
                                  "MAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nDATA\r\nx\r\n.\r\n",
                                  true);
    REQUIRE(next.delivered);
    CHECK(next.mail.ret == DsnReturn::unspecified);
    REQUIRE(next.recipients.size() == 1);
    CHECK(next.recipients[0].notify == 0);
}

TEST_CASE("malformed and repeated DSN parameters get 501 5.5.4; others, and DSN where not offered, 555")
{
    const Outcome r = converse("EHLO c\r\nMAIL FROM:<a@b> RET=WHOLE\r\nMAIL FROM:<a@b> RET=FULL RET=HDRS\r\n"
                               "MAIL FROM:<a@b> ENVID=a+zz\r\nMAIL FROM:<a@b> XYZZY=1\r\nMAIL FROM:<a@b>\r\n"
                               "RCPT TO:<x@y> NOTIFY=NEVER,SUCCESS\r\nRCPT TO:<x@y> NOTIFY=DELAY NOTIFY=DELAY\r\n"
                               "RCPT TO:<x@y> ORCPT=rfc822\r\nRCPT TO:<x@y> FOO=BAR\r\nQUIT\r\n",
                               true);
    for (const char* expected : {"501 5.5.4 Error: Bad RET parameter syntax", "501 5.5.4 Error: too many RET parameters",
                                 "501 5.5.4 Error: Bad ENVID parameter syntax",
                                 "555 5.5.4 Error: unsupported MAIL parameter XYZZY",
                                 "501 5.5.4 Error: Bad NOTIFY parameter syntax",
                                 "501 5.5.4 Error: too many NOTIFY parameters",
                                 "501 5.5.4 Error: Bad ORCPT parameter syntax",
                                 "555 5.5.4 Error: unsupported RCPT parameter FOO"}) {
        CAPTURE(expected);
        CHECK(r.output.find(expected) != std::string::npos);
    }

    const Outcome off = converse("EHLO c\r\nMAIL FROM:<a@b> RET=FULL\r\nMAIL FROM:<a@b>\r\n"
                                 "RCPT TO:<x@y> NOTIFY=NEVER\r\nQUIT\r\n",
                                 false);
    CHECK(off.output.find("DSN") == std::string::npos);
    CHECK(off.output.find("555 5.5.4 Error: unsupported MAIL parameter RET\r\n") != std::string::npos);
    CHECK(off.output.find("555 5.5.4 Error: unsupported RCPT parameter NOTIFY\r\n") != std::string::npos);

    // LMTP as delivery/ configures it: no DSN (docs/mta.md says why).
    const Outcome lmtp = converse("LHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y> ORCPT=rfc822;x@y\r\nQUIT\r\n", false,
                                  Dialect::lmtp);
    CHECK(lmtp.output.find("555 5.5.4 Error: unsupported RCPT parameter ORCPT\r\n") != std::string::npos);
}
