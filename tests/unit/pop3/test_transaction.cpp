// tests/unit/pop3/test_transaction.cpp - the TRANSACTION and UPDATE states against a real
// maildrop (RFC 1939 sections 5, 6 and 7): a whole session, pipelining and byte-at-a-time
// input, DELE/RSET/QUIT semantics, \Seen, a dropped connection, [IN-USE], mail arriving and
// leaving meanwhile, and a failed update (pop3/protocol, pop3/commands, pop3/maildrop).
#include "pop3_driver.hpp"

#include <cstdio>

using namespace mailroom::mailstore;
using mailroom::pop3::Protocol;

namespace {

const std::string one = "From: a@example.com\r\nSubject: one\r\n\r\nbody one\r\n";
const std::string two = "From: b@example.com\nSubject: two\n\n.dotted\nline\n";
const std::string three = "Subject: three\n\nshort\n";

std::uint64_t virtual_size(std::string_view text)
{
    std::uint64_t size = text.size();
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            ++size;
    return size;
}

std::string uidl(std::uint32_t uid, std::uint32_t uid_validity)
{
    char text[32];
    std::snprintf(text, sizeof text, "%08x%08x", uid, uid_validity);
    return text;
}

struct Maildrop3 {
    StoreFixture f;
    std::uint32_t uid_validity = 0;
    std::uint64_t s1 = virtual_size(one), s2 = virtual_size(two), s3 = virtual_size(three);

    explicit Maildrop3(MailFormat format = MailFormat::maildir) : f(format)
    {
        f.append("INBOX", one);
        f.append("INBOX", two);
        f.append("INBOX", three);
        uid_validity = f.open("INBOX", true)->uid_validity();
    }

    std::uint8_t flags_of(Uid uid)
    {
        auto view = f.open("INBOX", true);
        const auto* record = view->find(uid);
        REQUIRE(record);
        return record->flags;
    }
};

// A whole session and the replies it must get, byte for byte.
std::pair<std::string, std::string> golden_session(const Maildrop3& m)
{
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    const std::string total = n(m.s1 + m.s2 + m.s3);
    std::string in = "USER ann\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 0\r\nTOP 2 1\r\n"
                     "DELE 1\r\nLIST\r\nSTAT\r\nLIST 1\r\nRSET\r\nDELE 2\r\nLIST 3\r\nUIDL 3\r\nNOOP\r\nQUIT\r\n";
    std::string out = "+OK Send the password with PASS.\r\n"
                      "+OK Logged in, maildrop has 3 messages (" + total + " octets).\r\n"
                      "+OK 3 " + total + "\r\n"
                      "+OK 3 messages (" + total + " octets)\r\n1 " + n(m.s1) + "\r\n2 " + n(m.s2) + "\r\n3 " + n(m.s3) +
                      "\r\n.\r\n"
                      "+OK Unique-id listing follows\r\n1 " + uidl(1, m.uid_validity) + "\r\n2 " + uidl(2, m.uid_validity) +
                      "\r\n3 " + uidl(3, m.uid_validity) + "\r\n.\r\n"
                      "+OK " + n(m.s1) + " octets\r\n" + one + ".\r\n"
                      "+OK Top of message follows\r\nFrom: b@example.com\r\nSubject: two\r\n\r\n.\r\n"
                      "+OK Top of message follows\r\nFrom: b@example.com\r\nSubject: two\r\n\r\n..dotted\r\n.\r\n"
                      "+OK Message 1 deleted.\r\n"
                      "+OK 2 messages (" + n(m.s2 + m.s3) + " octets)\r\n2 " + n(m.s2) + "\r\n3 " + n(m.s3) + "\r\n.\r\n"
                      "+OK 2 " + n(m.s2 + m.s3) + "\r\n"
                      "-ERR Message 1 is deleted.\r\n"
                      "+OK Maildrop has 3 messages (" + total + " octets).\r\n"
                      "+OK Message 2 deleted.\r\n"
                      "+OK 3 " + n(m.s3) + "\r\n"
                      "+OK 3 " + uidl(3, m.uid_validity) + "\r\n"
                      "+OK Still here.\r\n"
                      "+OK Logging out, 1 message deleted.\r\n";
    return {in, out};
}

}  // namespace

