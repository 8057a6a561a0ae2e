// tests/unit/mailstore/test_index.cpp - the mailbox index: UID assignment, flags and modseqs,
// expunges, the cache, refresh across instances, compaction, torn log tails and rebuilds that
// keep the UID list's UIDs (mailstore/index).
#include "mailstore/index/mailbox_index.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/unit/result_printer.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mailroom::mailstore;
using namespace mailroom::mailstore::index;

namespace {

std::unique_ptr<MailboxIndex> open_index(const std::filesystem::path& dir)
{
    auto index = MailboxIndex::open(dir, std::chrono::milliseconds(2000));
    REQUIRE(index);
    return std::move(*index);
}

Uid add(MailboxIndex& index, const std::string& key, std::uint64_t size = 100)
{
    auto tx = index.begin();
    REQUIRE(tx);
    MessageRecord record;
    record.size = size;
    record.internal_date = 1700000000;
    const Uid uid = tx->add_message(record, key);
    REQUIRE(tx->commit());
    return uid;
}

std::vector<Uid> uids(const IndexState& state)
{
    std::vector<Uid> out;
    for (const auto& r : state.records)
        out.push_back(r.uid);
    return out;
}

}  // namespace

TEST_CASE("a new index has a UIDVALIDITY and hands out ascending UIDs that survive reopening")
{
    TempDir dir;
    auto index = open_index(dir.path);
    const auto validity = index->state()->header.uid_validity;
    CHECK(validity > 0);
    CHECK(add(*index, "a") == 1);
    CHECK(add(*index, "b") == 2);
    CHECK(add(*index, "c") == 3);
    index.reset();
    auto again = open_index(dir.path);
    CHECK(again->state()->header.uid_validity == validity);
    CHECK(uids(*again->state()) == std::vector<Uid>{1, 2, 3});
    CHECK(again->keys().at(2) == "b");
    CHECK(again->state()->header.uid_next == 4);
    CHECK(read_file(dir.path / "mailroom-uidlist").find("\n1 a\n2 b\n3 c\n") != std::string::npos);
}

TEST_CASE("flag changes get one new modseq per transaction; expunged UIDs are never reused")
{
    TempDir dir;
    auto index = open_index(dir.path);
    add(*index, "a");
    add(*index, "b");
    const ModSeq before = index->state()->header.highest_modseq;
    {
        auto tx = index->begin();
        REQUIRE(tx);
        tx->set_flags(1, flag_seen, 0);
        tx->set_flags(2, flag_flagged, 5);
        tx->set_flags(2, flag_flagged, 5);   // no change: no effect
        REQUIRE(tx->commit());
    }
    const auto state = index->state();
    CHECK(state->header.highest_modseq == before + 1);
    CHECK(state->find(1)->modseq == before + 1);
    CHECK(state->find(2)->keywords == 5);
    {
        auto tx = index->begin();
        REQUIRE(tx);
        tx->expunge({2});
        REQUIRE(tx->commit());
    }
    CHECK(uids(*index->state()) == std::vector<Uid>{1});
    CHECK(index->state()->header.highest_modseq == before + 2);
    CHECK(add(*index, "b") == 3);   // same key again, after an expunge: a new UID
    index.reset();
    auto again = open_index(dir.path);
    CHECK(uids(*again->state()) == std::vector<Uid>{1, 3});
    CHECK(again->state()->find(1)->flags == flag_seen);
}

TEST_CASE("an uncommitted transaction changes nothing")
{
    TempDir dir;
    auto index = open_index(dir.path);
    add(*index, "a");
    {
        auto tx = index->begin();
        REQUIRE(tx);
        tx->set_flags(1, flag_deleted, 0);
        MessageRecord r;
        tx->add_message(r, "b");
    }
    CHECK(uids(*index->state()) == std::vector<Uid>{1});
    CHECK(index->state()->find(1)->flags == 0);
    CHECK(add(*index, "c") == 2);
}

TEST_CASE("a second instance sees the first one's changes at refresh")
{
    TempDir dir;
    auto first = open_index(dir.path);
    auto second = open_index(dir.path);
    add(*first, "a");
    CHECK(second->state()->records.empty());
    auto old_state = second->state();
    REQUIRE(second->refresh().value());
    CHECK(uids(*second->state()) == std::vector<Uid>{1});
    CHECK(old_state->records.empty());   // a published state never changes under its holder
    CHECK(add(*second, "b") == 2);
    REQUIRE(first->refresh());
    CHECK(uids(*first->state()) == std::vector<Uid>{1, 2});
}

