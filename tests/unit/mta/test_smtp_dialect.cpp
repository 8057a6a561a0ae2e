// tests/unit/mta/test_smtp_dialect.cpp - the shared server machine (core/smtp) in its SMTP
// dialect, as mta's sessions use it: EHLO/HELO, extra keywords, STARTTLS/AUTH handed to the
// session, the sender check, one reply after DATA; fed whole and a byte at a time.
#include "core/smtp/server_protocol.hpp"

#include <doctest/doctest.h>

#include <utility>

using mailroom::core::smtp::Dialect;
using mailroom::core::smtp::Protocol;
using mailroom::core::smtp::ProtocolSettings;
using mailroom::core::smtp::Status;

namespace {

struct Run {
    std::string output;
    std::vector<std::string> extensions;
    std::vector<std::string> messages;
};

ProtocolSettings smtp_settings(bool verify_sender = false)
{
    ProtocolSettings settings;
    settings.dialect = Dialect::smtp;
    settings.host_name = "mx.example.com";
    settings.banner = "mx.example.com ESMTP test";
    settings.message_size_limit = 1000;
    settings.verify_sender = verify_sender;
    return settings;
}

// Senders starting with "evil" are refused; recipients starting with "bad" too.
Run run(std::string_view input, std::size_t piece, ProtocolSettings settings = smtp_settings())
{
    Protocol machine(settings);
    machine.set_extra_keywords({"STARTTLS"});
    Run r;
    r.output = machine.greeting();
    std::string current, pending;
    for (std::size_t at = 0; at < input.size() || !pending.empty();) {
        if (at < input.size()) {
            const std::size_t n = piece == 0 ? input.size() : std::min(piece, input.size() - at);
            pending.append(input.substr(at, n));
            at += n;
        }
        std::size_t used = 0;
        bool closed = false;
        for (;;) {
            const Protocol::Event event = machine.feed(pending, used);
            pending.erase(0, used);
            if (const auto* s = std::get_if<Protocol::VerifySender>(&event))
                machine.sender_verified(s->address.starts_with("evil") ? Status{553, "5.7.1", "not yours"}
                                                                       : Status{250, "2.1.0", "Ok"});
            else if (const auto* v = std::get_if<Protocol::VerifyRecipient>(&event))
                machine.recipient_verified(v->address.starts_with("bad") ? Status::make("5.1.1", "unknown user")
                                                                          : Status{250, "2.1.5", "Ok"});
            else if (const auto* d = std::get_if<Protocol::MessageData>(&event))
                current.append(d->bytes);
            else if (std::holds_alternative<Protocol::MessageEnd>(event)) {
                r.messages.push_back(std::exchange(current, {}));
                machine.recipient_delivered(Status{250, "2.0.0", "Ok: queued as X"});
            } else if (const auto* e = std::get_if<Protocol::Extension>(&event)) {
                r.extensions.push_back(e->verb + " " + e->argument);
                machine.send_reply(220, "2.0.0", "Ready to start TLS");
                machine.tls_started();
            } else if (std::holds_alternative<Protocol::Close>(event))
                closed = true;
            else if (std::holds_alternative<Protocol::NeedMore>(event) && (pending.empty() || used == 0))
                break;
            if (closed)
                break;
        }
        r.output += machine.take_output();
        if (closed || (at >= input.size() && used == 0))
            break;
    }
    return r;
}

}  // namespace

TEST_CASE("an SMTP transaction: one reply after DATA, whole or byte by byte")
{
    const std::string input =
        "EHLO client.example\r\nMAIL FROM:<ann@example.org> BODY=8BITMIME\r\nRCPT TO:<rich@example.com>\r\n"
        "RCPT TO:<bad@example.com>\r\nRCPT TO:<joe@example.com>\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\n.\r\nQUIT\r\n";
    const std::string expected = "220 mx.example.com ESMTP test\r\n"
                                 "250-mx.example.com\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                                 "250-SIZE 1000\r\n250-CHUNKING\r\n250-SMTPUTF8\r\n250 STARTTLS\r\n"
                                 "250 2.1.0 Ok\r\n250 2.1.5 <rich@example.com> Ok\r\n"
                                 "550 5.1.1 <bad@example.com>: unknown user\r\n250 2.1.5 <joe@example.com> Ok\r\n"
                                 "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as X\r\n"
                                 "221 2.0.0 mx.example.com closing connection\r\n";
    for (const std::size_t piece : {0, 1, 7}) {
        CAPTURE(piece);
        const Run r = run(input, piece);
        CHECK(r.output == expected);
        REQUIRE(r.messages.size() == 1);
        CHECK(r.messages[0] == "Subject: x\n\n.dot\n");
    }
}

TEST_CASE("HELO, LHLO refused, STARTTLS and AUTH handed over, then EHLO again")
{
    const Run r = run("LHLO x\r\nSTARTTLS\r\nHELO client.example\r\nSTARTTLS\r\nMAIL FROM:<a@b>\r\n"
                      "EHLO again\r\nAUTH PLAIN abc\r\nQUIT\r\n",
                      0);
    CHECK(r.output.find("500 5.5.1 Error: this is an SMTP server, use EHLO or HELO\r\n") != std::string::npos);
    CHECK(r.output.find("503 5.5.1 Error: send EHLO first\r\n") != std::string::npos);
    CHECK(r.output.find("250 mx.example.com\r\n") != std::string::npos);
    // After STARTTLS the client must say EHLO again (RFC 3207 section 4.2).
    CHECK(r.output.find("503 5.5.1 Error: send HELO/EHLO first\r\n") != std::string::npos);
    CHECK(r.extensions == std::vector<std::string>{"STARTTLS ", "AUTH PLAIN abc"});
}

TEST_CASE("AUTH and STARTTLS are not allowed inside a transaction")
{
    const Run r = run("EHLO c\r\nMAIL FROM:<a@b>\r\nAUTH PLAIN x\r\nSTARTTLS\r\nQUIT\r\n", 0);
    CHECK(r.output.find("503 5.5.1 Error: AUTH not allowed during a mail transaction\r\n") != std::string::npos);
    CHECK(r.output.find("503 5.5.1 Error: STARTTLS not allowed during a mail transaction\r\n") != std::string::npos);
    CHECK(r.extensions.empty());
}

TEST_CASE("the sender check answers MAIL FROM")
{
    const Run r = run("EHLO c\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<x@y>\r\nMAIL FROM:<ann@example.com> "
                      "AUTH=<>\r\nRCPT TO:<x@y>\r\nQUIT\r\n",
                      1, smtp_settings(true));
    CHECK(r.output.find("553 5.7.1 <evil@example.com>: not yours\r\n503 5.5.1 Error: need MAIL command\r\n") !=
          std::string::npos);
    CHECK(r.output.find("250 2.1.0 Ok\r\n250 2.1.5 <x@y> Ok\r\n") != std::string::npos);
}

TEST_CASE("DATA without recipients and a refused message get one SMTP reply each")
{
    const Run r = run("EHLO c\r\nMAIL FROM:<a@b>\r\nDATA\r\nRCPT TO:<x@y>\r\nDATA\r\n" + std::string(1200, 'x') +
                          "\r\n.\r\nQUIT\r\n",
                      0);
    CHECK(r.output.find("554 5.5.1 Error: no valid recipients\r\n") != std::string::npos);
    CHECK(r.output.find("552 5.3.4 Error: message size exceeds fixed limit of 1000 bytes\r\n221") != std::string::npos);
    CHECK(r.messages.empty());
}
