// tests/unit/core/test_users.cpp - Dovecot passwd-file users, reload on change, case rules,
// the system database, and the authenticator (core/auth).
#include "core/auth/authenticator.hpp"
#include "core/auth/passwd_file.hpp"
#include "core/auth/system_users.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace mailroom::core;
namespace fs = std::filesystem;

TEST_CASE("passwd-file lines in Dovecot's format")
{
    const auto parsed = parse_passwd_file(
        "# users\n"
        "ann:{PLAIN}secret:1001:1001:Ann Example:/home/ann:/bin/sh\n"
        "Bob@Example.NET:{PLAIN}pw::::::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=1G nologin\n"
        "\n"
        "short:{PLAIN}x\n"
        "badid:{PLAIN}x:notanumber:1\n"
        ":{PLAIN}x\n"
        "ann:{PLAIN}again\n"
        "relhome:x:1:1::home/rel:\n",
        "users", false);
    CHECK(parsed.users.size() == 3);
    const User& ann = parsed.users.at("ann");
    CHECK(ann.uid == 1001u);
    CHECK(ann.gid == 1001u);
    CHECK(ann.gecos == "Ann Example");
    CHECK(ann.home == "/home/ann");
    CHECK(ann.shell == "/bin/sh");
    CHECK(ann.domain.empty());
    const User& bob = parsed.users.at("bob@example.net");
    CHECK(bob.local_part == "bob");
    CHECK(bob.domain == "example.net");
    CHECK_FALSE(bob.uid);
    REQUIRE(bob.extra_field("mail"));
    CHECK(*bob.extra_field("mail") == "maildir:~/Maildir");
    CHECK(*bob.extra_field("quota_rule") == "*:storage=1G");
    CHECK(bob.extra.contains("nologin"));
    CHECK(parsed.users.contains("short"));
    REQUIRE(parsed.errors.size() == 4);
    CHECK(parsed.errors[0] == "users:6: bad uid \"notanumber\"");
    CHECK(parsed.errors[1] == "users:7: empty user name");
    CHECK(parsed.errors[2] == "users:8: duplicate user \"ann\" (the first entry is used)");
    CHECK(parsed.errors[3] == "users:9: home directory \"home/rel\" is not an absolute path");
}

TEST_CASE("lookups fold case in the domain and, by default, the local part")
{
    TempDir dir;
    write_file(dir.path / "users", "Ann@Example.Net:{PLAIN}x\n");
    PasswdFile folding((dir.path / "users").string(), {false});
    CHECK(folding.lookup("ANN@EXAMPLE.NET").status == UserLookup::Status::found);
    CHECK(folding.lookup("ann@example.net").user->name == "ann@example.net");
    PasswdFile exact((dir.path / "users").string(), {true});
    CHECK(exact.lookup("Ann@EXAMPLE.net").status == UserLookup::Status::found);
    CHECK(exact.lookup("ann@example.net").status == UserLookup::Status::not_found);
}

TEST_CASE("the users file is re-read when it changes, and a missing file is a temporary failure")
{
    TempDir dir;
    const auto path = dir.path / "users";
    PasswdFile users(path.string(), {});
    CHECK(users.lookup("ann").status == UserLookup::Status::temporary_failure);
    write_file(path, "ann:{PLAIN}one\n");
    CHECK(users.lookup("ann").user->password == "{PLAIN}one");
    write_file(dir.path / "users.new", "ann:{PLAIN}two\ncarl:{PLAIN}three\n");
    fs::rename(dir.path / "users.new", path);   // the way admins and tools replace it
    CHECK(users.lookup("ann").user->password == "{PLAIN}two");
    CHECK(users.lookup("carl").status == UserLookup::Status::found);
}

TEST_CASE("the system database finds root and refuses names with a domain")
{
    SystemUsers system({});
    const auto root = system.lookup("root");
    REQUIRE(root.status == UserLookup::Status::found);
    CHECK(root.user->uid == 0u);
    CHECK(root.user->system_account);
    CHECK(system.lookup("root@example.com").status == UserLookup::Status::not_found);
    CHECK(system.lookup("no-such-user-here").status == UserLookup::Status::not_found);
}