TEST_CASE("a whole session, pipelined, line by line or a byte at a time, gives the same replies")
{
    for (const MailFormat format : {MailFormat::maildir, MailFormat::mbox}) {
        for (const std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(3), std::size_t(10)}) {
            CAPTURE(static_cast<int>(format));
            CAPTURE(piece);
            Maildrop3 m(format);
            const auto [in, out] = golden_session(m);
            Pop3Client client(m.f);
            CHECK(client.send(in, piece) == out);
            CHECK(client.closed);
            CHECK(client.close_reason == "Logged out");
            const auto& stats = client.machine().stats();
            CHECK(stats.retr_count == 1);
            CHECK(stats.retr_bytes == m.s1);
            CHECK(stats.top_count == 2);
            CHECK(stats.deleted == 1);
            CHECK(stats.left == 2);
            CHECK(stats.size == m.s1 + m.s2 + m.s3);
            // Only the DELEted message went; the RETRieved one is \Seen; TOP marks nothing.
            CHECK(uids_of(*m.f.open("INBOX", true)) == std::vector<Uid>{1, 3});
            CHECK(m.flags_of(1) == flag_seen);
            CHECK(m.flags_of(3) == 0);
        }
    }
}

TEST_CASE("the TRANSACTION state's argument errors; the session goes on")
{
    Maildrop3 m;
    Pop3Client client(m.f);
    client.send("USER ann\r\nPASS secret\r\n");
    const std::pair<const char*, std::string> rows[] = {
        {"RETR", "-ERR A message number is needed."},
        {"RETR 0", "-ERR There is no message 0."},
        {"RETR 4", "-ERR There is no message 4."},
        {"RETR 4294967297", "-ERR There is no message 4294967297."},
        {"RETR abc", "-ERR Invalid message number."},
        {"RETR -1", "-ERR Invalid message number."},
        {"RETR 99999999999999999999999", "-ERR Invalid message number."},
        {"RETR 1 2", "-ERR Invalid message number."},
        {"TOP 1", "-ERR TOP needs a message number and a number of lines."},
        {"TOP 1 x", "-ERR Invalid number of lines."},
        {"TOP 9 1", "-ERR There is no message 9."},
        {"LIST x", "-ERR Invalid message number."},
        {"UIDL 7", "-ERR There is no message 7."},
        {"DELE", "-ERR A message number is needed."},
        {"DELE 3", "+OK Message 3 deleted."},
        {"DELE 3", "-ERR Message 3 is deleted."},
        {"RETR 3", "-ERR Message 3 is deleted."},
        {"TOP 3 0", "-ERR Message 3 is deleted."},
        {"UIDL 3", "-ERR Message 3 is deleted."},
        {"LIST 2", "+OK 2 " + std::to_string(m.s2)},
        {"stat", "+OK 2 " + std::to_string(m.s1 + m.s2)},
        {"NoOp", "+OK Still here."},
    };
    for (const auto& [input, reply] : rows) {
        CAPTURE(input);
        CHECK(client.send(std::string(input) + "\r\n") == reply + "\r\n");
    }
    CHECK_FALSE(client.closed);
}

TEST_CASE("a dropped connection deletes nothing and marks nothing")
{
    Maildrop3 m;
    {
        Pop3Client client(m.f);
        client.send("USER ann\r\nPASS secret\r\nRETR 1\r\nDELE 1\r\nDELE 2\r\n");
        client.drop();
    }
    CHECK(uids_of(*m.f.open("INBOX", true)) == std::vector<Uid>{1, 2, 3});
    CHECK(m.flags_of(1) == 0);
}

