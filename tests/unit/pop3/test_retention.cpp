// tests/unit/pop3/test_retention.cpp - the server policies of RFC 2449: LOGIN-DELAY (section
// 6.5; pop3/login_delay) and EXPIRE (section 6.7; pop3/maildrop, pop3/protocol), announced in
// CAPA only when configured.
#include "core/config/core_parameters.hpp"
#include "pop3/login_delay.hpp"
#include "pop3/pop3_parameters.hpp"
#include "pop3/settings.hpp"
#include "pop3_driver.hpp"

using mailroom::pop3::LoginDelay;
using namespace mailroom::mailstore;

namespace {

const char* const one = "From: a@example.com\r\nSubject: one\r\n\r\nbody one\r\n";
const char* const two = "From: b@example.com\r\nSubject: two\r\n\r\nbody two\r\n";
constexpr std::time_t day = 86400;

std::vector<Uid> uids_in_inbox(StoreFixture& f)
{
    const auto view = f.open("INBOX", true);
    std::vector<Uid> uids;
    for (const auto& m : view->messages())
        uids.push_back(m.uid);
    return uids;
}

mailroom::pop3::ProtocolOptions expiring(unsigned days)
{
    auto options = test_options();
    options.expire_days = days;
    return options;
}

}  // namespace

TEST_CASE("LOGIN-DELAY: a user's next login is admitted only after the delay; 0 admits all")
{
    LoginDelay logins;
    const auto t0 = LoginDelay::Clock::now();
    const std::chrono::seconds delay(60);
    CHECK(logins.admit("ann", delay, t0));
    CHECK_FALSE(logins.admit("ann", delay, t0 + std::chrono::seconds(59)));
    CHECK(logins.admit("bob", delay, t0 + std::chrono::seconds(1)));
    CHECK(logins.admit("ann", delay, t0 + std::chrono::seconds(60)));
    CHECK_FALSE(logins.admit("ann", delay, t0 + std::chrono::seconds(100)));   // counted from the last admitted one
    CHECK(logins.admit("ann", std::chrono::seconds(0), t0 + std::chrono::seconds(100)));
    for (int i = 0; i < 5000; ++i)   // old records are forgotten as the map grows; recent ones are kept
        CHECK(logins.admit("user" + std::to_string(i), delay, t0 + std::chrono::seconds(200 + i / 100)));
    CHECK_FALSE(logins.admit("user4999", delay, t0 + std::chrono::seconds(250)));
    CHECK(logins.admit("ann", delay, t0 + std::chrono::seconds(250)));
}

TEST_CASE("CAPA announces LOGIN-DELAY and EXPIRE when configured; a delayed login gets [LOGIN-DELAY]")
{
    StoreFixture f;
    f.append("INBOX", one);
    auto options = expiring(0);
    options.login_delay = std::chrono::seconds(900);
    Pop3Client client(f, options);
    const std::string capa = client.send("CAPA\r\n");
    CHECK(capa.find("\r\nLOGIN-DELAY 900\r\nEXPIRE 0\r\n") != std::string::npos);

    mailroom::pop3::Protocol machine(options);
    std::size_t used = 0;
    machine.feed("USER ann\r\n", used);
    machine.take_output();
    machine.feed("PASS secret\r\n", used);
    machine.login_failed(mailroom::pop3::Protocol::LoginFailure::login_delay);
    CHECK(machine.take_output() ==
          "-ERR [LOGIN-DELAY] Logins are allowed once every 900 seconds, please try again later.\r\n");
    machine.feed("USER ann\r\n", used);   // still in the AUTHORIZATION state
    CHECK(machine.take_output() == "+OK Send the password with PASS.\r\n");
}

TEST_CASE("EXPIRE 0: what was retrieved with RETR goes at QUIT; TOP and a dropped connection remove nothing")
{
    StoreFixture f;
    f.append("INBOX", one);
    f.append("INBOX", two);
    {
        Pop3Client client(f, expiring(0));
        client.send("USER ann\r\nPASS secret\r\nRETR 1\r\n");
        client.drop();
    }
    CHECK(uids_in_inbox(f) == std::vector<Uid>{1, 2});
    Pop3Client client(f, expiring(0));
    const std::string out = client.send("USER ann\r\nPASS secret\r\nRETR 1\r\nTOP 2 0\r\nQUIT\r\n");
    CHECK(out.ends_with("+OK Logging out, 1 message deleted.\r\n"));
    CHECK(uids_in_inbox(f) == std::vector<Uid>{2});
}

TEST_CASE("EXPIRE N: a message first retrieved N days ago is no longer listed and goes at QUIT")
{
    StoreFixture f;
    f.append("INBOX", one);
    f.append("INBOX", two);
    const std::time_t start = 1800000000;
    {
        Pop3Client client(f, expiring(3));
        client.now = start;
        CHECK(client.send("USER ann\r\nPASS secret\r\nRETR 1\r\nQUIT\r\n").ends_with("+OK Logging out.\r\n"));
    }
    CHECK(uids_in_inbox(f) == std::vector<Uid>{1, 2});
    {
        // Retrieved again two days later: the retention still counts from the first RETR.
        Pop3Client client(f, expiring(3));
        client.now = start + 2 * day;
        CHECK(client.send("USER ann\r\nPASS secret\r\nRETR 1\r\nQUIT\r\n").ends_with("+OK Logging out.\r\n"));
    }
    {
        Pop3Client client(f, expiring(3));
        client.now = start + 3 * day;
        CHECK(client.send("USER ann\r\nPASS secret\r\nSTAT\r\n").ends_with("+OK 1 " + std::to_string(std::string_view(two).size()) + "\r\n"));
        client.drop();   // no QUIT: nothing is removed
    }
    CHECK(uids_in_inbox(f) == std::vector<Uid>{1, 2});
    Pop3Client client(f, expiring(3));
    client.now = start + 3 * day;
    const std::string out = client.send("USER ann\r\nPASS secret\r\nUIDL\r\nQUIT\r\n");
    CHECK(out.find("\r\n1 00000002") != std::string::npos);   // the second message, now number 1
    CHECK(out.find("\r\n2 ") == std::string::npos);
    CHECK(out.ends_with("+OK Logging out.\r\n"));
    CHECK(uids_in_inbox(f) == std::vector<Uid>{2});
}

TEST_CASE("pop3_login_delay and pop3_expire from the configuration; a bad pop3_expire names file and line")
{
    const auto settings = [](const std::string& text, std::string& error) {
        auto loaded = mailroom::core::Config::load_text(text, "main.cf",
                                                        {mailroom::core::core_parameters(), mailroom::pop3::pop3_parameters()});
        REQUIRE(loaded.config);
        return mailroom::pop3::read_settings(*loaded.config, error);
    };
    std::string error;
    auto defaults = settings("", error);
    REQUIRE(defaults);
    CHECK(defaults->login_delay.count() == 0);
    CHECK_FALSE(defaults->expire_days);
    auto set = settings("pop3_login_delay = 15m\npop3_expire = 30\n", error);
    REQUIRE(set);
    CHECK(set->login_delay.count() == 900);
    CHECK(set->expire_days == 30u);
    CHECK_FALSE(settings("myhostname = a.example\npop3_expire = soon\n", error));
    CHECK(error == "main.cf:2: pop3_expire: expected never or a number of days (0 to 36500)");
}
