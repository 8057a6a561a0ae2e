// tests/unit/delivery/test_aliases.cpp - the aliases(5) text format: entries, continuation
// lines, comments, quoted names, the book's sample file, and problems with line numbers
// (what `mailroom newaliases` reports).
#include "delivery/resolve/alias_maps.hpp"
#include "delivery/resolve/aliases_file.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace mailroom::delivery;

TEST_CASE("the Postfix book's sample aliases file parses completely")
{
    const std::string text =
        "# Basic system aliases -- these MUST be present.\n"
        "MAILER-DAEMON: postmaster\n"
        "postmaster: root\n"
        "bin:      root\n"
        "root:     rich\n"
        "auto-test: | /home/rich/auto-test\n"
        "saveme:   /home/rich/test.txt\n"
        "rich:     rich@othercompany.com\n"
        "officenews:      :include:/home/rich/office.txt\n"
        "majordomo: \"|/usr/local/majordomo/wrapper majordomo\"\n"
        "owner-majordomo:    rich,\n"
        "list:   a,\n"
        "        b,\n"
        "\t# a comment inside the continuation\n"
        "        c\n";
    const AliasTable table = parse_aliases(text, "aliases");
    CHECK(table.problems.empty());
    CHECK(table.entries.size() == 11);
    REQUIRE(table.find("mailer-daemon"));
    CHECK(table.find("mailer-daemon")->value == "postmaster");
    CHECK(table.find("mailer-daemon")->line == 2);
    CHECK(table.find("list")->value == "a, b, c");
    CHECK(table.find("list")->line == 12);
    CHECK(table.find("owner-majordomo")->value == "rich,");
    CHECK_FALSE(table.find("MAILER-DAEMON"));
}

TEST_CASE("quoted names, CRLF line ends and values with colons")
{
    const AliasTable table = parse_aliases("\"john doe\": john\r\n\"a:b\" : x\r\ntime: \"|/bin/log 12:00\"\n", "f");
    CHECK(table.problems.empty());
    CHECK(table.find("john doe"));
    CHECK(table.find("a:b"));
    CHECK(table.find("time")->value == "\"|/bin/log 12:00\"");
}

TEST_CASE("problems are reported with their line numbers, and bad entries are left out")
{
    const std::string text =
        "  leading: continuation\n"     // 1: nothing to continue
        "Rich.Blum rich\n"              // 2: no colon (the book's listing 10.4)
        ": nobody\n"                    // 3: empty name
        "empty:\n"                      // 4: empty value
        "root: rich\n"                  // 5: fine
        "ROOT: other\n"                 // 6: duplicate (names fold to lower case)
        "cmd: \"|unterminated\n"        // 7: bad value, entry kept
        "user@example.com: rich\n"      // 8: a domain part never matches
        "inc: :include:relative\n";     // 9: relative include
    const AliasTable table = parse_aliases(text, "aliases");
    std::vector<int> lines;
    for (const auto& problem : table.problems)
        lines.push_back(problem.line);
    CHECK(lines == std::vector<int>{1, 2, 3, 4, 6, 7, 8, 9});
    CHECK(table.find("root")->value == "rich");
    CHECK(table.find("cmd"));
    CHECK_FALSE(table.find("empty"));
    CHECK(table.problems[4].text.find("first on line 5") != std::string::npos);
}

TEST_CASE("AliasMaps rereads a file when it changes and reports a missing one")
{
    char pattern[] = "/tmp/mailroom-aliases-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(pattern);
    const std::string file = (dir / "aliases").string();
    std::ofstream(file) << "a: one\n";
    AliasMaps maps;
    auto found = maps.find({file}, "a");
    REQUIRE(found.status == AliasLookup::Status::found);
    CHECK(found.entry->value == "one");
    CHECK(found.table->owner == ::geteuid());
    std::ofstream(file, std::ios::trunc) << "a: two, three\nb: four\n";
    found = maps.find({file}, "a");
    REQUIRE(found.status == AliasLookup::Status::found);
    CHECK(found.entry->value == "two, three");
    CHECK(maps.contains({file}, "b"));
    CHECK(maps.find({file}, "zzz").status == AliasLookup::Status::not_found);
    const auto missing = maps.find({(dir / "nope").string(), file}, "a");
    CHECK(missing.status == AliasLookup::Status::unavailable);
    CHECK(missing.error.find("nope") != std::string::npos);
    std::filesystem::remove_all(dir);
}
