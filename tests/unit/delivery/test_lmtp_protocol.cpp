// tests/unit/delivery/test_lmtp_protocol.cpp - the LMTP state machine (RFC 2033): LHLO, MAIL,
// RCPT, DATA with one reply per accepted recipient, dot-stuffing, pipelining (RFC 2920),
// SIZE (RFC 1870), BODY (RFC 6152), bad commands in every state, over-long lines.
#include "lmtp_driver.hpp"

#include <doctest/doctest.h>

namespace {

constexpr std::string_view lhlo_reply =
    "250-lmtp.example.com\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SIZE 1000\r\n"
    "250-CHUNKING\r\n250 SMTPUTF8\r\n";

}  // namespace

TEST_CASE("a transaction with mixed recipients: one reply per accepted recipient, in RCPT order")
{
    const std::string input =
        "LHLO client.example\r\n"
        "MAIL FROM:<ann@example.org>\r\n"
        "RCPT TO:<rich@example.com>\r\n"
        "RCPT TO:<bad@example.com>\r\n"
        "RCPT TO:<full@example.com>\r\n"
        "DATA\r\n"
        "Subject: x\r\n\r\nbody\r\n.\r\n"
        "QUIT\r\n";
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.output == std::string(lhlo_reply) +
                          "250 2.1.0 Ok\r\n"
                          "250 2.1.5 <rich@example.com> OK\r\n"
                          "550 5.1.1 <bad@example.com>: unknown user\r\n"
                          "250 2.1.5 <full@example.com> OK\r\n"
                          "354 End data with <CR><LF>.<CR><LF>\r\n"
                          "250 2.0.0 <rich@example.com> delivered\r\n"
                          "452 4.2.2 <full@example.com> mailbox full\r\n"
                          "221 2.0.0 lmtp.example.com closing connection\r\n");
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0] == "Subject: x\n\nbody\n");
    CHECK(t.closed);
    CHECK(t.verified == std::vector<std::string>{"rich@example.com", "bad@example.com", "full@example.com"});
}

TEST_CASE("dot-stuffing, bare CR and 8-bit bytes come through exactly; CRLF becomes LF")
{
    struct Row {
        std::string_view data;       // between DATA and the end
        std::string_view expected;
    };
    const Row rows[] = {
        {"..leading dot\r\n", ".leading dot\n"},
        {"...two\r\n", "..two\n"},
        {". not the end\r\n", " not the end\n"},
        {"a.\r\n.b\r\n", "a.\n" "b\n"},
        {"bare\rCR\r\n", "bare\rCR\n"},
        {"cr at end\r\r\n", "cr at end\r\n"},
        {"bare LF\nline\r\n", "bare LF\nline\n"},
        {"\xff\xfe\x80 8-bit \xc3\xa9\r\n", "\xff\xfe\x80 8-bit \xc3\xa9\n"},
        {std::string_view("nul\0byte\r\n", 10), std::string_view("nul\0byte\n", 9)},
        {"", ""},
        {".\r\r\n", "\r\n"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.data);
        std::string input = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b>\r\nDATA\r\n";
        input += row.data;
        input += ".\r\n";
        const Transcript t = run_lmtp_every_way(input, test_settings(0));
        REQUIRE(t.messages.size() == 1);
        CHECK(t.messages[0] == row.expected);
    }
}

TEST_CASE("a bare LF after the dot ends the data too")
{
    const Transcript t = run_lmtp_every_way("LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b>\r\nDATA\r\nx\n.\nNOOP\r\n");
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0] == "x\n");
    CHECK(t.output.ends_with("250 2.0.0 <a@b> delivered\r\n250 2.0.0 Ok\r\n"));
}

