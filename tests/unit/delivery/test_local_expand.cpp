// tests/unit/delivery/test_local_expand.cpp - per-recipient expansion of forward_path and
// luser_relay (Postfix local_expand(): undefined names skip a path, values are filtered).
#include "delivery/resolve/local_expand.hpp"

#include "delivery/delivery_parameters.hpp"

#include <doctest/doctest.h>

using namespace mailroom::delivery;

TEST_CASE("forward_path entries expand per recipient; an undefined plain $name marks the entry")
{
    auto loaded = mailroom::core::Config::load_text("myhostname = mail.example.com\n", "t.conf",
                                                    {delivery_parameters()});
    REQUIRE(loaded.config);
    const auto& config = *loaded.config;
    LocalVariables v;
    v.user = "rich";
    v.home = "/home/rich";
    v.recipient = "rich+lists@example.com";
    v.extension = "lists";
    v.domain = "example.com";
    v.local = "rich+lists";
    v.recipient_delimiter = "+";
    const std::string filter = config.get("forward_expansion_filter");
    auto e = local_expand(config, "$home/.forward${recipient_delimiter}${extension}", v, filter);
    CHECK(e.value == "/home/rich/.forward+lists");
    CHECK_FALSE(e.undefined);
    v.extension.clear();
    e = local_expand(config, "$home/.forward${recipient_delimiter}${extension}", v, filter);
    CHECK(e.undefined);
    e = local_expand(config, "$home/.forward${extension?.ext}", v, filter);
    CHECK_FALSE(e.undefined);
    CHECK(e.value == "/home/rich/.forward");
    e = local_expand(config, "/var/forward/$user@$myhostname", v, filter);
    CHECK(e.value == "/var/forward/rich@mail.example.com");
    v.extension = "../../etc $x";
    e = local_expand(config, "$home/.forward+$extension", v, filter);
    CHECK(e.value == "/home/rich/.forward+../../etc__x");
    e = local_expand(config, "${unterminated", v, filter);
    CHECK_FALSE(e.error.empty());
    e = local_expand(config, "admin+$local", v, "");
    CHECK(e.value == "admin+rich+lists");
    CHECK(filter_characters("a b;c", "abc") == "a_b_c");
}
