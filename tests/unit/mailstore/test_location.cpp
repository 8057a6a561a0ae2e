// tests/unit/mailstore/test_location.cpp - where a user's mail lives (home_mailbox,
// mail_spool_directory, users-file mail= fields) and mailbox name rules
// (mailstore/location, mailstore/mailbox_name).
#include "core/config/core_parameters.hpp"
#include "mailstore/location.hpp"
#include "mailstore/mailbox_name.hpp"
#include "mailstore/mailstore_parameters.hpp"
#include "tests/unit/result_printer.hpp"

#include <doctest/doctest.h>

using namespace mailroom;
using mailstore::MailFormat;

namespace {

std::shared_ptr<const core::Config> config(std::string_view text)
{
    auto result = core::Config::load_text(text, "test.conf",
                                          {core::core_parameters(), mailstore::mailstore_parameters()});
    REQUIRE(result.config);
    return result.config;
}

core::User user(std::string name, std::string home, std::string mail = {})
{
    core::User u;
    u.name = name;
    const auto at = name.find('@');
    u.local_part = name.substr(0, at);
    u.domain = at == std::string::npos ? "" : name.substr(at + 1);
    u.home = std::move(home);
    u.uid = 1234;
    u.gid = 5678;
    if (!mail.empty())
        u.extra["mail"] = std::move(mail);
    return u;
}

}  // namespace

TEST_CASE("Postfix's defaults: an mbox in /var/mail, folders in ~/mail")
{
    auto location = mailstore::resolve_mail_location(user("ann", "/home/ann"), *config(""));
    REQUIRE(location);
    CHECK(location->inbox_format == MailFormat::mbox);
    CHECK(location->inbox == "/var/mail/ann");
    CHECK(location->inbox_in_spool);
    CHECK(location->folder_format == MailFormat::mbox);
    CHECK(location->folder_root == "/home/ann/mail");
    CHECK(location->index_root == "/home/ann/.mailroom");
    CHECK(location->owner.uid == 1234u);
    CHECK(location->owner.gid == 5678u);
}

TEST_CASE("home_mailbox = Maildir/ and = Mailbox; a maildir spool")
{
    auto maildir = mailstore::resolve_mail_location(user("ann", "/home/ann"), *config("home_mailbox = Maildir/\n"));
    REQUIRE(maildir);
    CHECK(maildir->inbox_format == MailFormat::maildir);
    CHECK(maildir->inbox == "/home/ann/Maildir");
    CHECK(maildir->folder_root == "/home/ann/Maildir");
    CHECK(maildir->index_root == "/home/ann/Maildir");
    CHECK(maildir->describe() == "maildir:/home/ann/Maildir");

    auto mailbox = mailstore::resolve_mail_location(user("ann", "/home/ann"), *config("home_mailbox = Mailbox\n"));
    REQUIRE(mailbox);
    CHECK(mailbox->inbox_format == MailFormat::mbox);
    CHECK(mailbox->inbox == "/home/ann/Mailbox");
    CHECK_FALSE(mailbox->inbox_in_spool);

    auto spool = mailstore::resolve_mail_location(user("ann", "/home/ann"), *config("mail_spool_directory = /var/spool/mail/\n"));
    REQUIRE(spool);
    CHECK(spool->inbox_format == MailFormat::maildir);
    CHECK(spool->inbox == "/var/spool/mail/ann");
}

TEST_CASE("mail_folders and mail_index_directory expand per user")
{
    auto location = mailstore::resolve_mail_location(
        user("bob@example.net", "/srv/bob"),
        *config("home_mailbox = Mailbox\nmail_folders = maildir:$home/Folders\n"
                "mail_index_directory = /var/lib/mailroom/index/$domain/$local\n"));
    REQUIRE(location);
    CHECK(location->inbox_format == MailFormat::mbox);
    CHECK(location->folder_format == MailFormat::maildir);
    CHECK(location->folder_root == "/srv/bob/Folders");
    CHECK(location->index_root == "/var/lib/mailroom/index/example.net/bob");
    CHECK_FALSE(mailstore::resolve_mail_location(user("x", "/h"), *config("mail_folders = imap:/x\n")));
}

