// tests/unit/delivery/test_journaled_store.cpp - stores under a hand-off record after a kill -9
// (docs/mta.md, "Crashes"): each test stores through a StoreJournal, puts the disk back in the
// state a crash at one point would have left (intent written but no rename; rename done but
// no done line; mbox append done, torn, or not begun), then retries with a fresh record read
// from disk, as the next attempt after a restart does, and counts the copies: always one.
#include "delivery/actions/journaled_store.hpp"
#include "mailstore/mbox/mbox_journal.hpp"
#include "tests/unit/result_printer.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

using namespace mailroom::delivery;
namespace fs = std::filesystem;
namespace lmtp = mailroom::delivery::lmtp;
namespace mailstore = mailroom::mailstore;

namespace {

const lmtp::Handoff handoff{"0123456789AB", "0123456789ABCDEF"};
const std::string rich = "rich@example.com";
const mailroom::core::Logger log("test");

struct Scratch {
    TempDir dir;
    fs::path queue = dir.path / "queue";
    fs::path maildir = dir.path / "Maildir";
    fs::path mbox = dir.path / "mbox";
    Scratch() { fs::create_directories(queue / "handoff"); }
};

std::vector<fs::path> files_in(const fs::path& dir)
{
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        files.push_back(entry.path());
    return files;
}

std::size_t copies_in_maildir(const fs::path& dir)
{
    return files_in(dir / "new").size() + files_in(dir / "cur").size();
}

std::size_t copies_in_mbox(const fs::path& file)
{
    const std::string text = read_file(file);
    std::size_t n = text.starts_with("From ") ? 1 : 0;
    for (std::size_t at = text.find("\nFrom "); at != std::string::npos; at = text.find("\nFrom ", at + 1))
        ++n;
    return n;
}

mailstore::MboxDeliveryOptions mbox_options()
{
    mailstore::MboxDeliveryOptions options;
    options.envelope_sender = "ann@example.org";
    options.arrival_time = 1795766400;
    return options;
}

// One delivery attempt of the message to rich, reading the record as it is on disk now.
mailstore::Result<mailstore::FolderDelivery> attempt_maildir(const Scratch& s, std::string_view copy)
{
    lmtp::HandoffRecord record(s.queue, handoff);
    StoreJournal journal(record, rich, log);
    return journal.maildir(s.maildir, copy);
}

mailstore::Result<mailstore::FolderDelivery> attempt_mbox(const Scratch& s, std::string_view copy)
{
    lmtp::HandoffRecord record(s.queue, handoff);
    StoreJournal journal(record, rich, log);
    return journal.mbox(s.mbox, copy, mbox_options());
}

}  // namespace

TEST_CASE("a Maildir store writes its intent, naming the file that lands in new/")
{
    Scratch s;
    auto stored = attempt_maildir(s, "Subject: one\n\nbody\n");
    REQUIRE(stored);
    const lmtp::HandoffRecord record(s.queue, handoff);
    const auto intent = record.intent(rich, 1, s.maildir.string());
    REQUIRE(intent);
    CHECK(intent->kind == lmtp::StoreIntent::Kind::maildir);
    CHECK(s.maildir / intent->new_name == stored->path);
    CHECK(fs::exists(stored->path));
    CHECK(!fs::exists(s.maildir / intent->tmp_name));
    CHECK(!record.done(rich));   // the done line is the session's, after the whole recipient
}

TEST_CASE("crash after the intent, before the rename: the retry finishes the rename instead of storing again")
{
    Scratch s;
    auto stored = attempt_maildir(s, "Subject: first attempt\n\nbody\n");
    REQUIRE(stored);
    const auto intent = lmtp::HandoffRecord(s.queue, handoff).intent(rich, 1, s.maildir.string());
    REQUIRE(intent);
    fs::rename(stored->path, s.maildir / intent->tmp_name);   // the rename had not happened
    REQUIRE(copies_in_maildir(s.maildir) == 0);

    auto retried = attempt_maildir(s, "Subject: second attempt\n\nbody\n");
    REQUIRE(retried);
    CHECK(copies_in_maildir(s.maildir) == 1);
    CHECK(files_in(s.maildir / "tmp").empty());
    CHECK(read_file(stored->path) == "Subject: first attempt\n\nbody\n");
}

TEST_CASE("crash after the rename, before the done line: the retry stores nothing, even when the user moved the copy")
{
    Scratch s;
    auto stored = attempt_maildir(s, "Subject: x\n\nbody\n");
    REQUIRE(stored);
    SUBCASE("still in new/") {}
    SUBCASE("read and moved to cur/ since") { fs::rename(stored->path, s.maildir / "cur" / (stored->path.filename().string() + ":2,S")); }
    SUBCASE("deleted since")
    {
        fs::remove(stored->path);
        REQUIRE(copies_in_maildir(s.maildir) == 0);
    }
    const std::size_t before = copies_in_maildir(s.maildir);
    auto retried = attempt_maildir(s, "Subject: x\n\nbody\n");
    REQUIRE(retried);
    CHECK(copies_in_maildir(s.maildir) == before);
    CHECK(files_in(s.maildir / "tmp").empty());
}

