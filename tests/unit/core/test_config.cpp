// tests/unit/core/test_config.cpp - main.cf syntax, $name expansion, typed values and
// errors with file:line (core/config).
#include "core/config/config.hpp"
#include "core/config/value_parsers.hpp"
#include "core/util/strings.hpp"

#include <doctest/doctest.h>

using namespace mailroom::core;

namespace {

const ParameterSpec test_parameters[] = {
    {"myhostname", "mail.example.com", ParamKind::string, "host"},
    {"mydomain", "example.com", ParamKind::string, "domain"},
    {"mydestination", "$myhostname, localhost.$mydomain, localhost", ParamKind::list, "destinations"},
    {"message_size_limit", "10240000", ParamKind::size, "size"},
    {"lmtp_timeout", "5m", ParamKind::time, "timeout"},
    {"short_timeout", "300", ParamKind::time, "seconds by default"},
    {"hours_default", "2", ParamKind::time, "hours by default", param_plain, 'h'},
    {"allow_it", "no", ParamKind::boolean, "flag"},
    {"count", "7", ParamKind::integer, "number"},
    {"forward_path", "$home/.forward${recipient_delimiter}${extension}, $home/.forward", ParamKind::list,
     "use-time", param_expand_at_use},
    {"recipient_delimiter", "", ParamKind::string, "delimiter"},
    {"a", "", ParamKind::string, "loop a"},
    {"b", "", ParamKind::string, "loop b"},
};

Config::LoadResult load(std::string_view text)
{
    return Config::load_text(text, "test.conf", {test_parameters});
}

}  // namespace

TEST_CASE("defaults expand other parameters")
{
    auto result = load("");
    REQUIRE(result.config);
    CHECK(result.config->get_list("mydestination") ==
          std::vector<std::string>{"mail.example.com", "localhost.example.com", "localhost"});
    CHECK(result.config->get_number("message_size_limit") == 10240000);
    CHECK(result.config->get_time("lmtp_timeout") == std::chrono::minutes(5));
    CHECK(result.config->get_time("short_timeout") == std::chrono::seconds(300));
    CHECK(result.config->get_time("hours_default") == std::chrono::hours(2));
    CHECK(result.config->origin("mydomain") == "default");
}

TEST_CASE("expansion is lazy: a value sees a later definition")
{
    auto result = load("mydestination = $mydomain\nmydomain = late.example\n");
    REQUIRE(result.config);
    CHECK(result.config->get("mydestination") == "late.example");
    CHECK(result.config->origin("mydomain") == "test.conf:2");
}

TEST_CASE("continuation lines, comments and white space")
{
    auto result = load("# comment\n"
                       "mydestination = one,\n"
                       "    two\n"
                       "\n"
                       "  # an indented comment does not end or continue anything\n"
                       "\tthree\n"
                       "mydomain=x.example   \n");
    REQUIRE(result.config);
    CHECK(result.config->get_list("mydestination") == std::vector<std::string>{"one", "two", "three"});
    CHECK(result.config->get("mydomain") == "x.example");
}

