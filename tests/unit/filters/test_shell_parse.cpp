// tests/unit/filters/test_shell_parse.cpp - procmail's sh-like word parser (procmailrc(5)
// "Environment", BUGS): quoting, substitutions, splitting, comments, scan mode extents.
#include <doctest/doctest.h>

#include <map>

#include "filters/shell_parse.hpp"

using namespace mailroom::filters;

namespace {
class FakeContext final : public ExpandContext {
public:
    std::map<std::string, std::string> vars{{"HOME", "/home/u"}, {"EMPTY", ""}, {"SP", "a  b"}, {"DOT", "a.b*c"}};
    std::vector<std::string> args{"x1", "x2"};
    std::vector<std::string> warnings, commands;
    std::optional<std::string> lookup(std::string_view name) override
    {
        if (name == "1")
            return args[0];
        auto it = vars.find(std::string(name));
        return it == vars.end() ? std::nullopt : std::optional(it->second);
    }
    std::string special(char c) override { return std::string("<") + c + ">"; }
    std::vector<std::string> arguments() override { return args; }
    std::string backquote(std::string_view cmd) override
    {
        commands.emplace_back(cmd);
        return "out put";
    }
    void warn(std::string_view t) override { warnings.emplace_back(t); }
};

std::string one(std::string_view in, SplitMode mode = SplitMode::assignment)
{
    FakeContext ctx;
    auto w = parse_words(in, mode, &ctx);
    REQUIRE(w.words.size() == 1);
    return w.words[0];
}
}  // namespace

TEST_CASE("assignment values")
{
    struct Row {
        const char* in;
        const char* out;
    } rows[] = {
        {"plain\n", "plain"},
        {"\"double $HOME\"\n", "double /home/u"},
        {"'single $HOME'\n", "single $HOME"},
        {"${UNSET:-fallback}\n", "fallback"},
        {"${EMPTY:-fallback}\n", "fallback"},
        {"${EMPTY-dash}\n", ""},
        {"${UNSET-dash}\n", "dash"},
        {"${HOME:+set}\n", "set"},
        {"${EMPTY:+set}\n", ""},
        {"${EMPTY+set}\n", "set"},
        {"${UNSET+set}\n", ""},
        {"pre\\ fix\n", "pre fix"},
        {"a b\n", "a"},                       // the value ends at the first unquoted blank
        {"\"multi\nline\"\n", "multi\nline"},
        {"x#y\n", "x#y"},                     // # inside a word is not a comment
        {"x #comment\n", "x"},
        {"$$\n", "<$>"},
        {"$=\n", "<=>"},
        {"$\\DOT\n", "()a\\.b\\*c"},
        {"$1\n", "x1"},
        {"${HOME}/x\n", "/home/u/x"},
        {"$\n", "$"},
        {"cost$ 5\n", "cost$"},
        {"\"a\\$b\"\n", "a$b"},
        {"\"a\\qb\"\n", "a\\qb"},
        {"`cmd`\n", "out put"},
        {"\n", ""},
        {"", ""},
    };
    for (const Row& r : rows) {
        const std::string in = r.in;
        CAPTURE(in);
        CHECK(one(r.in) == r.out);
    }
}

TEST_CASE("word splitting for folders, addresses and programs")
{
    FakeContext ctx;
    auto w = parse_words("a \"b c\" $SP 'd e'\n", SplitMode::words, &ctx);
    CHECK(w.words == std::vector<std::string>{"a", "b c", "a", "b", "d e"});
    w = parse_words("\"$SP\"\n", SplitMode::words, &ctx);
    CHECK(w.words == std::vector<std::string>{"a  b"});
    w = parse_words("`x` y\n", SplitMode::words, &ctx);
    CHECK(w.words == std::vector<std::string>{"out", "put", "y"});
    w = parse_words("\"$@\"\n", SplitMode::words, &ctx);
    CHECK(w.words == std::vector<std::string>{"x1", "x2"});
    w = parse_words("   \n", SplitMode::words, &ctx);
    CHECK(w.words.empty());
}

TEST_CASE("scan mode finds the end of a token without expanding or running anything")
{
    struct Row {
        const char* in;
        std::size_t consumed;
        bool unterminated;
    } rows[] = {
        {"abc\nnext", 4, false},
        {"\"a\nb\"\nnext", 6, false},
        {"a\\\nb\nnext", 5, false},
        {"'unterminated\n", 14, true},
        {"${X:-a b}\nnext", 10, false},
        {"`echo a\nb`\nnext", 11, false},
        {"x # comment\nnext", 12, false},
        {"", 0, false},
    };
    for (const Row& r : rows) {
        const std::string in = r.in;
        CAPTURE(in);
        const auto w = parse_words(r.in, SplitMode::words, nullptr);
        CHECK(w.consumed == r.consumed);
        CHECK(w.unterminated == r.unterminated);
    }
}

TEST_CASE("bad substitutions are reported, backquotes run only when expanding")
{
    FakeContext ctx;
    parse_words("${HOME?x}\n", SplitMode::assignment, &ctx);
    CHECK(ctx.warnings.size() == 1);
    parse_words("`true` ${UNSET:-`never`}\n", SplitMode::words, &ctx);
    CHECK(ctx.commands == std::vector<std::string>{"true", "never"});
    ctx.commands.clear();
    parse_words("${HOME:-`not run`}\n", SplitMode::words, &ctx);
    CHECK(ctx.commands.empty());
}

TEST_CASE("expand_in_quotes keeps blanks and expands variables")
{
    FakeContext ctx;
    CHECK(expand_in_quotes("^Subject:.*$HOME  x", ctx) == "^Subject:.*/home/u  x");
    CHECK(expand_in_quotes("a\\\nb", ctx) == "ab");
}
