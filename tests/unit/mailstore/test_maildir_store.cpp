// tests/unit/mailstore/test_maildir_store.cpp - the store API over Maildir: append, flags in
// file names, keywords in dovecot-keywords, other programs' changes, \Recent, expunge, copy,
// move, cache, folders and rebuilt indexes (mailstore/*, mailstore/maildir).
#include "mailstore/folder_delivery.hpp"
#include "mailstore/maildir/maildir_filename.hpp"
#include "store_fixture.hpp"

#include <dirent.h>

#include <atomic>
#include <fstream>
#include <latch>
#include <mutex>
#include <thread>

using namespace mailroom::mailstore;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

const char* const message_a = "From: a@example.com\r\nSubject: one\r\n\r\nbody one\r\n";
const char* const message_b = "From: b@example.com\r\nSubject: two\r\n\r\nbody two\r\n";

}  // namespace

TEST_CASE("appended messages get ascending UIDs, LF line ends and sizes in the file name")
{
    StoreFixture f;
    CHECK(f.append("INBOX", message_a) == 1);
    CHECK(f.append("inbox", message_b, flag_seen) == 2);
    auto view = f.open("INBOX");
    REQUIRE(view->messages().size() == 2);
    const auto& first = view->messages()[0];
    CHECK(content_of(*view, 1) == "From: a@example.com\nSubject: one\n\nbody one\n");
    CHECK(first.size == 43);
    CHECK(first.virtual_size == std::string_view(message_a).size());
    CHECK(first.internal_date == 1700000000);
    CHECK(view->messages()[1].flags == flag_seen);
    // Looked up by key: file names do not sort in delivery order (unpadded microseconds).
    REQUIRE(files_in(f.location.inbox / "cur").size() == 2);
    const std::string first_key = view->message_key(1), second_key = view->message_key(2);
    CHECK(first_key.ends_with(",S=43,W=" + std::to_string(std::string_view(message_a).size())));
    CHECK(fs::exists(f.location.inbox / "cur" / (first_key + ":2,")));
    CHECK(fs::exists(f.location.inbox / "cur" / (second_key + ":2,S")));
    CHECK(files_in(f.location.inbox / "tmp").empty());
    CHECK(view->uid_next() == 3);
}

TEST_CASE("flags and keywords go into the file names; other views see the change at sync")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    auto first = f.open("INBOX");
    auto second = f.open("INBOX");
    const Uid uid = 1;
    FlagChange change{FlagChange::Mode::add, flag_flagged | flag_answered, {"$Forwarded", "Work"}};
    auto result = first->update_flags(std::span(&uid, 1), change);
    REQUIRE(result);
    CHECK(result->changed == std::vector<Uid>{1});
    CHECK(first->messages()[0].flags == (flag_flagged | flag_answered));
    CHECK(first->keyword_names() == std::vector<std::string>{"$Forwarded", "Work"});
    CHECK(files_in(f.location.inbox / "cur")[0].ends_with(":2,FRab"));
    CHECK(read_file(f.location.inbox / "dovecot-keywords") == "0 $Forwarded\n1 Work\n");
    CHECK(second->messages()[0].flags == 0);   // not until it syncs
    auto changes = second->sync();
    REQUIRE(changes);
    CHECK(changes->flags_changed == std::vector<Uid>{1});
    CHECK(changes->keywords_changed);
    CHECK(second->messages()[0].keywords == 3);
    CHECK(second->messages()[0].modseq == first->messages()[0].modseq);

    change = {FlagChange::Mode::remove, flag_answered, {"work"}};   // keywords match case-insensitively
    REQUIRE(first->update_flags(std::span(&uid, 1), change));
    CHECK(files_in(f.location.inbox / "cur")[0].ends_with(":2,Fa"));
    change = {FlagChange::Mode::replace, flag_seen, {}};
    REQUIRE(first->update_flags(std::span(&uid, 1), change));
    CHECK(files_in(f.location.inbox / "cur")[0].ends_with(":2,S"));
}