TEST_CASE("user_database values")
{
    std::string error;
    CHECK(open_user_database("system", {}, error));
    CHECK(open_user_database("passwd-file:/etc/x", {}, error)->description() == "passwd-file:/etc/x");
    CHECK_FALSE(open_user_database("passwd-file:relative", {}, error));
    CHECK(error.find("absolute path") != std::string::npos);
    CHECK_FALSE(open_user_database("ldap:whatever", {}, error));
    CHECK(error.find("unknown user database") != std::string::npos);
}

TEST_CASE("the authenticator checks passwords and delays failures")
{
    TempDir dir;
    write_file(dir.path / "users", "ann:{PLAIN}secret\nnol:{PLAIN}secret::::::nologin\n");
    PasswdFile users((dir.path / "users").string(), {});
    LoginThrottle throttle(std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
    Authenticator auth(users, throttle);
    auto ok = auth.authenticate("ANN", "secret", "", "192.0.2.1");
    CHECK(ok.status == AuthResult::Status::ok);
    CHECK(ok.user->name == "ann");
    auto wrong = auth.authenticate("ann", "guess", "", "192.0.2.1");
    CHECK(wrong.status == AuthResult::Status::failed);
    CHECK(wrong.reason == "password mismatch");
    CHECK(wrong.delay == std::chrono::milliseconds(100));
    CHECK(auth.authenticate("nobody", "x", "", "192.0.2.1").delay == std::chrono::milliseconds(200));
    CHECK(auth.authenticate("nobody", "x", "", "192.0.2.1").reason == "unknown user");
    CHECK(auth.authenticate("nol", "secret", "", "192.0.2.2").reason == "login disabled (nologin)");
    CHECK(auth.authenticate("ann", "secret", "root", "192.0.2.3").status == AuthResult::Status::failed);
    CHECK(auth.authenticate("ann", "secret", "ann", "192.0.2.3").status == AuthResult::Status::ok);

    // A caller-supplied comparison (APOP's digest), with the same rules and delays.
    const CredentialCheck clear_text_only = [](const User& user) {
        return user.password == "{PLAIN}secret" ? PasswordCheck::match : PasswordCheck::unsupported_scheme;
    };
    CHECK(auth.authenticate("ann", clear_text_only, "", "192.0.2.4").status == AuthResult::Status::ok);
    CHECK(auth.authenticate("nol", clear_text_only, "", "192.0.2.4").reason == "login disabled (nologin)");
    CHECK(auth.authenticate("nobody", clear_text_only, "", "192.0.2.4").reason == "unknown user");
    const CredentialCheck never = [](const User&) { return PasswordCheck::mismatch; };
    CHECK(auth.authenticate("ann", never, "", "192.0.2.4").reason == "password mismatch");
}

TEST_CASE("the login throttle doubles per failure, caps, forgets on success, and stays bounded")
{
    LoginThrottle throttle(std::chrono::milliseconds(10), std::chrono::milliseconds(50), 3);
    const auto now = LoginThrottle::Clock::now();
    CHECK(throttle.record_failure("a", now) == std::chrono::milliseconds(10));
    CHECK(throttle.record_failure("a", now) == std::chrono::milliseconds(20));
    CHECK(throttle.record_failure("a", now) == std::chrono::milliseconds(40));
    CHECK(throttle.record_failure("a", now) == std::chrono::milliseconds(50));
    CHECK(throttle.record_failure("a", now + std::chrono::seconds(10)) == std::chrono::milliseconds(10));
    throttle.record_success("a");
    CHECK(throttle.record_failure("a", now) == std::chrono::milliseconds(10));
    for (int i = 0; i < 10; ++i)
        throttle.record_failure("client" + std::to_string(i), now);
    CHECK(throttle.tracked() <= 3);
}
