// tests/unit/mailstore/test_mbox_store.cpp - the store API over mbox: messages delivered by
// others, byte-exact content with mboxrd unquoting, hidden state headers, flags written to
// Status/X-Status/X-Keywords at checkpoint, expunge rewrites, appends and folders
// (mailstore/mbox).
#include "mailstore/folder_delivery.hpp"
#include "store_fixture.hpp"

using namespace mailroom::mailstore;
namespace fs = std::filesystem;

namespace {

MboxDeliveryOptions delivery(std::string sender)
{
    MboxDeliveryOptions options;
    options.envelope_sender = std::move(sender);
    options.arrival_time = 1700000000;
    return options;
}

const std::string tricky = "Subject: quoting\nX-Plain: yes\n\nFrom the start\n>From quoted\nend";

}  // namespace

TEST_CASE("an mbox INBOX that does not exist yet is an empty mailbox")
{
    StoreFixture f(MailFormat::mbox);
    auto view = f.open("INBOX");
    CHECK(view->messages().empty());
    CHECK(f.store->status("INBOX")->messages == 0);
}

TEST_CASE("messages delivered by others are read back exactly, state headers hidden")
{
    StoreFixture f(MailFormat::mbox);
    REQUIRE(deliver_to_mbox(f.location.inbox, tricky, delivery("ann@example.com")));
    REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: two\nStatus: RO\nX-Status: F\n\nbody\n", delivery("")));
    auto view = f.open("INBOX");
    REQUIRE(view->messages().size() == 2);
    CHECK(content_of(*view, 1) == tricky + "\n");
    CHECK(view->messages()[0].size == tricky.size() + 1);
    CHECK(view->messages()[0].virtual_size == tricky.size() + 1 + 6);
    CHECK(content_of(*view, 2) == "Subject: two\n\nbody\n");
    CHECK(view->messages()[1].flags == (flag_seen | flag_flagged));
    CHECK(view->messages()[0].internal_date == 1700000000);
    // Reading a message in small pieces gives the same bytes.
    auto content = view->open_content(1);
    REQUIRE(content);
    std::string pieces;
    char buffer[3];
    for (std::uint64_t at = 0;;) {
        auto n = (*content)->read(at, buffer);
        REQUIRE(n);
        if (*n == 0)
            break;
        pieces.append(buffer, *n);
        at += *n;
    }
    CHECK(pieces == tricky + "\n");
    std::string middle(10, '\0');
    CHECK((*content)->read(30, std::span<char>(middle)).value() == 10);
    CHECK(middle == (tricky + "\n").substr(30, 10));
}

TEST_CASE("flags reach the file at checkpoint, in headers mutt and Dovecot read")
{
    StoreFixture f(MailFormat::mbox);
    REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: one\n\nbody\n", delivery("a@example.com")));
    REQUIRE(deliver_to_mbox(f.location.inbox, tricky, delivery("b@example.com")));
    auto view = f.open("INBOX");
    const Uid both[] = {1, 2};
    REQUIRE(view->update_flags(both, {FlagChange::Mode::add, flag_seen, {}}));
    const Uid one = 1;
    REQUIRE(view->update_flags(std::span(&one, 1), {FlagChange::Mode::add, flag_answered | flag_flagged, {"Work"}}));
    CHECK(read_file(f.location.inbox).find("Status:") == std::string::npos);   // not yet
    REQUIRE(view->checkpoint());
    const std::string file = read_file(f.location.inbox);
    CHECK(file.find("Subject: one\nStatus: RO\nX-Status: AF\nX-Keywords: Work\n\nbody\n\nFrom b@example.com") !=
          std::string::npos);
    CHECK(content_of(*view, 2) == tricky + "\n");   // moved in the file, same content
    CHECK(file.find(">>From quoted") != std::string::npos);
    view.reset();
    // A new session with a fresh index reads the flags back from the headers.
    fs::remove_all(f.location.index_root);
    f.reopen();
    auto again = f.open("INBOX");
    CHECK(again->messages()[0].flags == (flag_seen | flag_answered | flag_flagged));
    CHECK(again->keyword_names() == std::vector<std::string>{"Work"});
}

TEST_CASE("expunge rewrites the file and keeps everything else byte for byte")
{
    StoreFixture f(MailFormat::mbox);
    for (int i = 1; i <= 4; ++i)
        REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: " + std::to_string(i) + "\n\nFrom body " +
                                                      std::to_string(i) + "\n",
                                delivery("x@example.com")));
    auto view = f.open("INBOX");
    auto other = f.open("INBOX");
    const Uid doomed[] = {2, 4};
    REQUIRE(view->update_flags(doomed, {FlagChange::Mode::add, flag_deleted, {}}));
    auto expunged = view->expunge();
    REQUIRE(expunged);
    CHECK(*expunged == std::vector<Uid>{2, 4});
    CHECK(uids_of(*view) == std::vector<Uid>{1, 3});
    CHECK(content_of(*view, 3) == "Subject: 3\n\nFrom body 3\n");
    const std::string file = read_file(f.location.inbox);
    CHECK(file.find("Subject: 2") == std::string::npos);
    CHECK(file.find(">From body 3") != std::string::npos);
    auto changes = other->sync();
    REQUIRE(changes);
    CHECK(changes->expunged == std::vector<Uid>{2, 4});
    CHECK(content_of(*other, 1) == "Subject: 1\n\nFrom body 1\n");
    // A delivery afterwards lands after the rewritten messages.
    REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: 5\n\nfive\n", delivery("y@example.com")));
    const auto delivered = sync_until(*other, [](MailboxView& v) { return v.find(5) != nullptr; });
    CHECK(delivered.added == std::vector<Uid>{5});
    CHECK(content_of(*other, 5) == "Subject: 5\n\nfive\n");
}

