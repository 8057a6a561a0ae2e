// tests/unit/mta/test_queue_file.cpp - queue file envelopes: round trip, state byte offsets,
// and the damaged files a crash or a stranger could leave.
#include "mta/queue/queue_file.hpp"

#include <doctest/doctest.h>

using namespace mailroom::mta;

TEST_CASE("an envelope survives formatting and parsing, and its state bytes are where it says")
{
    Envelope envelope{"0123456789AB", 1700000000, "client.example[192.0.2.1]", "ann@example.org",
                      {{"rich@example.com"}, {"far@remote.example", RecipientState::done}}};
    std::string file = format_envelope(envelope) + "Subject: x\n\nbody\n";
    std::uint64_t data_offset = 0;
    const Envelope parsed = parse_envelope(file, "q", data_offset);
    CHECK(parsed.id == envelope.id);
    CHECK(parsed.arrival == 1700000000);
    CHECK(parsed.client == envelope.client);
    CHECK(parsed.sender == "ann@example.org");
    REQUIRE(parsed.recipients.size() == 2);
    CHECK(parsed.recipients[1].state == RecipientState::done);
    CHECK(file.substr(data_offset) == "Subject: x\n\nbody\n");
    for (const auto& recipient : parsed.recipients) {
        CAPTURE(recipient.address);
        file[recipient.state_offset] = 'B';
    }
    const Envelope marked = parse_envelope(file, "q", data_offset);
    CHECK(marked.recipients[0].state == RecipientState::bounced);
    CHECK(marked.recipients[1].state == RecipientState::bounced);
    CHECK(marked.recipients[0].address == "rich@example.com");
}

TEST_CASE("RFC 3461 requests survive the queue file: RET and ENVID per message, NOTIFY and ORCPT per recipient")
{
    Envelope envelope{"0123456789AB", 1700000000, "local", "ann@example.org",
                      {{"rich@example.com"}, {"far@remote.example"}, {"joe@example.com"}}};
    envelope.dsn.ret = mailroom::core::smtp::DsnReturn::full;
    envelope.dsn.envid = "QQ 314+159=x";
    envelope.recipients[0].dsn.notify = mailroom::core::smtp::notify_success | mailroom::core::smtp::notify_delay;
    envelope.recipients[0].dsn.orcpt_type = "rfc822";
    envelope.recipients[0].dsn.orcpt = "Rich Text+box@example.com";
    envelope.recipients[2].dsn.notify = mailroom::core::smtp::notify_never;
    std::string file = format_envelope(envelope) + "Subject: x\n\nbody\n";
    CHECK(file.find("\nret FULL\nenvid QQ+20314+2B159+3Dx\nrcpt P rich@example.com\nnotify SUCCESS,DELAY\n"
                    "orcpt rfc822;Rich+20Text+2Bbox@example.com\nrcpt P far@remote.example\nrcpt P joe@example.com\n"
                    "notify NEVER\ndata\n") != std::string::npos);
    std::uint64_t data_offset = 0;
    const Envelope parsed = parse_envelope(file, "q", data_offset);
    CHECK(parsed.dsn.ret == mailroom::core::smtp::DsnReturn::full);
    CHECK(parsed.dsn.envid == "QQ 314+159=x");
    REQUIRE(parsed.recipients.size() == 3);
    CHECK(parsed.recipients[0].dsn.notify == envelope.recipients[0].dsn.notify);
    CHECK(parsed.recipients[0].dsn.orcpt_type == "rfc822");
    CHECK(parsed.recipients[0].dsn.orcpt == "Rich Text+box@example.com");
    CHECK(parsed.recipients[1].dsn.notify == 0);
    CHECK(parsed.recipients[1].dsn.orcpt_type.empty());
    CHECK(parsed.recipients[2].dsn.notify == unsigned(mailroom::core::smtp::notify_never));
    CHECK(file.substr(data_offset) == "Subject: x\n\nbody\n");
    // The state bytes are still where the envelope says, past the new records.
    file[parsed.recipients[2].state_offset] = 'D';
    CHECK(parse_envelope(file, "q", data_offset).recipients[2].state == RecipientState::done);
}