TEST_CASE("pipelined transactions give the same replies as a slow client")
{
    std::string input = "LHLO c\r\n";
    for (int i = 0; i < 3; ++i)
        input += "MAIL FROM:<s@x> BODY=8BITMIME SIZE=50\r\nRCPT TO:<a" + std::to_string(i) +
                 "@b>\r\nRCPT TO:<bad@b>\r\nDATA\r\nmessage " + std::to_string(i) + "\r\n.\r\nRSET\r\n";
    input += "QUIT\r\n";
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.messages == std::vector<std::string>{"message 0\n", "message 1\n", "message 2\n"});
    CHECK(t.output.find("MISMATCH") == std::string::npos);
    CHECK(t.closed);
}

TEST_CASE("commands out of order, unknown commands and HELO/EHLO are refused in every state")
{
    struct Row {
        std::string_view input;
        std::string_view reply;   // the last reply line
    };
    const Row rows[] = {
        {"MAIL FROM:<a@b>\r\n", "503 5.5.1 Error: send LHLO first\r\n"},
        {"LHLO c\r\nRCPT TO:<a@b>\r\n", "503 5.5.1 Error: need MAIL command\r\n"},
        {"LHLO c\r\nDATA\r\n", "503 5.5.1 Error: need MAIL command\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nDATA\r\n", "503 5.5.1 Error: no valid recipients\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<bad@b>\r\nDATA\r\n", "503 5.5.1 Error: no valid recipients\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nMAIL FROM:<>\r\n", "503 5.5.1 Error: nested MAIL command\r\n"},
        {"HELO c\r\n", "500 5.5.1 Error: this is an LMTP server, use LHLO (RFC 2033 section 4.1)\r\n"},
        {"EHLO c\r\n", "500 5.5.1 Error: this is an LMTP server, use LHLO (RFC 2033 section 4.1)\r\n"},
        {"LHLO\r\n", "501 5.5.4 Syntax: LHLO hostname\r\n"},
        {"FOO\r\n", "500 5.5.2 Error: command not recognized\r\n"},
        {"\r\n", "500 5.5.2 Error: bad syntax\r\n"},
        {"STARTTLS\r\n", "500 5.5.2 Error: command not recognized\r\n"},
        {"VRFY rich\r\n", "252 2.0.0 Cannot VRFY user; try RCPT to attempt delivery\r\n"},
        {"noop\r\n", "250 2.0.0 Ok\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b>\r\nRSET\r\nDATA\r\n", "503 5.5.1 Error: need MAIL command\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b>\r\nDATA x\r\n", "501 5.5.4 Syntax: DATA\r\n"},
        {"LHLO c\r\nMAIL FROM:<a@b\r\n", "501 5.5.4 Syntax error: missing '>'\r\n"},
        {"LHLO c\r\nMAIL TO:<a@b>\r\n", "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"},
        {"LHLO c\r\nMAIL FROM:<a b@c>\r\n", "553 5.1.3 Bad address syntax\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<>\r\n", "553 5.1.3 Error: empty recipient address\r\n"},
        {"LHLO c\r\nMAIL FROM:<> SIZE=1001\r\n", "552 5.3.4 Error: message size exceeds fixed limit\r\n"},
        {"LHLO c\r\nMAIL FROM:<> SIZE=x\r\n", "501 5.5.4 Error: bad SIZE syntax\r\n"},
        {"LHLO c\r\nMAIL FROM:<> BODY=BINARYMIME\r\n", "501 5.5.4 Error: unsupported BODY value BINARYMIME\r\n"},
        {"LHLO c\r\nMAIL FROM:<> AUTH=<>\r\n", "555 5.5.4 Error: unsupported MAIL parameter AUTH\r\n"},
        {"LHLO c\r\nMAIL FROM:<> SMTPUTF8\r\n", "250 2.1.0 Ok\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b> NOTIFY=NEVER\r\n",
         "555 5.5.4 Error: unsupported RCPT parameter NOTIFY\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<ünï@exämple.com>\r\n", "250 2.1.5 <ünï@exämple.com> OK\r\n"},
        {"LHLO c\r\nMAIL FROM: <a@b>\r\nRCPT TO: c@d\r\n", "250 2.1.5 <c@d> OK\r\n"},
        {"LHLO c\r\nMAIL FROM:<@relay.example:a@b>\r\nRCPT TO:<@r1,@r2:c@d>\r\n", "250 2.1.5 <c@d> OK\r\n"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        const Transcript t = run_lmtp_every_way(row.input);
        CHECK(t.output.ends_with(row.reply));
    }
}

TEST_CASE("QUIT closes; nothing after it is read")
{
    const Transcript t = run_lmtp_every_way("LHLO c\r\nQUIT\r\nNOOP\r\n");
    CHECK(t.closed);
    CHECK(t.output.ends_with("221 2.0.0 lmtp.example.com closing connection\r\n"));
}

TEST_CASE("too many errors end the session with 421")
{
    std::string input;
    for (int i = 0; i < 25; ++i)
        input += "BOGUS\r\n";
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.closed);
    CHECK(t.output.ends_with("421 4.7.0 lmtp.example.com Error: too many errors\r\n"));
}

