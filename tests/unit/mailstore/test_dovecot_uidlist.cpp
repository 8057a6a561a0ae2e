// tests/unit/mailstore/test_dovecot_uidlist.cpp - taking over a Maildir's UIDs from the
// dovecot-uidlist Dovecot left (mailstore/maildir/dovecot_uidlist.*, MailboxIndex's import).
#include "mailstore/maildir/dovecot_uidlist.hpp"
#include "store_fixture.hpp"

using namespace mailroom::mailstore;
namespace fs = std::filesystem;

namespace {

const char* const message = "From: a@example.com\nSubject: kept\n\nbody\n";

void put(const fs::path& maildir, const std::string& relative)
{
    fs::create_directories((maildir / relative).parent_path());
    write_file(maildir / relative, message);
}

}  // namespace

TEST_CASE("dovecot-uidlist version 3: header fields in any order, extension fields, last known file names")
{
    const auto list = maildir::parse_dovecot_uidlist(
        "3 V1275660208 N25022 G3085f01b7f11094c501100008c4a11c1\n"
        "25006 :1276528487.M364837P9451.kurkku,S=1355,W=1394:2,\n"
        "25017 W2481 :1276533073.M242911P3632.kurkku:2,F\n"
        "25018 G0123 W12 S10 :1276533074.M1P1.kurkku\n",
        "dovecot-uidlist");
    REQUIRE(list);
    CHECK(list->uid_validity == 1275660208);
    CHECK(list->uid_next == 25022);
    REQUIRE(list->entries.size() == 3);
    CHECK(list->entries[0] == std::pair<Uid, std::string>(25006, "1276528487.M364837P9451.kurkku,S=1355,W=1394"));
    CHECK(list->entries[1] == std::pair<Uid, std::string>(25017, "1276533073.M242911P3632.kurkku"));
    CHECK(list->entries[2] == std::pair<Uid, std::string>(25018, "1276533074.M1P1.kurkku"));
    const auto reordered = maildir::parse_dovecot_uidlist("3 N9 G00 V77\n", "x");
    REQUIRE(reordered);
    CHECK(reordered->uid_validity == 77);
    CHECK(reordered->uid_next == 9);
}

TEST_CASE("dovecot-uidlist version 1 (Courier's format) and damaged lines")
{
    const auto list = maildir::parse_dovecot_uidlist("1 1000 5\n"
                                                     "1 1000000001.P1.host:2,S\n"
                                                     "garbage\n"
                                                     "3 1000000003.P1.host\n"
                                                     "2 1000000002.P1.host\n"   // not ascending: dropped
                                                     "9 1000000009.P1.host\n",  // beyond N: N follows it
                                                     "uidlist");
    REQUIRE(list);
    CHECK(list->uid_validity == 1000);
    CHECK(list->uid_next == 10);
    REQUIRE(list->entries.size() == 3);
    CHECK(list->entries[0].second == "1000000001.P1.host");
    CHECK(list->entries[1].first == 3);
    CHECK(list->entries[2].first == 9);

    const auto v3_without_colon = maildir::parse_dovecot_uidlist("3 V5 N2\n1 1000000001.P1.host\n", "u");
    REQUIRE(v3_without_colon);
    CHECK(v3_without_colon->entries.empty());

    const auto bad = maildir::parse_dovecot_uidlist("3 G123\n1 :a\n", "/home/u/Maildir/dovecot-uidlist");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().is(Errc::corrupt));
    CHECK(bad.error().text.find("/home/u/Maildir/dovecot-uidlist:1:") != std::string::npos);
    CHECK_FALSE(maildir::parse_dovecot_uidlist("2 V1 N1\n", "u"));
    CHECK_FALSE(maildir::parse_dovecot_uidlist("", "u"));
}

