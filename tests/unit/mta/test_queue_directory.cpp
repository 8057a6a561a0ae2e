// tests/unit/mta/test_queue_directory.cpp - the queue on disk: commit makes a message visible,
// an uncommitted one leaves nothing, states, defer times, flush, removal and crash leftovers.
#include "mta/queue/queue_directory.hpp"
#include "mta/queue/manager.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace mailroom::mta;
namespace fs = std::filesystem;

namespace {

struct TempQueue {
    TempDir dir;
    const fs::path& root = dir.path;
    TempQueue() { QueueDirectory(root).prepare(); }
};

std::string enqueue(const fs::path& root, std::vector<QueueRecipient> recipients, std::string_view content)
{
    QueueWriter writer(root, Envelope{{}, std::time(nullptr), "local", "ann@example.org", std::move(recipients)});
    writer.append(content);
    writer.commit();
    return writer.id();
}

}  // namespace

TEST_CASE("a committed message is listed and loads back; recipient states stick")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const std::string id = enqueue(q.root, {{"a@x"}, {"b@y"}}, "Subject: hi\n\nbody\n");
    CHECK(valid_queue_id(id));
    auto entries = queue.list();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].id == id);
    CHECK(entries[0].queue == "active");
    auto message = queue.load(id);
    REQUIRE(message);
    CHECK(message->content == "Subject: hi\n\nbody\n");
    queue.set_state(*message, 1, RecipientState::done);
    message = queue.load(id);
    CHECK(message->envelope.recipients[0].state == RecipientState::pending);
    CHECK(message->envelope.recipients[1].state == RecipientState::done);
    CHECK(fs::is_empty(q.root / "incoming"));
}

TEST_CASE("an uncommitted message leaves nothing, and prepare() clears crash leftovers")
{
    TempQueue q;
    {
        QueueWriter writer(q.root, Envelope{{}, 1, "local", "", {{"a@x"}}});
        writer.append("half a message");
        CHECK_FALSE(fs::is_empty(q.root / "incoming"));
    }
    CHECK(fs::is_empty(q.root / "incoming"));
    CHECK(QueueDirectory(q.root).list().empty());
    std::ofstream(q.root / "incoming" / "ABCDEF012345") << "killed while receiving";
    QueueDirectory(q.root).prepare();
    CHECK(fs::is_empty(q.root / "incoming"));
}

TEST_CASE("defer, flush, defer reasons and remove")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const std::string id = enqueue(q.root, {{"a@x"}}, "x\n");
    const std::time_t later = std::time(nullptr) + 3600;
    queue.defer(id, later);
    auto entries = queue.list();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].queue == "deferred");
    CHECK(entries[0].next_attempt == later);
    queue.record_defer_reason(id, "a@x", "4.4.1 connect failed");
    queue.record_defer_reason(id, "a@x", "4.3.0 try\nlater");
    CHECK(queue.defer_reasons(id).at("a@x") == "4.3.0 try later");
    queue.flush();
    CHECK(queue.list().at(0).next_attempt <= std::time(nullptr));
    queue.remove(id);
    CHECK(queue.list().empty());
    CHECK_FALSE(queue.load(id));
    CHECK(queue.defer_reasons(id).empty());
}

TEST_CASE("queue ids never become paths outside the queue")
{
    const QueueDirectory queue("/nonexistent");
    for (const char* bad : {"", "../etc/passwd", "abc", "0123456789ab", "A/B", "0123456789ABCDEF0123456789ABCDEF0"}) {
        CAPTURE(bad);
        CHECK_FALSE(valid_queue_id(bad));
        CHECK_FALSE(queue.load(bad));
    }
    CHECK(valid_queue_id("0123456789AB"));
}

TEST_CASE("back-off doubles with the message's age between the limits")
{
    struct Row {
        std::time_t age, expected;
    };
    const Row rows[] = {{0, 300}, {299, 300}, {300, 300}, {600, 600}, {1200, 1200}, {3999, 3999}, {4000, 4000},
                        {100000, 4000}};
    for (const auto& row : rows) {
        CAPTURE(row.age);
        CHECK(backoff_delay(row.age, 300, 4000) == row.expected);
    }
    CHECK(backoff_delay(10, 300, 100) == 300);   // a maximum below the minimum: the minimum wins
}

TEST_CASE("the delay warning record flips once, in place")
{
    TempQueue q;
    const QueueDirectory queue(q.root);
    const std::string id = enqueue(q.root, {{"a@x"}}, "Subject: hi\n\nbody\n");
    auto message = queue.load(id);
    REQUIRE(message);
    CHECK(!message->envelope.warned);
    CHECK(message->envelope.warned_offset != 0);
    queue.set_warned(*message);
    message = queue.load(id);
    CHECK(message->envelope.warned);
    CHECK(message->content == "Subject: hi\n\nbody\n");
    CHECK(message->envelope.recipients[0].state == RecipientState::pending);
}