TEST_CASE("an over-long command line is refused whole and the session goes on")
{
    std::string input = "LHLO c\r\nNOOP " + std::string(5000, 'x') + "\r\nNOOP\r\n";
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.output.ends_with("500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n"));
    // Exactly at the limit is fine.
    input = "NOOP " + std::string(mailroom::core::smtp::command_line_max - 5, 'x') + "\r\n";
    CHECK(run_lmtp_every_way(input).output == "250 2.0.0 Ok\r\n");
}

TEST_CASE("a message over message_size_limit gets 552 5.3.4 for every recipient and is dropped")
{
    std::string input = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n";
    for (int i = 0; i < 40; ++i)
        input += "0123456789012345678901234567890123456789\r\n";
    input += ".\r\nNOOP\r\n";
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.messages.empty());
    CHECK(t.discards >= 1);
    CHECK(t.output.ends_with("552 5.3.4 <a@b> Error: message size exceeds fixed limit of 1000 bytes\r\n"
                             "552 5.3.4 <c@d> Error: message size exceeds fixed limit of 1000 bytes\r\n"
                             "250 2.0.0 Ok\r\n"));
}

TEST_CASE("lmtp_recipient_limit: further recipients get 452 4.5.3")
{
    std::string input = "LHLO c\r\nMAIL FROM:<>\r\n";
    for (int i = 0; i < 7; ++i)
        input += "RCPT TO:<r" + std::to_string(i) + "@b>\r\n";
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.verified.size() == 5);
    CHECK(t.output.ends_with("452 4.5.3 Error: too many recipients\r\n452 4.5.3 Error: too many recipients\r\n"));
}

TEST_CASE("a DATA line the transport could not hold refuses the message with 5.6.0")
{
    using P = mailroom::core::smtp::Protocol;
    P machine(test_settings(0));
    std::size_t used = 0;
    const std::string start = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b>\r\nDATA\r\n";
    std::string_view rest = start;
    for (;;) {
        const auto event = machine.feed(rest, used);
        rest.remove_prefix(used);
        if (std::holds_alternative<P::VerifyRecipient>(event))
            machine.recipient_verified({250, "2.1.5", "OK"});
        else if (rest.empty())
            break;
    }
    CHECK(machine.in_data());
    CHECK(std::holds_alternative<P::MessageDiscard>(machine.line_too_long()));
    std::string_view end = ".\r\n";
    (void)machine.feed(end, used);
    CHECK(machine.take_output().ends_with("554 5.6.0 <a@b> Error: message contains a line that is too long\r\n"));
    CHECK_FALSE(machine.in_data());
}

TEST_CASE("LHLO advertises SIZE without a number when there is no limit")
{
    const Transcript t = run_lmtp_every_way("LHLO c\r\n", test_settings(0));
    CHECK(t.output.find("250-SIZE\r\n") != std::string::npos);
}