TEST_CASE("a Maildir Dovecot served keeps its UIDVALIDITY and UIDs; unlisted messages get UIDs after its next UID")
{
    StoreFixture f;
    const fs::path inbox = f.location.inbox;
    put(inbox, "cur/1600000001.M1P1.old:2,S");       // listed under its old name (flags changed since)
    put(inbox, "cur/1600000002.M2P1.old,S=41:2,RS");  // listed
    put(inbox, "new/1600000003.M3P1.old");            // delivered after Dovecot last wrote the list
    write_file(inbox / "dovecot-uidlist", "3 V1275660208 N30 G3085f01b7f11094c501100008c4a11c1\n"
                                          "7 :1600000001.M1P1.old\n"
                                          "12 W44 :1600000002.M2P1.old,S=41:2,S\n"
                                          "20 :1599999999.M9P1.expunged:2,S\n");
    const std::string dovecot_list = read_file(inbox / "dovecot-uidlist");
    {
        auto view = f.open("INBOX");
        CHECK(view->uid_validity() == 1275660208);
        REQUIRE(view->messages().size() == 3);
        CHECK(view->messages()[0].uid == 7);
        CHECK(view->messages()[0].flags == flag_seen);
        CHECK(view->messages()[1].uid == 12);
        CHECK(view->messages()[1].flags == (flag_seen | flag_answered));
        CHECK(view->messages()[2].uid == 30);
        CHECK(view->uid_next() == 31);
        CHECK(content_of(*view, 12) == message);
        CHECK(f.append("INBOX", "From: b@example.com\r\n\r\nnew\r\n") == 31);
    }
    CHECK(read_file(inbox / "dovecot-uidlist") == dovecot_list);   // Dovecot's file is left as it was

    SUBCASE("mailroom's own UID list rules from then on: a rebuilt index keeps the UIDs given since")
    {
        f.store.reset();
        fs::remove(inbox / "mailroom.index");
        fs::remove(inbox / "mailroom.index.log");
        f.reopen();
        auto view = f.open("INBOX");
        CHECK(view->uid_validity() == 1275660208);
        REQUIRE(view->messages().size() == 4);
        CHECK(view->messages()[2].uid == 30);
        CHECK(view->messages()[3].uid == 31);
    }
    SUBCASE("a dovecot-uidlist changed after mailroom took over is not read again")
    {
        f.store.reset();
        write_file(inbox / "dovecot-uidlist", "3 V99 N500\n400 :1600000001.M1P1.old\n");
        f.reopen();
        auto view = f.open("INBOX");
        CHECK(view->uid_validity() == 1275660208);
        CHECK(view->messages()[0].uid == 7);
    }
}

TEST_CASE("an unreadable dovecot-uidlist does not keep the mailbox from opening: new UIDs")
{
    StoreFixture f;
    put(f.location.inbox, "cur/1600000001.M1P1.old:2,S");
    write_file(f.location.inbox / "dovecot-uidlist", "not a uid list\n7 :1600000001.M1P1.old\n");
    auto view = f.open("INBOX");
    REQUIRE(view->messages().size() == 1);
    CHECK(view->messages()[0].uid == 1);
    CHECK(view->uid_validity() != 0);
}

TEST_CASE("an mbox Dovecot wrote keeps the UIDs of its X-IMAPbase and X-UID headers")
{
    StoreFixture f(MailFormat::mbox);
    write_file(f.location.inbox,
               "From a@example.com Mon Nov 23 10:00:00 2026\n"
               "X-IMAPbase: 1275660208 0000000040 $Forwarded\n"
               "X-UID: 10\nStatus: RO\nSubject: one\n\nbody\n\n"
               "From a@example.com Mon Nov 23 10:00:00 2026\n"
               "X-UID: 25\nSubject: two\n\nbody\n\n"
               "From a@example.com Mon Nov 23 10:00:00 2026\n"
               "X-UID: 25\nSubject: three, a repeated X-UID\n\nbody\n\n"
               "From a@example.com Mon Nov 23 10:00:00 2026\n"
               "Subject: four, without X-UID\n\nbody\n\n"
               "From a@example.com Mon Nov 23 10:00:00 2026\n"
               "X-UID: 30\nSubject: two\n\nbody\n");
    auto view = f.open("INBOX");
    CHECK(view->uid_validity() == 1275660208);
    REQUIRE(view->messages().size() == 5);
    CHECK(view->messages()[0].uid == 10);
    CHECK(view->messages()[0].flags == flag_seen);
    std::vector<Uid> uids;
    for (const auto& m : view->messages())
        uids.push_back(m.uid);
    CHECK(uids == std::vector<Uid>{10, 25, 30, 40, 41});
    // The third's X-UID did not ascend and the fourth had none: new UIDs from uidnext on. The
    // fifth is identical to the second but for its place in the file: keyed apart, its own UID.
    CHECK(content_of(*view, 40).starts_with("Subject: three"));
    CHECK(content_of(*view, 41).starts_with("Subject: four"));
    CHECK(content_of(*view, 30) == "Subject: two\n\nbody\n");
    CHECK(content_of(*view, 10) == "Subject: one\n\nbody\n");
}

TEST_CASE("an mbox without X-IMAPbase in its first message gets UIDs of its own")
{
    StoreFixture f(MailFormat::mbox);
    write_file(f.location.inbox, "From a@example.com Mon Nov 23 10:00:00 2026\nX-UID: 10\nSubject: one\n\nbody\n");
    auto view = f.open("INBOX");
    REQUIRE(view->messages().size() == 1);
    CHECK(view->messages()[0].uid == 1);
}
