// tests/unit/mta/test_mx_lookup.cpp - DNS answers to MX queries (RFC 1035 sections 3.3.9 and
// 4.1, with name compression) as the queue manager sees them: sorted by preference, the
// implicit MX of RFC 5321 section 5.1, the null MX of RFC 7505, malformed answers; and the
// targets and domains made from them.
#include "core/config/config.hpp"
#include "core/config/core_parameters.hpp"
#include "mta/client/mx_lookup.hpp"
#include "mta/mta_parameters.hpp"
#include "mta/queue/targets.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using namespace mailroom::mta;

namespace {

void put16(std::string& out, unsigned value)
{
    out += static_cast<char>(value >> 8);
    out += static_cast<char>(value & 0xff);
}

std::string labels(std::string_view name)
{
    std::string out;
    while (!name.empty()) {
        const auto dot = name.find('.');
        const auto label = name.substr(0, dot);
        out += static_cast<char>(label.size());
        out += label;
        name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    return out + '\0';
}

// An answer for "example.org" with the given (preference, exchange) records; exchanges that
// end in ".example.org" are compressed against the question's name, as servers do.
std::string answer(const std::vector<std::pair<unsigned, std::string>>& records)
{
    std::string out;
    put16(out, 0x1234);   // id
    put16(out, 0x8180);   // response, recursion desired and available, NOERROR
    put16(out, 1);
    put16(out, static_cast<unsigned>(records.size()));
    put16(out, 0);
    put16(out, 0);
    out += labels("example.org");
    put16(out, 15);   // MX
    put16(out, 1);    // IN
    for (const auto& [preference, exchange] : records) {
        put16(out, 0xc00c);   // the question's name
        put16(out, 15);
        put16(out, 1);
        out += std::string("\0\0\x0e\x10", 4);   // TTL 3600
        std::string rdata;
        put16(rdata, preference);
        const std::string suffix = ".example.org";
        if (exchange.size() > suffix.size() && exchange.ends_with(suffix)) {
            rdata += labels(exchange.substr(0, exchange.size() - suffix.size())).substr(0, exchange.size() - suffix.size() + 1);
            put16(rdata, 0xc00c);
        } else {
            rdata += labels(exchange);
        }
        put16(out, static_cast<unsigned>(rdata.size()));
        out += rdata;
    }
    return out;
}

MxResult parse(const std::string& bytes)
{
    return parse_mx_answer(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), "example.org");
}

}  // namespace

TEST_CASE("MX records come back sorted by preference, compressed names expanded")
{
    const auto mx = parse(answer({{20, "backup.example.net"}, {10, "mx1.example.org"}, {10, "mx2.example.org"}}));
    CHECK(mx.status.ok());
    REQUIRE(mx.hosts.size() == 3);
    CHECK(mx.hosts[0].host == "mx1.example.org");
    CHECK(mx.hosts[1].host == "mx2.example.org");   // equal preferences keep the server's order
    CHECK(mx.hosts[2].host == "backup.example.net");
    CHECK(mx.hosts[2].preference == 20);
}

TEST_CASE("no MX record: the domain itself (implicit MX); a null MX: 5.1.10; garbage: 4.4.3")
{
    const auto implicit = parse(answer({}));
    REQUIRE(implicit.hosts.size() == 1);
    CHECK(implicit.hosts[0].host == "example.org");
    const auto null_mx = parse(answer({{0, ""}}));
    CHECK(null_mx.hosts.empty());
    CHECK(null_mx.status.enhanced == "5.1.10");
    CHECK(null_mx.status.permanent());
    const std::string truncated = answer({{10, "mx1.example.org"}}).substr(0, 20);
    const auto broken = parse(truncated);
    CHECK(broken.hosts.empty());
    CHECK(broken.status.enhanced == "4.4.3");
}

TEST_CASE("MX targets: port 25, in order, the TLS level of the relay but never its password")
{
    auto loaded = mailroom::core::Config::load_text("smtp_tls_security_level = none\nsmtp_sasl_username = u\n",
                                                    "t.conf", {mailroom::core::core_parameters(), mta_parameters()});
    REQUIRE(loaded.config);
    const auto& config = loaded.config;
    MxResult mx;
    mx.hosts = {{10, "mx1.example.org"}, {20, "mx2.example.org"}};
    const auto targets = mx_targets(*config, mx);
    REQUIRE(targets.size() == 2);
    CHECK(targets[0].address.text == "mx1.example.org:25");
    CHECK(targets[1].address.port == 25);
    CHECK(targets[0].tls == TlsPolicy::none);
    CHECK(targets[0].username.empty());
    CHECK(!targets[0].lmtp);
    CHECK(recipient_domain("Ann@Example.ORG") == "example.org");
    CHECK(recipient_domain("postmaster").empty());
}