TEST_CASE("CONDSTORE: UNCHANGEDSINCE refuses messages changed since")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    f.append("INBOX", message_b);
    auto view = f.open("INBOX");
    const ModSeq before = view->messages()[1].modseq;
    const Uid second = 2;
    REQUIRE(view->update_flags(std::span(&second, 1), {FlagChange::Mode::add, flag_seen, {}}));
    const Uid both[] = {1, 2};
    auto result = view->update_flags(both, {FlagChange::Mode::add, flag_flagged, {}}, before);
    REQUIRE(result);
    CHECK(result->conflicted == std::vector<Uid>{2});
    CHECK(result->changed == std::vector<Uid>{1});
}

TEST_CASE("other programs' deliveries, renames and deletions are picked up without renumbering")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    f.append("INBOX", message_b);
    auto view = f.open("INBOX");
    REQUIRE(deliver_to_maildir(f.location.inbox, "Subject: procmail\n\nhi\n", {}));
    const auto delivered = sync_until(*view, [](MailboxView& v) { return v.find(3) != nullptr; });
    CHECK(delivered.added == std::vector<Uid>{3});
    CHECK(delivered.recent == std::vector<Uid>{3});
    CHECK(view->is_recent(3));
    CHECK(files_in(f.location.inbox / "new").empty());   // a read-write view moves new/ to cur/
    CHECK(content_of(*view, 3) == "Subject: procmail\n\nhi\n");

    // mutt marks message 1 read and deletes message 2 behind our back. (File names do not sort
    // in delivery order: the microseconds in them are not zero-padded.)
    const auto file_of = [&](Uid uid) {
        for (const auto& name : files_in(f.location.inbox / "cur"))
            if (name.starts_with(view->message_key(uid) + ":"))
                return f.location.inbox / "cur" / name;
        FAIL("no file for UID " << uid);
        return fs::path();
    };
    fs::rename(file_of(1), f.location.inbox / "cur" / (view->message_key(1) + ":2,S"));
    fs::remove(file_of(2));
    const auto changes =
        sync_until(*view, [](MailboxView& v) { return !v.find(2) && v.find(1) && v.find(1)->flags == flag_seen; });
    CHECK(changes.expunged == std::vector<Uid>{2});
    CHECK(changes.flags_changed == std::vector<Uid>{1});
    CHECK(view->find(1)->flags == flag_seen);
    CHECK(uids_of(*view) == std::vector<Uid>{1, 3});
}

TEST_CASE("new mail gets UIDs in delivery order, also when the microseconds gain a digit")
{
    using mailroom::mailstore::maildir::delivered_before;
    CHECK(delivered_before("1764215630.M99999P7.host", "1764215630.M100000P7.host"));
    CHECK_FALSE(delivered_before("1764215630.M100000P7.host", "1764215630.M99999P7.host"));
    CHECK(delivered_before("1764215630.M999999P7.host", "1764215631.M5P7.host"));
    CHECK(delivered_before("1764215630.M5P7.a", "1764215630.M5P7.b"));   // same time: the names
    CHECK(delivered_before("1764215630.12345_1.host", "1764215631.1_1.host"));   // other forms: seconds
    CHECK(delivered_before("abc", "abd"));

    StoreFixture f;
    f.append("INBOX", message_a);
    // Another program's deliveries within one second, written in this order.
    for (const char* name : {"1764215630.M99999P7.other", "1764215630.M100000P7.other", "1764215630.M100001P7.other"})
        std::ofstream(f.location.inbox / "new" / name) << "Subject: " << name << "\n\nhi\n";
    auto view = f.open("INBOX");
    REQUIRE(uids_of(*view) == std::vector<Uid>{1, 2, 3, 4});
    CHECK(view->message_key(2) == "1764215630.M99999P7.other");
    CHECK(view->message_key(3) == "1764215630.M100000P7.other");
    CHECK(view->message_key(4) == "1764215630.M100001P7.other");
}

