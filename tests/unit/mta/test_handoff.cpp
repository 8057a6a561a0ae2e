// tests/unit/mta/test_handoff.cpp - the hand-off record between the queue manager and LMTP
// delivery (docs/mta.md, "Crashes"): every queue file gets its own nonce, the queue's header
// line is what delivery takes off the message, the done lines delivery appends are what the
// queue reads back (its intent and cancel lines never count), records with another nonce do
// not count, and removing the message removes its record. Both sides are tested together because the format is their only contract.
#include "delivery/lmtp/handoff.hpp"
#include "mta/queue/queue_directory.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace mailroom::mta;
namespace fs = std::filesystem;
namespace lmtp = mailroom::delivery::lmtp;

namespace {

struct TempQueue {
    TempDir dir;
    const fs::path& root = dir.path;
    TempQueue() { QueueDirectory(root).prepare(); }
};

LoadedMessage enqueue(const QueueDirectory& queue)
{
    QueueWriter writer(queue.root(), Envelope{{}, 1, "local", "ann@example.org", {{"rich@example.com"}, {"bo@example.com"}}});
    writer.append("Subject: x\n\nbody\n");
    writer.commit();
    return *queue.load(writer.id());
}

}  // namespace

TEST_CASE("each queue file has a nonce of its own, kept in the envelope")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const auto first = enqueue(queue);
    const auto second = enqueue(queue);
    CHECK(first.envelope.handoff.size() == 16);
    CHECK(first.envelope.handoff != second.envelope.handoff);
    std::uint64_t offset = 0;
    CHECK(parse_envelope(format_envelope(first.envelope), "q", offset).handoff == first.envelope.handoff);
    CHECK(lmtp::handoff_keyword == handoff_keyword);
}

TEST_CASE("delivery takes the queue's line off the message and its records are read back")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const auto message = enqueue(queue);
    const std::string sent = QueueDirectory::handoff_header(message.envelope) + message.content;
    std::string_view content = sent;
    const auto handoff = lmtp::take_handoff_line(content);
    REQUIRE(handoff);
    CHECK(content == message.content);
    CHECK(handoff->id == message.envelope.id);
    CHECK(queue.handed_off(message.envelope).empty());
    {
        lmtp::HandoffRecord record(q.root, *handoff);
        record.record_done("rich@example.com");
    }
    CHECK(queue.handed_off(message.envelope) == std::set<std::string>{"rich@example.com"});
    lmtp::HandoffRecord record(q.root, *handoff);
    CHECK(record.done("rich@example.com"));
    CHECK(!record.done("bo@example.com"));
    record.record_done("bo@example.com");
    CHECK(queue.handed_off(message.envelope).size() == 2);
    queue.remove(message.envelope.id);
    CHECK(!fs::exists(q.root / "handoff" / message.envelope.id));
}

TEST_CASE("a record under another nonce does not count")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const auto message = enqueue(queue);
    lmtp::HandoffRecord(q.root, {message.envelope.id, "0123456789ABCDEF"}).record_done("rich@example.com");
    CHECK(queue.handed_off(message.envelope).empty());
    CHECK(!lmtp::HandoffRecord(q.root, {message.envelope.id, message.envelope.handoff}).done("rich@example.com"));
    Envelope old = message.envelope;
    old.handoff.clear();   // a queue file written before hand-off records existed
    lmtp::HandoffRecord(q.root, {message.envelope.id, message.envelope.handoff}).record_done("rich@example.com");
    CHECK(queue.handed_off(old).empty());
}

TEST_CASE("the queue counts only done lines: intent and cancel lines, and a line a crash cut short, do not")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const auto message = enqueue(queue);
    const lmtp::Handoff handoff{message.envelope.id, message.envelope.handoff};
    {
        lmtp::HandoffRecord record(q.root, handoff);
        lmtp::StoreIntent intent;
        intent.ordinal = 1;
        intent.target = "/home/rich/Maildir";
        intent.tmp_name = "tmp/1.M2P3Q4.host";
        intent.new_name = "new/1.M2P3Q4.host,S=10";
        record.record_intent("rich@example.com", intent);
        intent.ordinal = 2;
        intent.kind = lmtp::StoreIntent::Kind::mbox;
        intent.target = "/var/mail/bo";
        intent.length = 10;
        intent.digest = std::string(64, 'a');
        record.record_intent("bo@example.com", intent);
        record.record_cancel("bo@example.com", 2, "/var/mail/bo");
        record.record_destination("mailbox rich rich");
    }
    CHECK(queue.handed_off(message.envelope).empty());
    {
        std::ofstream torn(q.root / "handoff" / message.envelope.id, std::ios::app);
        torn << message.envelope.handoff << " bo@example.com";   // no line end: the write was cut
    }
    CHECK(queue.handed_off(message.envelope).empty());
    const lmtp::HandoffRecord reread(q.root, handoff);
    CHECK(!reread.done("bo@example.com"));
    CHECK(reread.intent("rich@example.com", 1, "/home/rich/Maildir"));
    CHECK(!reread.intent("bo@example.com", 2, "/var/mail/bo"));   // cancelled
    CHECK(reread.delivered_destinations() == std::set<std::string>{"mailbox rich rich"});
}

