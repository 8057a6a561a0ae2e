// tests/unit/filters/test_rc_parser.cpp - procmailrc(5) parsing: recipes, flags, lock forms,
// continuations, comments between conditions, blank lines in recipes, blocks, error recovery.
#include <doctest/doctest.h>

#include "filters/rc_parser.hpp"

using namespace mailroom::filters;

namespace {
const Recipe& recipe_at(const RcProgram& p, std::size_t i)
{
    REQUIRE(i < p.items.size());
    REQUIRE(p.items[i].kind == Item::Kind::recipe);
    return p.items[i].recipe;
}
}  // namespace

TEST_CASE("recipe headers: flags and local lockfiles")
{
    struct Row {
        const char* header;
        const char* flags;
        bool lock;
    } rows[] = {
        {":0\n", "Hhb", false},          {":0:\n", "Hhb", true},          {":0 c\n", "Hhbc", false},
        {":0 Bh:\n", "Bh", true},        {":0 HB\n", "HBhb", false},      {":0 Whc: vac.lock\n", "HhcW", true},
        {":0 fhw\n", "Hhfw", false},     {":0 DAaEeiWr\n", "HDAaEehbWir", false},
        {":0 # comment\n", "Hhb", false}, {":0 \\\nc\n", "Hhbc", false},
    };
    for (const Row& r : rows) {
        const std::string header = r.header;
        CAPTURE(header);
        const RcProgram p = parse_rc(std::string(r.header) + "folder\n", "t");
        CHECK(p.errors.empty());
        const Recipe& rec = recipe_at(p, 0);
        CHECK(rec.flags.to_string() == r.flags);
        CHECK(rec.local_lock == r.lock);
        CHECK(rec.action == ActionKind::folder);
    }
}

TEST_CASE("lock file names from header words")
{
    CHECK(parse_recipe_header({"0", ":", "x.lock"}).lockfile == "x.lock");
    CHECK(parse_recipe_header({"0:y.lock"}).lockfile == "y.lock");
    CHECK(parse_recipe_header({"0:"}).lockfile.empty());
    CHECK(parse_recipe_header({"0", "Hq"}).leftovers == "q");
    CHECK(parse_recipe_header({"0:", "a", "b"}).leftovers == "b");
}

TEST_CASE("conditions: comments between them, blank lines, continuations, trailing blanks")
{
    const char* rc =
        ":0\n"
        " # comment before\n"
        "* ^Subject:.*(a|\\\n"
        "     b)   \n"
        "\n"
        "  # comment between\n"
        "*   ^From:.*x\t\n"
        "\n"
        "folder\n";
    const RcProgram p = parse_rc(rc, "t");
    CHECK(p.errors.empty());
    const Recipe& r = recipe_at(p, 0);
    REQUIRE(r.conditions.size() == 2);
    CHECK(r.conditions[0].text == "^Subject:.*(a|\\\n     b)");
    CHECK(r.conditions[0].line == 3);
    CHECK(r.conditions[1].text == "^From:.*x");
    CHECK(r.conditions[1].line == 7);
    CHECK(r.action_text == "folder\n");
    CHECK(r.action_line == 9);
}

TEST_CASE("actions")
{
    struct Row {
        const char* action;
        ActionKind kind;
        const char* text;
        const char* capture;
    } rows[] = {
        {"! a@b c@d\n", ActionKind::forward, " a@b c@d\n", ""},
        {"| cmd arg\n", ActionKind::pipe, " cmd arg", ""},
        {"| a \\\n  b\n", ActionKind::pipe, " a \\\n  b", ""},
        {"VAR=| cmd\n", ActionKind::pipe, " cmd", "VAR"},
        {"VAR = |cmd\n", ActionKind::pipe, "cmd", "VAR"},
        {"mail/in box\n", ActionKind::folder, "mail/in box\n", ""},
        {"VAR=x\n", ActionKind::folder, "VAR=x\n", ""},
        {"Maildir/\n", ActionKind::folder, "Maildir/\n", ""},
        {"{foo\n", ActionKind::folder, "{foo\n", ""},
    };
    for (const Row& r : rows) {
        const std::string action = r.action;
        CAPTURE(action);
        const RcProgram p = parse_rc(std::string(":0\n") + r.action, "t");
        CHECK(p.errors.empty());
        const Recipe& rec = recipe_at(p, 0);
        CHECK(rec.action == r.kind);
        CHECK(rec.action_text == r.text);
        CHECK(rec.capture_variable == r.capture);
    }
}