TEST_CASE("\\Recent goes to exactly one read-write session; read-only ones never claim it")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    auto examine = f.open("INBOX", true);
    CHECK_FALSE(examine->is_recent(1));
    auto select = f.open("INBOX");
    CHECK(select->is_recent(1));
    auto second = f.open("INBOX");
    CHECK_FALSE(second->is_recent(1));
    REQUIRE(deliver_to_maildir(f.location.inbox, "Subject: new\n\nx\n", {}));
    sync_until(*second, [](MailboxView& v) { return v.find(2) != nullptr; });   // once inotify told
    REQUIRE(select->sync());
    CHECK(second->is_recent(2));
    CHECK_FALSE(select->is_recent(2));
    CHECK(f.store->status("INBOX")->recent == 0);
}

TEST_CASE("expunge removes \\Deleted messages and their files; UIDs are not reused")
{
    StoreFixture f;
    f.append("INBOX", message_a, flag_deleted);
    f.append("INBOX", message_b);
    f.append("INBOX", message_a, flag_deleted);
    auto view = f.open("INBOX");
    auto other = f.open("INBOX");
    const Uid only = 3;
    auto expunged = view->expunge(std::span(&only, 1));
    REQUIRE(expunged);
    CHECK(*expunged == std::vector<Uid>{3});
    expunged = view->expunge();
    REQUIRE(expunged);
    CHECK(*expunged == std::vector<Uid>{1});
    CHECK(uids_of(*view) == std::vector<Uid>{2});
    CHECK(files_in(f.location.inbox / "cur").size() == 1);
    auto changes = other->sync();
    CHECK(changes->expunged == std::vector<Uid>{1, 3});
    CHECK(f.append("INBOX", message_a) == 4);
    const auto status = f.store->status("INBOX");
    REQUIRE(status);
    CHECK(status->messages == 2);
    CHECK(status->uid_next == 5);
    CHECK(status->unseen == 2);
}

TEST_CASE("copy links files and keeps flags and keywords; move also removes the originals")
{
    StoreFixture f;
    REQUIRE(f.store->create("Archive"));
    REQUIRE(f.store->create("Lists/boost"));
    f.append("INBOX", message_a, flag_seen, {"Work"});
    f.append("INBOX", message_b, flag_flagged);
    auto inbox = f.open("INBOX");
    const Uid both[] = {2, 1};
    auto copied = f.store->copy(*inbox, both, "Archive", false);
    REQUIRE(copied);
    CHECK(copied->source_uids == std::vector<Uid>{1, 2});
    CHECK(copied->target_uids == std::vector<Uid>{1, 2});
    auto archive = f.open("Archive");
    CHECK(archive->messages()[0].flags == flag_seen);
    CHECK(archive->keyword_names() == std::vector<std::string>{"Work"});
    CHECK(content_of(*archive, 2) == content_of(*inbox, 2));
    const Uid one = 1;
    auto moved = f.store->copy(*inbox, std::span(&one, 1), "Lists/boost", true);
    REQUIRE(moved);
    CHECK(uids_of(*inbox) == std::vector<Uid>{2});
    CHECK(uids_of(*f.open("Lists/boost")) == std::vector<Uid>{1});
    auto missing = f.store->copy(*inbox, std::span(&one, 1), "Nowhere", false);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().is(Errc::not_found));
}