TEST_CASE("a queue file written before the DSN records reads as a message without DSN requests")
{
    const std::string file = "mailroom-queue 1\nid AB\narrival 5\nclient local\nsender a@b\nhandoff 0011\n"
                             "warned N\nrcpt P x@y\ndata\nbody\n";
    std::uint64_t offset = 0;
    const Envelope parsed = parse_envelope(file, "q", offset);
    CHECK(parsed.dsn.ret == mailroom::core::smtp::DsnReturn::unspecified);
    CHECK(parsed.dsn.envid.empty());
    REQUIRE(parsed.recipients.size() == 1);
    CHECK(parsed.recipients[0].dsn.notify == 0);
    CHECK(parsed.recipients[0].dsn.wants_failure());
    CHECK(parsed.recipients[0].dsn.orcpt_type.empty());
}

TEST_CASE("the null sender and an empty message")
{
    const Envelope envelope{"AB", 1, "local", "", {{"x@y"}}};
    std::uint64_t offset = 0;
    const std::string file = format_envelope(envelope);
    CHECK(parse_envelope(file, "q", offset).sender.empty());
    CHECK(offset == file.size());
}

TEST_CASE("damaged queue files are refused with the path and the reason")
{
    const std::string good = format_envelope({"AB", 1, "local", "a@b", {{"x@y"}}});
    struct Row {
        std::string file;
        std::string_view why;
    };
    const Row rows[] = {
        {"", "not a mailroom queue file"},
        {"garbage\n", "not a mailroom queue file"},
        {good.substr(0, good.size() - 5), "truncated"},
        {"mailroom-queue 1\nid AB\narrival soon\nrcpt P x@y\ndata\n", "bad arrival time"},
        {"mailroom-queue 1\nid AB\nrcpt X x@y\ndata\n", "bad recipient record"},
        {"mailroom-queue 1\nid AB\nrcpt P\ndata\n", "bad recipient record"},
        {"mailroom-queue 1\nid AB\ncolor blue\ndata\n", "unknown record"},
        {"mailroom-queue 1\nid AB\ndata\n", "without id or recipients"},
        {"mailroom-queue 1\nid AB\nret SOME\nrcpt P x@y\ndata\n", "bad ret record"},
        {"mailroom-queue 1\nid AB\nenvid a+zz\nrcpt P x@y\ndata\n", "bad envid record"},
        {"mailroom-queue 1\nid AB\nnotify NEVER\nrcpt P x@y\ndata\n", "bad notify record"},
        {"mailroom-queue 1\nid AB\nrcpt P x@y\nnotify SOMETIMES\ndata\n", "bad notify record"},
        {"mailroom-queue 1\nid AB\nrcpt P x@y\norcpt x@y\ndata\n", "bad orcpt record"},
        {"mailroom-queue 1\nid AB\nrcpt P x@y\norcpt rfc822;a b\ndata\n", "bad orcpt record"},
        {"mailroom-queue 1\nrcpt P x@y\ndata\n", "without id or recipients"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.file);
        std::uint64_t offset = 0;
        try {
            parse_envelope(row.file, "/q/active/AB", offset);
            FAIL("accepted");
        } catch (const QueueError& e) {
            CHECK(std::string(e.what()).find("/q/active/AB") != std::string::npos);
            CHECK(std::string(e.what()).find(row.why) != std::string::npos);
        }
    }
}

TEST_CASE("a line break in an envelope field cannot forge records")
{
    CHECK_THROWS_AS(format_envelope({"AB", 1, "local", "a@b\nrcpt P evil@x", {{"x@y"}}}), QueueError);
    CHECK_THROWS_AS(format_envelope({"AB", 1, "local", "a@b", {{"x@y\r"}}}), QueueError);
}
