// tests/unit/core/test_net_addresses.cpp - *_listen values and address/network lists
// (core/net/listen_address, core/net/network_list).
#include "core/net/listen_address.hpp"
#include "core/net/network_list.hpp"

#include <doctest/doctest.h>

using namespace mailroom::core;

TEST_CASE("listen addresses")
{
    std::string error;
    auto a = parse_listen_address("127.0.0.1:2424", error);
    REQUIRE(a);
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 2424);
    a = parse_listen_address("[::1]:143", error);
    REQUIRE(a);
    CHECK(a->host == "::1");
    a = parse_listen_address("*:110", error);
    REQUIRE(a);
    CHECK(a->host.empty());
    a = parse_listen_address("unix:/run/mailroom/lmtp", error);
    REQUIRE(a);
    CHECK(a->kind == ListenAddress::Kind::unix_socket);
    CHECK(a->path == "/run/mailroom/lmtp");

    const char* bad[] = {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "::1:143", "[::1]143",
                         "[::1", ":25", "host:port", "unix:relative", "127.0.0.1:-1", "127.0.0.1:99999999999999999999"};
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK_FALSE(parse_listen_address(text, error));
        CHECK(error.find(text) != std::string::npos);
    }
    CHECK_FALSE(parse_listen_address("unix:/" + std::string(200, 'x'), error));
}

TEST_CASE("network lists match IPv4, IPv6 and IPv4-mapped addresses")
{
    std::string error;
    auto list = NetworkList::parse({"127.0.0.0/8", "[::1]/128", "192.0.2.7", "2001:db8::/32", "10.0.0.0/0"}, error);
    REQUIRE(list);
    CHECK(list->contains("127.1.2.3"));
    CHECK(list->contains("::1"));
    CHECK(list->contains("192.0.2.7"));
    CHECK(list->contains("::ffff:192.0.2.7"));
    CHECK(list->contains("2001:db8:1::5"));
    CHECK_FALSE(list->contains("2001:db9::1"));
    CHECK_FALSE(list->contains("not an address"));
    CHECK(list->contains("8.8.8.8"));   // 10.0.0.0/0 covers every IPv4 address

    auto narrow = NetworkList::parse({"192.0.2.0/25"}, error);
    REQUIRE(narrow);
    CHECK(narrow->contains("192.0.2.127"));
    CHECK_FALSE(narrow->contains("192.0.2.128"));
    CHECK_FALSE(narrow->contains("::1"));

    for (const char* bad : {"192.0.2.0/33", "300.1.1.1", "::1/129", "host.example", "1.2.3.4/x"}) {
        CAPTURE(bad);
        CHECK_FALSE(NetworkList::parse({bad}, error));
    }
}