TEST_CASE("folders: create, list with parents and special use, subscribe, rename with children, delete")
{
    StoreOptions options;
    options.auto_create = {"Sent", "Trash"};
    StoreFixture f(MailFormat::maildir, options);
    REQUIRE(f.store->create("Lists/boost/dev"));
    REQUIRE(f.store->create("Work"));
    CHECK(f.store->create("Work").error().is(Errc::already_exists));
    CHECK(f.store->create("INBOX").error().is(Errc::already_exists));
    CHECK(f.store->create("a.b").error().is(Errc::invalid_name));
    CHECK(f.store->create("../escape").error().is(Errc::invalid_name));
    auto listed = f.store->list();
    REQUIRE(listed);
    std::vector<std::string> names;
    for (const auto& e : *listed)
        names.push_back(e.name + (e.selectable ? "" : "!") + (e.has_children ? "+" : "") + (e.subscribed ? "*" : "") +
                        e.special_use);
    CHECK(names == std::vector<std::string>{"INBOX", "Lists!+", "Lists/boost!+", "Lists/boost/dev", "Sent*\\Sent",
                                            "Trash*\\Trash", "Work"});
    CHECK(fs::exists(f.location.inbox / ".Lists.boost.dev" / "maildirfolder"));

    f.append("Work", message_a);
    REQUIRE(f.store->rename("Lists", "Old/Lists"));
    CHECK(fs::exists(f.location.inbox / ".Old.Lists.boost.dev"));
    REQUIRE(f.store->rename("Work", "Done"));
    CHECK(content_of(*f.open("Done"), 1).starts_with("From: a@"));
    CHECK(f.store->remove("Old/Lists/boost").error().is(Errc::has_children));
    REQUIRE(f.store->remove("Old/Lists/boost/dev"));
    CHECK(f.store->remove("Old/Lists/boost").error().is(Errc::not_found));   // only ever a parent name
    CHECK(f.store->remove("INBOX").error().is(Errc::no_permission));
    REQUIRE(f.store->set_subscribed("Done", true));
    REQUIRE(f.store->set_subscribed("Sent", false));
    listed = f.store->list();
    for (const auto& e : *listed) {
        if (e.name == "Done")
            CHECK(e.subscribed);
        if (e.name == "Sent")
            CHECK_FALSE(e.subscribed);
    }
    REQUIRE(f.store->create("Parent/Child"));
    REQUIRE(f.store->create("Parent"));
    CHECK(f.store->remove("Parent").error().is(Errc::has_children));
}

TEST_CASE("renaming INBOX moves its messages and leaves it empty")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    f.append("INBOX", message_b);
    REQUIRE(f.store->rename("INBOX", "Old Inbox"));
    CHECK(f.open("INBOX")->messages().empty());
    CHECK(uids_of(*f.open("Old Inbox")) == std::vector<Uid>{1, 2});
}

TEST_CASE("the cache is shared by views and kept on disk")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    {
        auto view = f.open("INBOX");
        CHECK_FALSE(view->cached(1, "imap.envelope"));
        view->cache(1, "imap.envelope", "(\"date\" \"one\")");
        CHECK(f.open("INBOX")->cached(1, "imap.envelope") == "(\"date\" \"one\")");
    }
    f.reopen();
    CHECK(f.open("INBOX")->cached(1, "imap.envelope") == "(\"date\" \"one\")");
}

TEST_CASE("a deleted index is rebuilt with the same UIDs, flags from the file names")
{
    StoreFixture f;
    f.append("INBOX", message_a);
    f.append("INBOX", message_b, flag_seen);
    f.append("INBOX", message_a);
    {
        auto view = f.open("INBOX");
        const Uid two = 2;
        REQUIRE(view->update_flags(std::span(&two, 1), {FlagChange::Mode::add, flag_deleted, {}}));
        REQUIRE(view->expunge());
    }
    auto before = uids_of(*f.open("INBOX"));
    for (const char* name : {"mailroom.index", "mailroom.index.log", "mailroom.index.cache"})
        fs::remove(f.location.inbox / name);
    f.reopen();
    auto view = f.open("INBOX");
    CHECK(uids_of(*view) == before);
    CHECK(f.append("INBOX", message_b) == 4);
}

TEST_CASE("virtual sizes of messages delivered without W= are computed once")
{
    StoreFixture f;
    fs::create_directories(f.location.inbox / "new");
    write_file(f.location.inbox / "new" / "1700000000.plain.host", "Subject: x\n\nline\nline\n");
    auto view = f.open("INBOX");
    CHECK(view->messages()[0].virtual_size == 0);
    CHECK(view->virtual_size(1).value() == 22 + 4);
    view.reset();
    f.reopen();
    CHECK(f.open("INBOX")->messages()[0].virtual_size == 26);
}