TEST_CASE("conditional expansion forms")
{
    struct Row {
        std::string_view text;
        std::string_view expected;
    };
    const Row rows[] = {
        {"a = ${mydomain?set}", "set"},
        {"a = ${recipient_delimiter?set}", ""},
        {"a = ${recipient_delimiter:empty}", "empty"},
        {"a = ${mydomain:empty}", ""},
        {"a = ${mydomain?{yes}:{no}}", "yes"},
        {"a = ${recipient_delimiter?{yes}:{no}}", "no"},
        {"a = $(mydomain)", "example.com"},
        {"a = cost $$5", "cost $5"},
        {"a = ${mydomain?$myhostname}", "mail.example.com"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        auto result = load(row.text);
        REQUIRE(result.config);
        CHECK(result.config->get("a") == row.expected);
    }
}

TEST_CASE("use-time parameters stay unexpanded until their user expands them")
{
    auto result = load("recipient_delimiter = +\n");
    REQUIRE(result.config);
    CHECK(result.config->get("forward_path") == "$home/.forward${recipient_delimiter}${extension}, $home/.forward");
    auto expanded = result.config->expand(result.config->get("forward_path"), [](std::string_view name) {
        if (name == "home")
            return std::optional<std::string>("/home/ann");
        if (name == "extension")
            return std::optional<std::string>("lists");
        return std::optional<std::string>();
    });
    CHECK(expanded.error.empty());
    CHECK(expanded.value == "/home/ann/.forward+lists, /home/ann/.forward");
}

TEST_CASE("errors name the file, the line and the parameter")
{
    struct Row {
        std::string_view text;
        std::string_view expected;
    };
    const Row rows[] = {
        {"mydomain = ok\nmessage_size_limit = lots\n", "test.conf:2: message_size_limit: expected a size"},
        {"lmtp_timeout = 5 fortnights\n", "test.conf:1: lmtp_timeout: expected a time"},
        {"allow_it = maybe\n", "test.conf:1: allow_it: expected yes or no"},
        {"count = -1\n", "test.conf:1: count: expected a non-negative whole number"},
        {"count = 99999999999999999999999\n", "test.conf:1: count: expected a non-negative whole number"},
        {"a = $b\nb = $a\n", "parameter expansion loop"},
        {"a = $a\n", "test.conf:1: a: parameter expansion loop through $a"},
        {"a = ${mydomain\n", "test.conf:1: a: unterminated ${"},
        {"just some words\n", "test.conf:1: missing '='"},
        {"   indented = first\n", "test.conf:1: continuation line"},
        {"bad name = x\n", "test.conf:1: bad parameter name"},
        {"a = trailing $\n", "test.conf:1: a: '$' at the end"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        auto result = load(row.text);
        CHECK_FALSE(result.config);
        REQUIRE_FALSE(result.errors.empty());
        CHECK(result.errors.front().to_string().find(row.expected) != std::string::npos);
    }
}

TEST_CASE("unknown parameters are warnings, unless another value refers to them")
{
    auto result = load("no_such_thing = 1\nmy_base = /srv\na = $my_base/mail\n");
    REQUIRE(result.config);
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].to_string() == "test.conf:1: no_such_thing: unknown parameter (ignored)");
    CHECK(result.config->get("a") == "/srv/mail");
    CHECK(result.config->names_set_in_file() == std::vector<std::string>{"a", "my_base", "no_such_thing"});
}

TEST_CASE("an undefined $name is a warning and expands to nothing")
{
    auto result = load("a = x${nowhere}y\n");
    REQUIRE(result.config);
    CHECK(result.config->get("a") == "xy");
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].to_string().find("undefined parameter $nowhere") != std::string::npos);
}

TEST_CASE("asking for an undeclared parameter is a programming error")
{
    auto result = load("");
    REQUIRE(result.config);
    CHECK_THROWS_AS(result.config->get("not_declared"), std::out_of_range);
    CHECK_FALSE(result.config->knows("not_declared"));
}

TEST_CASE("a missing file is an error naming it")
{
    auto result = Config::load_file("/nonexistent/mailroom.conf", {test_parameters});
    CHECK_FALSE(result.config);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].to_string().find("/nonexistent/mailroom.conf: cannot open") == 0);
}

TEST_CASE("value parsers")
{
    CHECK(parse_size("10m") == 10u * 1024 * 1024);
    CHECK(parse_size("1G") == 1024ull * 1024 * 1024);
    CHECK(parse_size("512") == 512u);
    CHECK_FALSE(parse_size(""));
    CHECK_FALSE(parse_size("m"));
    CHECK_FALSE(parse_size("1t"));
    CHECK_FALSE(parse_size("99999999999999999999g"));
    CHECK(parse_time("250ms", 's') == std::chrono::milliseconds(250));
    CHECK(parse_time("1w", 's') == std::chrono::hours(24 * 7));
    CHECK(parse_time("3", 'm') == std::chrono::minutes(3));
    CHECK_FALSE(parse_time("3x", 's'));
    CHECK(parse_bool("Yes") == true);
    CHECK(parse_bool("off") == false);
    CHECK_FALSE(parse_bool("perhaps"));
}

TEST_CASE("take_line: LF and CRLF line ends, a last line without one")
{
    std::string_view text = "a = 1\r\nb = 2\n\nlast";
    CHECK(take_line(text) == "a = 1");
    CHECK(take_line(text) == "b = 2");
    CHECK(take_line(text).empty());
    CHECK(take_line(text) == "last");
    CHECK(text.empty());
}
