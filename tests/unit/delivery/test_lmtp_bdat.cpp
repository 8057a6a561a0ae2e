// tests/unit/delivery/test_lmtp_bdat.cpp - BDAT (RFC 3030) in LMTP: chunks, LAST with one
// reply per recipient (RFC 2033 4.2), CRLF split across chunks, BDAT 0 LAST, chunks that
// must be read and refused, size limits across chunks.
#include "lmtp_driver.hpp"

#include <doctest/doctest.h>

namespace {

const std::string start = "LHLO c\r\nMAIL FROM:<s@x>\r\nRCPT TO:<a@b>\r\nRCPT TO:<full@b>\r\n";

}  // namespace

TEST_CASE("BDAT chunks make one message; LAST gives one reply per recipient")
{
    const std::string input = start + "BDAT 9\r\nSubject: " + "BDAT 11 LAST\r\nx\r\n\r\nbody\r\n" + "NOOP\r\n";
    const Transcript t = run_lmtp_every_way(input);
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0] == "Subject: x\n\nbody\n");
    CHECK(t.output.ends_with("250 2.0.0 9 octets received\r\n"
                             "250 2.0.0 <a@b> delivered\r\n"
                             "452 4.2.2 <full@b> mailbox full\r\n"
                             "250 2.0.0 Ok\r\n"));
}

TEST_CASE("a CRLF split between two chunks is still one line end; a final lone CR stays")
{
    const Transcript t = run_lmtp_every_way(start + "BDAT 4\r\nab\r\r" + "BDAT 4 LAST\r\n\ncd\r");
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0] == "ab\r\ncd\r");
}

TEST_CASE("chunk content is binary: a line with a lone dot is just content")
{
    const Transcript t = run_lmtp_every_way(start + "BDAT 8 LAST\r\na\r\n.\r\nb\n");
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0] == "a\n.\nb\n");
}

TEST_CASE("BDAT 0 LAST ends a message; alone it is an empty message")
{
    Transcript t = run_lmtp_every_way(start + "BDAT 3\r\nabc" + "BDAT 0 LAST\r\n");
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0] == "abc");
    t = run_lmtp_every_way(start + "BDAT 0 LAST\r\n");
    REQUIRE(t.messages.size() == 1);
    CHECK(t.messages[0].empty());
}

TEST_CASE("a BDAT that cannot be accepted is read whole, then refused")
{
    struct Row {
        std::string input;
        std::string_view reply;
    };
    const Row rows[] = {
        {"LHLO c\r\nBDAT 6\r\nNOOP\r\nNOOP\r\n", "503 5.5.1 Error: need MAIL command\r\n250 2.0.0 Ok\r\n"},
        {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<bad@x>\r\nBDAT 6 LAST\r\nNOOP\r\nNOOP\r\n",
         "503 5.5.1 Error: no valid recipients\r\n250 2.0.0 Ok\r\n"},
        {"LHLO c\r\nBDAT x\r\n", "501 5.5.4 Syntax: BDAT count [LAST]\r\n"},
        {"LHLO c\r\nBDAT 5 FIRST\r\n", "501 5.5.4 Syntax: BDAT count [LAST]\r\n"},
        {start + "BDAT 2\r\nab" + "DATA\r\n", "503 5.5.1 Error: DATA after BDAT\r\n"},
        {start + "BDAT 2\r\nab" + "RCPT TO:<c@d>\r\n", "503 5.5.1 Error: RCPT after BDAT\r\n"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        const Transcript t = run_lmtp_every_way(row.input);
        CHECK(t.output.ends_with(row.reply));
        CHECK(t.messages.empty());
    }
}

TEST_CASE("RSET between chunks drops the message")
{
    const Transcript t = run_lmtp_every_way(start + "BDAT 3\r\nabcRSET\r\n");
    CHECK(t.messages.empty());
    CHECK(t.discards == 1);
    CHECK(t.output.ends_with("250 2.0.0 3 octets received\r\n250 2.0.0 Ok\r\n"));
}

TEST_CASE("a message that grows past the limit over several chunks is refused and the transaction ends")
{
    const std::string chunk(600, 'x');
    const std::string input = start + "BDAT 600\r\n" + chunk + "BDAT 600\r\n" + chunk + "BDAT 600 LAST\r\n" + chunk;
    const Transcript t = run_lmtp_every_way(input);
    CHECK(t.messages.empty());
    CHECK(t.output.ends_with("250 2.0.0 600 octets received\r\n"
                             "552 5.3.4 Error: message size exceeds fixed limit of 1000 bytes\r\n"
                             "503 5.5.1 Error: need MAIL command\r\n"));
    const Transcript last = run_lmtp_every_way(start + "BDAT 1200 LAST\r\n" + chunk + chunk);
    CHECK(last.output.ends_with("552 5.3.4 <a@b> Error: message size exceeds fixed limit of 1000 bytes\r\n"
                                "552 5.3.4 <full@b> Error: message size exceeds fixed limit of 1000 bytes\r\n"));
}

TEST_CASE("the machine tells the transport how many chunk bytes to read")
{
    mailroom::core::smtp::Protocol machine(test_settings());
    std::string_view input = "LHLO c\r\nMAIL FROM:<>\r\n";
    std::size_t used = 0;
    while (!input.empty()) {
        (void)machine.feed(input, used);
        input.remove_prefix(used);
    }
    input = "RCPT TO:<a@b>\r\n";
    (void)machine.feed(input, used);
    machine.recipient_verified({250, "2.1.5", "OK"});
    input = "BDAT 10\r\n";
    (void)machine.feed(input, used);
    CHECK(machine.chunk_remaining() == 10);
    input = "0123";
    (void)machine.feed(input, used);
    CHECK(machine.chunk_remaining() == 6);
}