TEST_CASE("appends carry their flags in the headers; the store hides them again")
{
    StoreFixture f(MailFormat::mbox);
    const Uid uid = f.append("INBOX", "Subject: appended\r\nStatus: U\r\n\r\nhello\r\n", flag_seen | flag_draft, {"$Label1"});
    CHECK(uid == 1);
    const std::string file = read_file(f.location.inbox);
    CHECK(file.starts_with("From sender@example.com "));
    CHECK(file.find("Subject: appended\nStatus: RO\nX-Status: T\nX-Keywords: $Label1\n\nhello\n\n") != std::string::npos);
    auto view = f.open("INBOX");
    CHECK(content_of(*view, 1) == "Subject: appended\n\nhello\n");
    CHECK(view->messages()[0].flags == (flag_seen | flag_draft));
    CHECK(f.append("INBOX", "Subject: second\r\n\r\nx\r\n") == 2);
}

TEST_CASE("another program rewriting Status headers changes flags, not UIDs")
{
    StoreFixture f(MailFormat::mbox);
    REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: one\n\nbody\n", delivery("a@example.com")));
    REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: two\n\nbody\n", delivery("a@example.com")));
    auto view = f.open("INBOX");
    std::string file = read_file(f.location.inbox);
    const auto at = file.find("Subject: two\n");
    file.insert(at + 13, "Status: RO\n");   // what mutt does when it marks a message read
    write_file(f.location.inbox, file);
    const auto changes = sync_until(*view, [](MailboxView& v) { return v.find(2) && v.find(2)->flags == flag_seen; });
    CHECK(changes.flags_changed == std::vector<Uid>{2});
    CHECK(changes.added.empty());
    CHECK(changes.expunged.empty());
    REQUIRE(view->find(2));
    CHECK(view->find(2)->flags == flag_seen);
}

TEST_CASE("cached data survives our own rewrites and is dropped when another program moves a message")
{
    StoreFixture f(MailFormat::mbox);
    for (const char* subject : {"one", "two", "three"})
        REQUIRE(deliver_to_mbox(f.location.inbox, std::string("Subject: ") + subject + "\n\nbody\n",
                                delivery("a@example.com")));
    auto view = f.open("INBOX");
    for (Uid uid : {1, 2, 3})
        view->cache(uid, "imap.test", "parsed " + std::to_string(uid));
    const Uid first[] = {1};
    REQUIRE(view->update_flags(first, {FlagChange::Mode::add, flag_deleted, {}}));
    REQUIRE(view->expunge());   // our rewrite moves 2 and 3 and knows their bytes are the same
    CHECK(view->cached(2, "imap.test") == "parsed 2");
    CHECK(view->cached(3, "imap.test") == "parsed 3");
    std::string file = read_file(f.location.inbox);
    const auto at = file.find("Subject: two\n");
    file.insert(at + 13, "Status: RO\n");   // mutt marks it read: 2 grows, 3 moves
    write_file(f.location.inbox, file);
    sync_until(*view, [](MailboxView& v) { return v.find(2) && v.find(2)->flags == flag_seen; });
    CHECK(uids_of(*view) == std::vector<Uid>{2, 3});
    REQUIRE(view->find(2));
    CHECK(view->find(2)->flags == flag_seen);
    CHECK_FALSE(view->cached(2, "imap.test"));   // what mutt wrote may differ from what was parsed
    CHECK_FALSE(view->cached(3, "imap.test"));
}

TEST_CASE("identical messages are told apart")
{
    StoreFixture f(MailFormat::mbox);
    for (int i = 0; i < 3; ++i)
        REQUIRE(deliver_to_mbox(f.location.inbox, "Subject: same\n\nsame\n", delivery("a@example.com")));
    auto view = f.open("INBOX");
    CHECK(uids_of(*view) == std::vector<Uid>{1, 2, 3});
    const Uid middle = 2;
    REQUIRE(view->update_flags(std::span(&middle, 1), {FlagChange::Mode::add, flag_deleted, {}}));
    REQUIRE(view->expunge());
    auto fresh = f.open("INBOX", true);
    CHECK(uids_of(*fresh) == std::vector<Uid>{1, 3});
}

TEST_CASE("mbox folders: a directory tree of files")
{
    StoreFixture f(MailFormat::mbox);
    REQUIRE(f.store->create("Lists/boost"));
    REQUIRE(f.store->create("Sent"));
    CHECK(fs::is_regular_file(f.location.folder_root / "Lists" / "boost"));
    auto listed = f.store->list();
    REQUIRE(listed);
    std::vector<std::string> names;
    for (const auto& e : *listed)
        names.push_back(e.name + (e.selectable ? "" : "!"));
    CHECK(names == std::vector<std::string>{"INBOX", "Lists!", "Lists/boost", "Sent"});
    f.append("Lists/boost", "Subject: list\r\n\r\nx\r\n");
    CHECK(content_of(*f.open("Lists/boost"), 1) == "Subject: list\n\nx\n");
    CHECK(f.store->create("Sent/child").error().text.find("cannot also have children") != std::string::npos);
    REQUIRE(f.store->rename("Lists/boost", "Archive/boost"));
    CHECK(content_of(*f.open("Archive/boost"), 1) == "Subject: list\n\nx\n");
}