TEST_CASE("Dovecot mail= fields in the users file win, with ~ and %-variables")
{
    auto maildir = mailstore::resolve_mail_location(user("bob@example.net", "/srv/bob", "maildir:~/Maildir"), *config(""));
    REQUIRE(maildir);
    CHECK(maildir->inbox == "/srv/bob/Maildir");
    auto mbox = mailstore::resolve_mail_location(
        user("bob@example.net", "/srv/bob", "mbox:~/mail:INBOX=/var/mail/%n:INDEX=/idx/%d/%n"), *config(""));
    REQUIRE(mbox);
    CHECK(mbox->inbox == "/var/mail/bob");
    CHECK(mbox->folder_root == "/srv/bob/mail");
    CHECK(mbox->index_root == "/idx/example.net/bob");
    for (const char* bad : {"sdbox:~/x", "maildir:", "mbox:~/m:WHAT=1", "maildir:relative"}) {
        CAPTURE(bad);
        auto result = mailstore::resolve_mail_location(user("bob", "/srv/bob", bad), *config(""));
        REQUIRE_FALSE(result);
        CHECK(result.error().text.find("users file entry for bob") != std::string::npos);
    }
}

TEST_CASE("virtual users without a home get virtual_home")
{
    auto location = mailstore::resolve_mail_location(user("carl@example.org", ""), *config("home_mailbox = Maildir/\n"));
    REQUIRE(location);
    CHECK(location->inbox == "/var/vmail/example.org/carl/Maildir");
}

TEST_CASE("mailbox names: canonical forms and refusals")
{
    CHECK(mailstore::canonical_mailbox_name("inbox", true).value() == "INBOX");
    CHECK(mailstore::canonical_mailbox_name("Inbox/Sub", true).value() == "INBOX/Sub");
    CHECK(mailstore::canonical_mailbox_name("Lists/boost", true).value() == "Lists/boost");
    CHECK(mailstore::canonical_mailbox_name("Entw\xc3\xbc" "rfe", true).value() == "Entw\xc3\xbc" "rfe");
    CHECK(mailstore::canonical_mailbox_name("a.b", false).value() == "a.b");
    const char* bad[] = {"", "/", "a/", "/a", "a//b", "..", "a/../b", ".", "a/./b", "x\ty", "a*", "b%", ".hidden",
                         "~user", "a\\b", "\xff\xfe"};
    for (const char* name : bad) {
        CAPTURE(name);
        auto result = mailstore::canonical_mailbox_name(name, false);
        REQUIRE_FALSE(result);
        CHECK(result.error().is(mailstore::Errc::invalid_name));
    }
    CHECK_FALSE(mailstore::canonical_mailbox_name("a.b", true));
    CHECK_FALSE(mailstore::canonical_mailbox_name(std::string(300, 'x'), true));
}

TEST_CASE("on-disk folder paths stay under the root")
{
    CHECK(mailstore::maildir_folder_path("/m", "Lists/boost") == "/m/.Lists.boost");
    CHECK(mailstore::maildir_folder_path("/m", "Entw\xc3\xbc" "rfe") == "/m/.Entw&APw-rfe");
    CHECK(mailstore::mbox_folder_path("/m", "Lists/boost") == "/m/Lists/boost");
    CHECK(mailstore::maildir_folder_name(".Lists.boost") == "Lists/boost");
    CHECK(mailstore::maildir_folder_name(".Entw&APw-rfe") == "Entw\xc3\xbc" "rfe");
    CHECK(mailstore::maildir_folder_name("..").empty());
    CHECK(mailstore::maildir_folder_name("cur").empty());
    CHECK(mailstore::maildir_folder_name(".a..b").empty());
}