TEST_CASE("assignments, removals and what remains after a blank")
{
    const RcProgram p = parse_rc("A = 1\nB\nC=\"x y\" # c\nD=one two\n", "t");
    REQUIRE(p.items.size() == 5);
    CHECK(p.items[0].name == "A");
    CHECK(*p.items[0].value_text == "1\n");
    CHECK(p.items[1].name == "B");
    CHECK(!p.items[1].value_text);
    CHECK(p.items[2].name == "C");
    CHECK(p.items[3].name == "D");
    CHECK(*p.items[3].value_text == "one ");
    CHECK(p.items[4].name == "two");  // procmail reads the rest as the removal of "two"
    CHECK(!p.items[4].value_text);
}

TEST_CASE("nesting blocks and their ends")
{
    const RcProgram p = parse_rc(":0\n* a\n{\n  :0\n  {\n    X=1\n  }\n}\nY=2\n", "t");
    CHECK(p.errors.empty());
    REQUIRE(p.items.size() == 6);
    CHECK(recipe_at(p, 0).action == ActionKind::block);
    CHECK(recipe_at(p, 0).block_end == 4);
    CHECK(recipe_at(p, 1).block_end == 3);
    CHECK(p.items[3].kind == Item::Kind::block_end);
    CHECK(p.items[4].kind == Item::Kind::block_end);
}

TEST_CASE("error recovery keeps parsing and reports file lines")
{
    const char* rc =
        "@@@ junk\n"          // 1
        ":0\n"                // 2
        "* a\n"               // 3
        "\n"                  // 4
        ":0\n"                // 5  -> "Missing action" for the recipe at 2
        "* b\n"               // 6
        "good\n"              // 7
        "}\n"                 // 8  -> unexpected brace
        ":0\n"                // 9
        "{\n";                // 10 -> missing closing brace at EOF
    const RcProgram p = parse_rc(rc, "t");
    REQUIRE(p.errors.size() == 4);
    CHECK(p.errors[0].line == 1);
    CHECK(p.errors[0].text.starts_with("Skipped"));
    CHECK(p.errors[1].line == 5);
    CHECK(p.errors[1].text == "Missing action");
    CHECK(p.errors[2].line == 8);
    CHECK(p.errors[3].text == "Missing closing brace");
    CHECK(recipe_at(p, 0).conditions[0].text == "b");
}

TEST_CASE("an unclosed quote is reported")
{
    const RcProgram p = parse_rc("A=\"open\n:0\nfolder\n", "t");
    REQUIRE(p.errors.size() == 1);
    CHECK(p.errors[0].text == "Unexpected EOL");
    CHECK(p.errors[0].line == 1);
}

TEST_CASE("adversarial input never throws")
{
    const char* rows[] = {"", ":", ":0", ":0\n*", "\"unterminated", "{", "}", "A=`", "A=${", ":0\n|",
                          "\\", ":0\n!", "\x00\x01\x02", ":0:::::\n::\n", "A=\"\\\n"};
    for (const char* r : rows) {
        CAPTURE(r);
        CHECK_NOTHROW(parse_rc(r, "t"));
    }
    const char raw[] = "A=1\0B\n:0\n* x\0y\nf\n";
    const std::string with_nul(raw, sizeof raw - 1);
    CHECK_NOTHROW(parse_rc(with_nul, "t"));
}