TEST_CASE("virtual sizes count each bare LF once, across the 64 KiB reads too")
{
    StoreFixture f;
    fs::create_directories(f.location.inbox / "new");
    // A CRLF split by the read boundary (65536), then a bare LF right after another one.
    const std::string split = "Subject: x\n\n" + std::string(65536 - 12 - 1, 'a') + "\r\nb\n\n";
    const std::string lf_first = "Subject: y\n\n" + std::string(65536 - 12, 'a') + "\nc\r\n";
    REQUIRE(split.substr(65535, 2) == "\r\n");
    REQUIRE(lf_first.substr(65535, 2) == "a\n");
    write_file(f.location.inbox / "new" / "1700000000.split.host", split);
    write_file(f.location.inbox / "new" / "1700000001.lf.host", lf_first);
    auto view = f.open("INBOX");
    REQUIRE(view->messages().size() == 2);
    for (const auto& record : view->messages()) {
        const std::string content = content_of(*view, record.uid);
        CAPTURE(content.substr(0, 10));
        // split: the header's two bare LFs, b's and the last; lf_first: the header's two and c's.
        CHECK(view->virtual_size(record.uid).value() == content.size() + (content == split ? 4 : 3));
    }
}

TEST_CASE("subscribers hear of changes; the POP3 claim is exclusive")
{
    StoreFixture f;
    auto watcher = f.open("INBOX");
    std::atomic<int> calls{0};
    watcher->subscribe([&] { ++calls; });
    f.append("INBOX", message_a);
    CHECK(calls > 0);
    auto claim = watcher->claim_exclusive();
    REQUIRE(claim);
    auto again = f.open("INBOX")->claim_exclusive();
    REQUIRE_FALSE(again);
    CHECK(again.error().is(Errc::in_use));
    claim->reset();
    CHECK(f.open("INBOX")->claim_exclusive());
}

TEST_CASE("a watched Maildir is looked at again only when inotify reports a change")
{
    StoreFixture f;
    auto view = f.open("INBOX");
    REQUIRE(view->watched());
    const auto log = f.location.inbox / "mailroom.index.log";
    auto sync_until = [&](std::size_t count) {
        for (int i = 0; i < 200 && view->messages().size() < count; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            REQUIRE(view->sync());
        }
        REQUIRE(view->messages().size() == count);
    };
    write_file(f.location.inbox / "new" / "1700000000.external.host", "Subject: x\n\nfrom procmail\n");
    sync_until(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));   // the events of new/ -> cur/
    REQUIRE(view->sync());
    const auto log_size = fs::file_size(log);
    // Within seconds of a directory change its mtime cannot be trusted; without inotify every
    // sync would rescan then, and record the scan in the index, waking every IDLE session.
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(view->sync());
    }
    CHECK(fs::file_size(log) == log_size);
    write_file(f.location.inbox / "new" / "1700000001.external.host", "Subject: y\n\nagain\n");
    sync_until(2);
}

TEST_CASE("sessions opening a new mailbox at the same moment all succeed")
{
    StoreFixture f;
    StoreOptions options;
    options.lock_timeout = std::chrono::milliseconds(5000);
    constexpr int sessions = 16;
    std::latch start(sessions);
    std::mutex mutex;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < sessions; ++i)
        threads.emplace_back([&] {
            auto store = open_user_store(f.location, options);
            start.arrive_and_wait();
            auto view = store ? (*store)->open("INBOX", false) : Result<std::unique_ptr<MailboxView>>(store.error());
            if (!view) {
                std::lock_guard lock(mutex);
                errors.push_back(view.error().text);
            }
        });
    for (auto& thread : threads)
        thread.join();
    for (const auto& error : errors)
        FAIL_CHECK(error);
}

TEST_CASE("appends over quota are refused with over_quota")
{
    StoreOptions options;
    options.quota.storage_bytes = 100;
    StoreFixture f(MailFormat::maildir, options);
    f.append("INBOX", message_a);
    AppendOptions append;
    auto saver = f.store->begin_append("INBOX", append);
    REQUIRE(saver);
    REQUIRE((*saver)->write(std::string(200, 'x')));
    auto result = (*saver)->commit();
    REQUIRE_FALSE(result);
    CHECK(result.error().is(Errc::over_quota));
    saver->reset();
    CHECK(files_in(f.location.inbox / "tmp").empty());
}