TEST_CASE("a store mailstore undid (cancel line) is made again on the retry")
{
    Scratch s;
    fs::create_directories(s.maildir);
    {
        lmtp::HandoffRecord record(s.queue, handoff);
        lmtp::StoreIntent intent;
        intent.ordinal = 1;
        intent.target = s.maildir.string();
        intent.tmp_name = "tmp/gone";
        intent.new_name = "new/gone,S=1";
        record.record_intent(rich, intent);   // then the directory fsync failed: the copy went
        record.record_cancel(rich, 1, s.maildir.string());
    }
    auto retried = attempt_maildir(s, "Subject: x\n\nbody\n");
    REQUIRE(retried);
    CHECK(copies_in_maildir(s.maildir) == 1);
}

TEST_CASE("several stores of one recipient: those committed before the crash are skipped, the rest are made")
{
    Scratch s;
    const fs::path folder = s.dir.path / "lists";
    {
        lmtp::HandoffRecord record(s.queue, handoff);
        StoreJournal journal(record, rich, log);
        REQUIRE(journal.maildir(folder, "Subject: x\n\nbody\n"));   // the filter's first folder...
        // ...and the crash, before the mbox and the INBOX
    }
    lmtp::HandoffRecord record(s.queue, handoff);
    StoreJournal journal(record, rich, log);
    CHECK(journal.next_is_recorded(folder));
    REQUIRE(journal.maildir(folder, "Subject: x\n\nbody\n"));
    CHECK(!journal.next_is_recorded(s.mbox));
    REQUIRE(journal.mbox(s.mbox, "Subject: x\n\nbody\n", mbox_options()));
    REQUIRE(journal.maildir(s.maildir, "Subject: x\n\nbody\n"));
    CHECK(copies_in_maildir(folder) == 1);
    CHECK(copies_in_mbox(s.mbox) == 1);
    CHECK(copies_in_maildir(s.maildir) == 1);
}

TEST_CASE("crash after an mbox append, before the done line: the bytes at the recorded offset are recognised")
{
    Scratch s;
    write_file(s.mbox, "From bo@example.org Thu Nov 26 10:00:00 2026\nSubject: older\n\nold\n\n");
    const auto original = fs::file_size(s.mbox);
    REQUIRE(attempt_mbox(s, "Subject: x\n\nbody\n"));
    const auto appended = fs::file_size(s.mbox);
    const auto intent = lmtp::HandoffRecord(s.queue, handoff).intent(rich, 1, s.mbox.string());
    REQUIRE(intent);
    CHECK(intent->kind == lmtp::StoreIntent::Kind::mbox);
    CHECK(intent->offset == original);
    CHECK(intent->length == appended - original);

    auto retried = attempt_mbox(s, "Subject: x\n\nbody\n");
    REQUIRE(retried);
    CHECK(fs::file_size(s.mbox) == appended);
    CHECK(copies_in_mbox(s.mbox) == 2);   // the older message and ours, once
}

TEST_CASE("crash in the middle of an mbox append, or before it: the retry appends one whole copy")
{
    Scratch s;
    write_file(s.mbox, "From bo@example.org Thu Nov 26 10:00:00 2026\nSubject: older\n\nold\n\n");
    const auto original = fs::file_size(s.mbox);
    REQUIRE(attempt_mbox(s, "Subject: x\n\n" + std::string(5000, 'y') + "\n"));
    const std::string whole = read_file(s.mbox);
    const std::string ours = whole.substr(original);
    SUBCASE("torn: half the bytes written")
    {
        // What mailstore leaves while it writes: its own note (mbox_journal.hpp) and part of the data.
        REQUIRE(mailstore::begin_append_journal(s.mbox, original, ours));
        REQUIRE(::truncate(s.mbox.c_str(), static_cast<off_t>(original + ours.size() / 2)) == 0);
    }
    SUBCASE("not begun: the intent line is all there is")
    {
        REQUIRE(::truncate(s.mbox.c_str(), static_cast<off_t>(original)) == 0);
    }
    auto retried = attempt_mbox(s, "Subject: x\n\n" + std::string(5000, 'y') + "\n");
    REQUIRE(retried);
    CHECK(copies_in_mbox(s.mbox) == 2);
    CHECK(fs::file_size(s.mbox) == whole.size());
    CHECK(read_file(s.mbox) == whole);
    CHECK(!mailstore::has_append_journal(s.mbox));
}

TEST_CASE("an mbox rewritten since (the copy expunged) gets the copy again rather than losing it")
{
    Scratch s;
    REQUIRE(attempt_mbox(s, "Subject: x\n\nbody\n"));
    write_file(s.mbox, "");   // the user's mail reader deleted everything
    REQUIRE(attempt_mbox(s, "Subject: x\n\nbody\n"));
    CHECK(copies_in_mbox(s.mbox) == 1);
}

TEST_CASE("without a journal the stores are mailstore's, and no record is written")
{
    Scratch s;
    REQUIRE(store_maildir(nullptr, s.maildir, "Subject: x\n\nbody\n"));
    REQUIRE(store_mbox(nullptr, s.mbox, "Subject: x\n\nbody\n", mbox_options()));
    CHECK(copies_in_maildir(s.maildir) == 1);
    CHECK(copies_in_mbox(s.mbox) == 1);
    CHECK(files_in(s.queue / "handoff").empty());
}