TEST_CASE("the cache keeps fields per message and survives reopening")
{
    TempDir dir;
    auto index = open_index(dir.path);
    add(*index, "a");
    index->queue_cache(1, "imap.envelope", "(NIL \"old\")");
    index->queue_cache(1, "imap.envelope", "(NIL \"hi\")");   // replaces the queued value
    CHECK(index->cached(*index->state()->find(1), "imap.envelope") == "(NIL \"hi\")");   // pending
    REQUIRE(index->flush_cache());
    index->queue_cache(1, "imap.body", "(\"text\")");
    REQUIRE(index->flush_cache());
    const MessageRecord record = *index->state()->find(1);
    CHECK(record.cache_offset > 0);
    CHECK(index->cached(record, "imap.envelope") == "(NIL \"hi\")");
    CHECK(index->cached(record, "imap.body") == "(\"text\")");
    CHECK_FALSE(index->cached(record, "nothing"));
    index.reset();
    auto again = open_index(dir.path);
    CHECK(again->cached(*again->state()->find(1), "imap.body") == "(\"text\")");
}

TEST_CASE("cached values of any size come back whole; a damaged bundle is not used")
{
    TempDir dir;
    {
        auto index = open_index(dir.path);
        add(*index, "a");
        add(*index, "b");
        std::string big;
        for (int i = 0; big.size() < 10000; ++i)
            big += std::to_string(i) + ' ';
        index->queue_cache(1, "imap.small", "x");
        index->queue_cache(1, "imap.big", big);   // more than one read's worth
        index->queue_cache(2, "imap.small", "y");
        REQUIRE(index->flush_cache());
        CHECK(index->cached(*index->state()->find(1), "imap.big") == big);
        CHECK(index->cached(*index->state()->find(1), "imap.small") == "x");
        CHECK(index->cached(*index->state()->find(2), "imap.small") == "y");
    }
    // Flip a byte inside the second bundle's value: its CRC no longer matches.
    const auto cache = dir.path / "mailroom.index.cache";
    REQUIRE(std::filesystem::exists(cache));
    std::string bytes;
    {
        std::ifstream in(cache, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    REQUIRE(bytes.back() == 'y');   // the last bundle written ends with its value
    bytes.back() = 'z';
    {
        std::ofstream out(cache, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    auto again = open_index(dir.path);
    CHECK_FALSE(again->cached(*again->state()->find(2), "imap.small"));
    CHECK(again->cached(*again->state()->find(1), "imap.small") == "x");
}

TEST_CASE("cache reads see bundles another instance appended after they read ahead")
{
    TempDir dir;
    auto reader = open_index(dir.path);
    auto writer = open_index(dir.path);
    for (int i = 0; i < 300; ++i)
        add(*writer, "m" + std::to_string(i));
    for (Uid uid = 1; uid <= 300; ++uid)
        writer->queue_cache(uid, "imap.body", "first " + std::to_string(uid));
    REQUIRE(writer->flush_cache());
    REQUIRE(reader->refresh());
    for (Uid uid = 1; uid <= 300; ++uid)   // one read ahead serves many of these
        CHECK(reader->cached(*reader->state()->find(uid), "imap.body") == "first " + std::to_string(uid));
    for (Uid uid = 1; uid <= 300; uid += 7)
        writer->queue_cache(uid, "imap.body", "second " + std::to_string(uid));
    REQUIRE(writer->flush_cache());
    REQUIRE(reader->refresh());
    for (Uid uid = 1; uid <= 300; ++uid)
        CHECK(reader->cached(*reader->state()->find(uid), "imap.body") ==
              ((uid - 1) % 7 == 0 ? "second " : "first ") + std::to_string(uid));
}

TEST_CASE("drop_cache forgets written and queued cache fields of one message")
{
    TempDir dir;
    auto index = open_index(dir.path);
    add(*index, "a");
    add(*index, "b");
    index->queue_cache(1, "imap.body", "one");
    index->queue_cache(2, "imap.body", "two");
    REQUIRE(index->flush_cache());
    index->queue_cache(2, "imap.envelope", "queued");
    {
        auto tx = index->begin();
        REQUIRE(tx);
        tx->drop_cache(1);
        tx->drop_cache(2);
        REQUIRE(tx->commit());
    }
    CHECK(index->state()->find(1)->cache_offset == 0);
    CHECK_FALSE(index->cached(*index->state()->find(1), "imap.body"));
    CHECK_FALSE(index->cached(*index->state()->find(2), "imap.body"));
    CHECK_FALSE(index->cached(*index->state()->find(2), "imap.envelope"));
    auto other = open_index(dir.path);   // the log carries it to other instances
    CHECK_FALSE(other->cached(*other->state()->find(1), "imap.body"));
}

TEST_CASE("a torn record at the end of the log is ignored and later cut off")
{
    TempDir dir;
    {
        auto index = open_index(dir.path);
        add(*index, "a");
        add(*index, "b");
    }
    const auto log = dir.path / "mailroom.index.log";
    const auto size = std::filesystem::file_size(log);
    std::filesystem::resize_file(log, size - 5);   // a crash in the middle of the last write
    auto index = open_index(dir.path);
    CHECK(uids(*index->state()) == std::vector<Uid>{1});
    // UID 2 is in the UID list: its key keeps that UID when the message is found again.
    CHECK(add(*index, "b") == 2);
    CHECK(add(*index, "c") == 3);
    index.reset();
    CHECK(uids(*open_index(dir.path)->state()) == std::vector<Uid>{1, 2, 3});
}

TEST_CASE("a lost or damaged index is rebuilt with the UIDs from the UID list")
{
    TempDir dir;
    std::uint32_t validity = 0;
    {
        auto index = open_index(dir.path);
        validity = index->state()->header.uid_validity;
        for (const char* key : {"a", "b", "c", "d"})
            add(*index, key);
        auto tx = index->begin();
        REQUIRE(tx);
        tx->expunge({2});
        REQUIRE(tx->commit());
    }
    write_file(dir.path / "mailroom.index", "garbage");
    std::filesystem::remove(dir.path / "mailroom.index.log");
    auto index = open_index(dir.path);
    CHECK(index->needs_rescan());
    CHECK(index->state()->header.uid_validity == validity);
    CHECK(index->state()->records.empty());
    auto tx = index->begin();
    REQUIRE(tx);
    MessageRecord r;
    CHECK(tx->add_message(r, "d") == 4);   // the scan finds the files in any order
    CHECK(tx->add_message(r, "a") == 1);
    CHECK(tx->add_message(r, "c") == 3);
    CHECK(tx->add_message(r, "new") == 5);
    tx->mark_rescanned();
    REQUIRE(tx->commit());
    CHECK_FALSE(index->needs_rescan());
    CHECK(uids(*index->state()) == std::vector<Uid>{1, 3, 4, 5});
}

TEST_CASE("compaction writes a snapshot and a new log; other instances follow")
{
    TempDir dir;
    auto writer = open_index(dir.path);
    auto reader = open_index(dir.path);
    for (int i = 0; i < 40; ++i)
        add(*writer, "message-" + std::to_string(i));
    for (int round = 0; round < 400; ++round) {
        auto tx = writer->begin();
        REQUIRE(tx);
        for (Uid uid = 1; uid <= 40; ++uid)
            tx->set_flags(uid, static_cast<std::uint8_t>(round % 2 ? flag_seen : 0), static_cast<std::uint64_t>(round));
        REQUIRE(tx->commit());
    }
    CHECK(std::filesystem::file_size(dir.path / "mailroom.index.log") < 256 * 1024 + 8192);
    REQUIRE(reader->refresh());
    CHECK(reader->state()->records.size() == 40);
    CHECK(reader->state()->find(7)->keywords == 399);
    CHECK(reader->state()->header.highest_modseq == writer->state()->header.highest_modseq);
    CHECK(add(*reader, "late") == 41);
}

TEST_CASE("processes take the index lock in turn")
{
    TempDir dir;
    open_index(dir.path);
    constexpr int children = 4;
    constexpr int per_child = 25;
    for (int c = 0; c < children; ++c) {
        if (::fork() == 0) {
            auto index = MailboxIndex::open(dir.path, std::chrono::milliseconds(10000));
            for (int i = 0; index && i < per_child; ++i) {
                auto tx = (*index)->begin();
                if (!tx)
                    ::_exit(1);
                MessageRecord r;
                tx->add_message(r, "c" + std::to_string(c) + "-" + std::to_string(i));
                if (!tx->commit())
                    ::_exit(1);
            }
            ::_exit(index ? 0 : 1);
        }
    }
    for (int c = 0; c < children; ++c) {
        int status = 0;
        ::wait(&status);
        CHECK(WEXITSTATUS(status) == 0);
    }
    auto index = open_index(dir.path);
    const auto all = uids(*index->state());
    REQUIRE(all.size() == children * per_child);
    for (std::size_t i = 0; i < all.size(); ++i)
        CHECK(all[i] == i + 1);
}