TEST_CASE("intent lines read back as written, escaped fields included, the last one for a store winning")
{
    TempQueue q;
    const lmtp::Handoff handoff{"0123456789AB", "0123456789ABCDEF"};
    const std::string recipient = "\"odd one\"@example.com";
    const std::string target = "/home/odd one/100%/Maildir/";
    {
        lmtp::HandoffRecord record(q.root, handoff);
        lmtp::StoreIntent intent;
        intent.ordinal = 3;
        intent.target = target;
        intent.tmp_name = "tmp/a";
        intent.new_name = "new/a,S=1";
        record.record_intent(recipient, intent);
        intent.tmp_name = "tmp/b";   // a name collision made mailstore pick another name
        intent.new_name = "new/b,S=1";
        record.record_intent(recipient, intent);
        lmtp::StoreIntent mbox;
        mbox.ordinal = 4;
        mbox.target = "/var/mail/odd";
        mbox.kind = lmtp::StoreIntent::Kind::mbox;
        mbox.offset = 12345;
        mbox.length = 678;
        mbox.digest = std::string(64, 'f');
        record.record_intent(recipient, mbox);
        record.record_done(recipient);
    }
    const lmtp::HandoffRecord reread(q.root, handoff);
    const auto maildir = reread.intent(recipient, 3, target);
    REQUIRE(maildir);
    CHECK(maildir->kind == lmtp::StoreIntent::Kind::maildir);
    CHECK(maildir->tmp_name == "tmp/b");
    CHECK(maildir->new_name == "new/b,S=1");
    const auto mbox = reread.intent(recipient, 4, "/var/mail/odd");
    REQUIRE(mbox);
    CHECK(mbox->kind == lmtp::StoreIntent::Kind::mbox);
    CHECK(mbox->offset == 12345);
    CHECK(mbox->length == 678);
    CHECK(mbox->digest == std::string(64, 'f'));
    CHECK(!reread.intent(recipient, 3, "/elsewhere"));
    CHECK(reread.done(recipient));
}

TEST_CASE("an intent that would lead a retry out of its Maildir is ignored")
{
    TempQueue q;
    const lmtp::Handoff handoff{"0123456789AB", "0123456789ABCDEF"};
    {
        std::ofstream out(q.root / "handoff" / handoff.id);
        out << handoff.nonce << ":intent rich 1 /m maildir tmp/../../etc new/x\n"
            << handoff.nonce << ":intent rich 2 /m maildir tmp/x ../x\n"
            << handoff.nonce << ":intent rich 3 /m maildir tmp/x new/x\n";
    }
    const lmtp::HandoffRecord record(q.root, handoff);
    CHECK(!record.intent("rich", 1, "/m"));
    CHECK(!record.intent("rich", 2, "/m"));
    CHECK(record.intent("rich", 3, "/m"));
}

TEST_CASE("only a well-formed line at the very top is taken")
{
    const char* kept[] = {
        "Subject: x\nX-Mailroom-Handoff: 0123456789AB 0123456789ABCDEF\n\n",   // not the first line
        "X-Mailroom-Handoff: 0123456789AB\n\n",                                 // no nonce
        "X-Mailroom-Handoff: ../../etc 0123456789ABCDEF\n\n",                   // not a queue id
        "X-Mailroom-Handoff: 0123456789ab 0123456789ABCDEF\n\n",                // lower case
        "X-Mailroom-Handoff: 0123456789AB 0123456789ABCDEF",                    // no line end
        "X-Mailroom-Handoff: 0123456789AB 0123456789ABCDEF0123456789ABCDEF0\n", // too long
    };
    for (const char* text : kept) {
        CAPTURE(text);
        std::string_view message = text;
        CHECK(!lmtp::take_handoff_line(message));
        CHECK(message == text);
    }
}
