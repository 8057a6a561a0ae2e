// tests/unit/mta/test_mx_self.cpp - MX hosts that are this machine (RFC 5321 section 5.1):
// the self host and every host of equal or worse preference are dropped, with none left the
// domain bounces with 5.4.6; myhostname and names resolving to an interface address are self.
#include "mta/client/mx_self.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace mailroom::mta;

namespace {

MxResult mx(std::vector<MxHost> hosts)
{
    MxResult result;
    result.hosts = std::move(hosts);
    return result;
}

auto named(std::set<std::string> self)
{
    return [self = std::move(self)](const std::string& host) { return self.contains(host); };
}

}  // namespace

TEST_CASE("a backup MX that is this machine keeps only the better hosts")
{
    MxResult result = mx({{10, "mx1.example.org"}, {20, "me.example.org"}, {20, "mx2.example.org"}, {30, "far.example.net"}});
    drop_self_and_worse(result, "example.org", named({"me.example.org"}));
    CHECK(result.status.ok());
    REQUIRE(result.hosts.size() == 1);
    CHECK(result.hosts[0].host == "mx1.example.org");
}

TEST_CASE("no MX left: the mail loops back, a permanent 5.4.6 as Postfix's")
{
    MxResult result = mx({{10, "me.example.org"}, {20, "backup.example.net"}});
    drop_self_and_worse(result, "example.org", named({"me.example.org"}));
    CHECK(result.hosts.empty());
    CHECK(result.status.permanent());
    CHECK(result.status.enhanced == "5.4.6");
    CHECK(result.status.text == "mail for example.org loops back to myself");
}

TEST_CASE("MX lists without this machine and failed lookups are left alone")
{
    MxResult result = mx({{10, "mx1.example.org"}, {20, "mx2.example.org"}});
    drop_self_and_worse(result, "example.org", named({"me.example.org"}));
    CHECK(result.hosts.size() == 2);
    MxResult failed;
    failed.status = mailroom::core::smtp::Status::make("5.1.10", "null MX");
    drop_self_and_worse(failed, "example.org", named({}));
    CHECK(failed.status.enhanced == "5.1.10");
}

TEST_CASE("this machine: myhostname in any case, or a name resolving to an interface address")
{
    const std::set<std::string> local = interface_addresses();
    CHECK(local.contains("127.0.0.1"));   // the loopback interface is always there
    CHECK(host_is_this_machine("Mail.Example.COM", "mail.example.com", local));
    CHECK(host_is_this_machine("127.0.0.1", "mail.example.com", local));   // getaddrinfo takes literals
    CHECK(host_is_this_machine("localhost", "mail.example.com", local));   // /etc/hosts
    CHECK_FALSE(host_is_this_machine("192.0.2.1", "mail.example.com", {"127.0.0.1"}));
    CHECK_FALSE(host_is_this_machine("no-such-host.invalid", "mail.example.com", local));
}
