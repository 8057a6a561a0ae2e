// tests/unit/mta/test_handoff.cpp - the hand-off record between the queue manager and LMTP
// delivery (docs/mta.md, "Crashes"): every queue file gets its own nonce, the queue's header
// line is what delivery takes off the message, the lines delivery appends are what the queue
// reads back, records with another nonce do not count, and removing the message removes its
// record. Both sides are tested together because the format is their only contract.
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
    lmtp::record_handoff(q.root, *handoff, "rich@example.com");
    CHECK(queue.handed_off(message.envelope) == std::set<std::string>{"rich@example.com"});
    lmtp::record_handoff(q.root, *handoff, "bo@example.com");
    CHECK(queue.handed_off(message.envelope).size() == 2);
    queue.remove(message.envelope.id);
    CHECK(!fs::exists(q.root / "handoff" / message.envelope.id));
}

TEST_CASE("a record under another nonce does not count")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const auto message = enqueue(queue);
    lmtp::record_handoff(q.root, {message.envelope.id, "0123456789ABCDEF"}, "rich@example.com");
    CHECK(queue.handed_off(message.envelope).empty());
    Envelope old = message.envelope;
    old.handoff.clear();   // a queue file written before hand-off records existed
    lmtp::record_handoff(q.root, {message.envelope.id, message.envelope.handoff}, "rich@example.com");
    CHECK(queue.handed_off(old).empty());
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