TEST_CASE("a second session gets [IN-USE]; mail arriving meanwhile waits for the next session")
{
    Maildrop3 m;
    Pop3Client first(m.f);
    first.send("USER ann\r\nPASS secret\r\n");
    Pop3Client second(m.f);
    CHECK(second.send("USER ann\r\nPASS secret\r\n") ==
          "+OK Send the password with PASS.\r\n"
          "-ERR [IN-USE] The maildrop is in use by another POP3 session, please try again later.\r\n");
    CHECK_FALSE(second.closed);
    // IMAP-style access is not locked out.
    auto imap = m.f.open("INBOX");
    CHECK(imap->messages().size() == 3);
    m.f.append("INBOX", "Subject: four\n\nlate\n");
    CHECK(first.send("STAT\r\n") == "+OK 3 " + std::to_string(m.s1 + m.s2 + m.s3) + "\r\n");
    CHECK(first.send("QUIT\r\n") == "+OK Logging out.\r\n");
    CHECK(second.send("USER ann\r\nPASS secret\r\nSTAT\r\n").ends_with("+OK 4 " +
                                                                         std::to_string(m.s1 + m.s2 + m.s3 + virtual_size("Subject: four\n\nlate\n")) + "\r\n"));
}

TEST_CASE("a message another session removed meanwhile")
{
    Maildrop3 m;
    Pop3Client client(m.f);
    client.send("USER ann\r\nPASS secret\r\n");
    {
        auto imap = m.f.open("INBOX");
        const Uid uid = 1;
        REQUIRE(imap->update_flags(std::span(&uid, 1), {FlagChange::Mode::add, flag_deleted, {}}));
        REQUIRE(imap->expunge());
    }
    CHECK(client.send("RETR 1\r\n") == "-ERR Message 1 no longer exists; another session removed it.\r\n");
    CHECK(client.send("DELE 1\r\nDELE 2\r\nQUIT\r\n") ==
          "+OK Message 1 deleted.\r\n+OK Message 2 deleted.\r\n+OK Logging out, 1 message deleted.\r\n");
    CHECK(client.machine().stats().deleted == 1);
    CHECK(uids_of(*m.f.open("INBOX", true)) == std::vector<Uid>{3});
}

TEST_CASE("messages IMAP marked \\Deleted are listed, and kept unless DELEted")
{
    Maildrop3 m;
    {
        auto imap = m.f.open("INBOX");
        const Uid uid = 2;
        REQUIRE(imap->update_flags(std::span(&uid, 1), {FlagChange::Mode::add, flag_deleted | flag_seen, {}}));
    }
    Pop3Client client(m.f);
    CHECK(client.send("USER ann\r\nPASS secret\r\nDELE 1\r\nRETR 2\r\nQUIT\r\n").ends_with(
        "+OK Logging out, 1 message deleted.\r\n"));
    CHECK(uids_of(*m.f.open("INBOX", true)) == std::vector<Uid>{2, 3});
    CHECK(m.flags_of(2) == (flag_deleted | flag_seen));
}

TEST_CASE("pop3_mark_seen = no leaves flags alone")
{
    Maildrop3 m;
    auto options = test_options();
    options.mark_seen = false;
    Pop3Client client(m.f, options);
    client.send("USER ann\r\nPASS secret\r\nRETR 1\r\nRETR 2\r\nQUIT\r\n");
    CHECK(m.flags_of(1) == 0);
    CHECK(m.flags_of(2) == 0);
}

TEST_CASE("a failed update answers [SYS/TEMP] and logs out")
{
    Protocol machine(test_options());
    machine.logged_in("ann", {{1, 10, "a", false}, {2, 20, "b", false}});
    std::size_t used = 0;
    const auto event = machine.feed("DELE 1\r\n", used);
    CHECK(std::holds_alternative<Protocol::NeedMore>(event));
    machine.feed("QUIT\r\n", used);
    const auto close = machine.update_finished(std::nullopt);
    REQUIRE(std::holds_alternative<Protocol::Close>(close));
    CHECK(std::get<Protocol::Close>(close).reason == "Storage error during logout");
    CHECK(machine.take_output().ends_with(
        "-ERR [SYS/TEMP] The deleted messages could not be removed; they stay in the maildrop.\r\n"));
    CHECK(machine.stats().deleted == 0);
    CHECK(machine.stats().left == 2);
}
