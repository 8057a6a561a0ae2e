// tests/unit/delivery/test_targets.cpp - destinations on an alias right-hand side or a
// .forward line (aliases(5)): addresses, /file, ~/file, |command, :include:, \user, quoting.
#include "delivery/resolve/targets.hpp"

#include <doctest/doctest.h>

using namespace mailroom::delivery;
using Kind = Target::Kind;

TEST_CASE("right-hand sides: every kind of destination")
{
    struct Row {
        std::string_view text;
        std::vector<Target> targets;
    };
    const Row rows[] = {
        {"rich", {{Kind::address, "rich"}}},
        {"rich, katie ,bob@example.org", {{Kind::address, "rich"}, {Kind::address, "katie"}, {Kind::address, "bob@example.org"}}},
        {"rich,", {{Kind::address, "rich"}}},
        {",,rich,,", {{Kind::address, "rich"}}},
        {"| /home/rich/auto-test", {{Kind::command, "/home/rich/auto-test"}}},
        {"|/home/rich/auto-test", {{Kind::command, "/home/rich/auto-test"}}},
        {"\"|/usr/local/majordomo/wrapper majordomo\"", {{Kind::command, "/usr/local/majordomo/wrapper majordomo"}}},
        {"\"|cmd a, b\", rich", {{Kind::command, "cmd a, b"}, {Kind::address, "rich"}}},
        {"/home/rich/test.txt", {{Kind::file, "/home/rich/test.txt"}}},
        {"/var/mail/archive/", {{Kind::file, "/var/mail/archive/"}}},
        {"\"/path with space\"", {{Kind::file, "/path with space"}}},
        {"~/mail/saved", {{Kind::file, "~/mail/saved"}}},
        {":include:/home/rich/office.txt", {{Kind::include, "/home/rich/office.txt"}}},
        {":INCLUDE: /lists/x", {{Kind::include, "/lists/x"}}},
        {"\\rich, rich@elsewhere.example", {{Kind::local_user, "rich"}, {Kind::address, "rich@elsewhere.example"}}},
        {"Rich Blum <rich@example.com>", {{Kind::address, "rich@example.com"}}},
        {"rich (Rich Blum)", {{Kind::address, "rich"}}},
        {"\"john doe\"@example.com", {{Kind::address, "\"john doe\"@example.com"}}},
        {"", {}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        const TargetList list = parse_targets(row.text);
        CHECK(list.errors.empty());
        REQUIRE(list.targets.size() == row.targets.size());
        for (std::size_t i = 0; i < row.targets.size(); ++i) {
            CHECK(list.targets[i].kind == row.targets[i].kind);
            CHECK(list.targets[i].value == row.targets[i].value);
        }
    }
}

TEST_CASE("right-hand sides: errors")
{
    const std::string_view rows[] = {
        "\"|unterminated", "|", "\"|\"", ":include:relative/path", "\\", "rich blum", "<unbalanced", "(comment",
    };
    for (const auto text : rows) {
        CAPTURE(text);
        CHECK_FALSE(parse_targets(text).errors.empty());
    }
}

TEST_CASE(".forward lines: one list per line, comments skipped, errors carry line numbers")
{
    const TargetList list = parse_target_lines("rich\n# a comment\n  # indented comment\nkatie, |/bin/true\n\n/tmp/x\nbad address\n");
    REQUIRE(list.targets.size() == 4);
    CHECK(list.targets[2].kind == Kind::command);
    CHECK(list.targets[3].value == "/tmp/x");
    REQUIRE(list.errors.size() == 1);
    CHECK(list.errors[0].starts_with("line 7: "));
}
