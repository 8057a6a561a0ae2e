// tests/unit/imap/test_command_reader.cpp - the IMAP command reader (RFC 3501 §9 grammar,
// §4.3 literals, RFC 7888 non-synchronizing literals): every syntax form, the limits, garbage,
// and the same events whatever the input's chunking (one byte at a time included).
#include "imap/protocol/command_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mailroom::imap;

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v)
    {
        std::string out = "[";
        for (const auto& s : v)
            out += (out.size() > 1 ? " | " : "") + s;
        return (out + "]").c_str();
    }
};
}  // namespace doctest

namespace {

void describe(std::string& out, const std::vector<Arg>& args)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        out += i ? " " : "";
        const Arg& a = args[i];
        switch (a.kind) {
        case Arg::Kind::atom:
            out += a.text;
            break;
        case Arg::Kind::quoted:
            out += "\"" + a.text + "\"";
            break;
        case Arg::Kind::literal:
            out += a.streamed ? "{streamed}" : "{" + a.text + "}";
            break;
        case Arg::Kind::list:
            out += "(";
            describe(out, a.items);
            out += ")";
            break;
        }
    }
}

// Feeds `input` in chunks of `chunk` bytes and writes down every event. A streamed literal is
// taken by the "session" (its bytes skipped here) and accepted.
std::vector<std::string> run(std::string_view input, std::size_t chunk, ReaderLimits limits = {})
{
    CommandReader reader(limits);
    std::vector<std::string> events;
    std::string pending;
    std::size_t pos = 0;
    std::uint64_t streaming = 0;
    while (pos < input.size() || !pending.empty()) {
        if (pending.empty()) {
            pending.assign(input.substr(pos, chunk));
            pos += pending.size();
        }
        if (streaming > 0) {   // the session reads the literal itself
            const auto take = std::min<std::uint64_t>(streaming, pending.size());
            pending.erase(0, take);
            streaming -= take;
            if (streaming == 0)
                reader.literal_streamed();
            continue;
        }
        std::size_t used = 0;
        auto event = reader.feed(pending, used);
        pending.erase(0, used);
        if (auto* ready = std::get_if<CommandReader::Ready>(&event)) {
            std::string text = "READY " + ready->command.tag + " " + ready->command.name;
            if (!ready->command.args.empty()) {
                text += " ";
                describe(text, ready->command.args);
            }
            events.push_back(text);
        } else if (std::holds_alternative<CommandReader::SendContinuation>(event)) {
            events.push_back("CONT");
        } else if (auto* literal = std::get_if<CommandReader::StreamLiteral>(&event)) {
            events.push_back("STREAM " + std::to_string(literal->size) + (literal->synchronizing ? "" : "+"));
            streaming = literal->size;
            if (streaming == 0)
                reader.literal_streamed();
        } else if (auto* bad = std::get_if<CommandReader::Bad>(&event)) {
            events.push_back("BAD " + bad->tag + (bad->code.empty() ? "" : " [" + bad->code + "]") +
                             (bad->fatal ? " fatal" : ""));
            if (bad->fatal)
                break;
        }
    }
    return events;
}

struct Row {
    std::string input;
    std::vector<std::string> events;
};

void check_rows(const std::vector<Row>& rows, ReaderLimits limits = {})
{
    for (const auto& row : rows) {
        CAPTURE(row.input);
        const auto whole = run(row.input, SIZE_MAX, limits);
        CHECK(whole == row.events);
        for (std::size_t chunk : {1, 2, 3, 7})
            CHECK(run(row.input, chunk, limits) == whole);
    }
}

}  // namespace

TEST_CASE("command reader: syntax forms")
{
    check_rows({
        {"a1 NOOP\r\n", {"READY a1 NOOP"}},
        {"a1 noop\n", {"READY a1 NOOP"}},                                    // bare LF accepted
        {"\r\n\r\na2 CAPABILITY\r\n", {"READY a2 CAPABILITY"}},              // stray line ends ignored
        {"a LOGIN ann \"pass word\"\r\n", {"READY a LOGIN ann \"pass word\""}},
        {"a LOGIN ann \"q\\\"x\\\\y\"\r\n", {"READY a LOGIN ann \"q\"x\\y\""}},
        {"a LOGIN {3}\r\nann {4}\r\nsecr\r\n", {"CONT", "CONT", "READY a LOGIN {ann} {secr}"}},
        {"a LOGIN {3+}\r\nann {4+}\r\nsecr\r\n", {"READY a LOGIN {ann} {secr}"}},
        {"a LOGIN {0}\r\n {0+}\r\n\r\n", {"CONT", "READY a LOGIN {} {}"}},
        {"a uid fetch 1:* (FLAGS)\r\n", {"READY a UID FETCH 1:* (FLAGS)"}},
        {"a FETCH 1,3:5,7:* (BODY.PEEK[HEADER.FIELDS (From To)]<0.100> UID)\r\n",
         {"READY a FETCH 1,3:5,7:* (BODY.PEEK[HEADER.FIELDS (From To)]<0.100> UID)"}},
        {"a SEARCH OR (FROM x SUBJECT \"y\") NOT (SEEN) UID 1:*\r\n",
         {"READY a SEARCH OR (FROM x SUBJECT \"y\") NOT (SEEN) UID 1:*"}},
        {"a STORE 1 +FLAGS.SILENT (\\Seen $Label1)\r\n", {"READY a STORE 1 +FLAGS.SILENT (\\Seen $Label1)"}},
        {"a LIST \"\" %\r\n", {"READY a LIST \"\" %"}},
        {"a LIST \"\" foo*]bar\r\n", {"READY a LIST \"\" foo*]bar"}},
        {"a SELECT m[x\r\n", {"READY a SELECT m[x"}},                        // unbalanced '[' is a char
        {"a ID NIL\r\n", {"READY a ID NIL"}},
        {"a X ((())) ()\r\n", {"READY a X ((())) ()"}},
        {"a   NOOP   \r\n", {"BAD a"}},                                      // empty command name
        {"a NOOP  x   y  \r\n", {"READY a NOOP x y"}},                       // extra spaces tolerated
        {"tag] NOOP\r\n", {"READY tag] NOOP"}},                              // ']' may be in a tag
    });
}

TEST_CASE("command reader: 8-bit literal content is kept as is")
{
    const auto events = run("a SEARCH SUBJECT {5}\r\n\xc3\xa9t\xc3\xa9\r\n", 1);
    REQUIRE(events.size() == 2);
    CHECK(events[1] == "READY a SEARCH SUBJECT {\xc3\xa9t\xc3\xa9}");
}

TEST_CASE("command reader: APPEND streams its message literal")
{
    check_rows({
        {"a APPEND INBOX {5}\r\nhello\r\n", {"STREAM 5", "READY a APPEND INBOX {streamed}"}},
        {"a APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {5+}\r\nhello\r\nb NOOP\r\n",
         {"STREAM 5+", "READY a APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {streamed}", "READY b NOOP"}},
        // The mailbox may itself be a literal: that one is buffered.
        {"a APPEND {5}\r\nINBOX {3}\r\nabc\r\n", {"CONT", "STREAM 3", "READY a APPEND {INBOX} {streamed}"}},
        // A literal inside a list is never the message.
        {"a APPEND INBOX ({2}\r\nab) {1}\r\nx\r\n", {"CONT", "STREAM 1", "READY a APPEND INBOX ({ab}) {streamed}"}},
    });
}

TEST_CASE("command reader: refused streamed literals")
{
    CommandReader reader;
    std::size_t used = 0;
    std::string input = "a APPEND INBOX {100}\r\nb NOOP\r\n";
    auto event = reader.feed(input, used);
    REQUIRE(std::holds_alternative<CommandReader::StreamLiteral>(event));
    CHECK(reader.partial().tag == "a");
    CHECK(reader.partial().args.size() == 1);
    reader.literal_refused();   // synchronizing: the client will not send it
    input.erase(0, used);
    event = reader.feed(input, used);
    REQUIRE(std::holds_alternative<CommandReader::Ready>(event));
    CHECK(std::get<CommandReader::Ready>(event).command.name == "NOOP");

    // Non-synchronizing: the bytes come anyway and must not run as commands.
    input = "a APPEND INBOX {10+}\r\nc LOGOUT\r\n\r\nb NOOP\r\n";
    event = reader.feed(input, used);
    REQUIRE(std::holds_alternative<CommandReader::StreamLiteral>(event));
    reader.skip_literal();
    input.erase(0, used);
    event = reader.feed(input, used);
    REQUIRE(std::holds_alternative<CommandReader::Ready>(event));
    CHECK(std::get<CommandReader::Ready>(event).command.tag == "b");
}

TEST_CASE("command reader: malformed input")
{
    check_rows({
        {"\r\n", {}},
        {"NOOP\r\n", {"BAD NOOP"}},                      // a tag alone: the command is missing
        {"* NOOP\r\n", {"BAD *"}},                       // '*' cannot be a tag
        {"+a NOOP\r\n", {"BAD *"}},
        {"a+b NOOP\r\n", {"BAD *"}},
        {"a{b NOOP\r\n", {"BAD *"}},
        {" a NOOP\r\n", {"BAD *"}},
        {"a\r\n", {"BAD a"}},
        {"a \r\n", {"BAD a"}},
        {"a UID\r\n", {"BAD a"}},
        {"a NO@OP\r\n", {"BAD a"}},
        {"a NOOP (\r\n", {"BAD a"}},                     // unbalanced parentheses
        {"a NOOP )\r\n", {"BAD a"}},
        {"a NOOP ((x)\r\n", {"BAD a"}},
        {"a NOOP \"abc\r\n", {"BAD a"}},                 // unterminated quoted string
        {"a NOOP \"a\\bc\"\r\n", {"BAD a"}},             // only \" and \\ may be escaped
        {"a NOOP \"x\"y\r\n", {"BAD a"}},                // no space after a string
        {"a NOOP {3}x\r\n", {"BAD a"}},                  // a literal must end its line
        {"a NOOP {x}\r\n", {"BAD a"}},
        {"a NOOP {}\r\n", {"BAD a"}},
        {"a NOOP {99999999999999999999999}\r\n", {"BAD a"}},
        {"a NOOP {3}\r\nabcdef\r\n", {"CONT", "BAD a"}}, // no space after the literal
        {"a NOOP x\ry\r\nb NOOP\r\n", {"BAD a", "READY b NOOP"}},   // CR inside a line
        {"a NOOP \x01\r\nb NOOP\r\n", {"BAD a", "READY b NOOP"}},
        {"a NOOP (a b\r\nb NOOP\r\n", {"BAD a", "READY b NOOP"}},
    });
}

TEST_CASE("command reader: NUL bytes")
{
    const std::string input("a NO\0OP\r\nb NOOP\r\n", 17);
    for (std::size_t chunk : {1, 5, 100}) {
        CAPTURE(chunk);
        CHECK(run(input, chunk) == std::vector<std::string>{"BAD a", "READY b NOOP"});
    }
}

TEST_CASE("command reader: a refused line that announced a non-synchronizing literal skips it")
{
    // The literal's bytes must not run as commands (the command-injection trap).
    check_rows({
        {"a NOOP \x01 {8+}\r\nb LOGOUT\r\nc NOOP\r\n", {"BAD a", "READY c NOOP"}},
        {"a NOOP \"x {9+}\r\nb LOGOUT\r\n\r\nc NOOP\r\n", {"BAD a", "READY c NOOP"}},
        {"a NOOP ( {3}\r\nc NOOP\r\n", {"CONT", "BAD a"}},
    });
}

TEST_CASE("command reader: limits")
{
    ReaderLimits small{40, 100};
    check_rows(
        {
            {"a NOOP 0123456789012345678901234567890123456789\r\nb NOOP\r\n", {"BAD a [TOOBIG]", "READY b NOOP"}},
            {"a NOOP 01234567890123456789012345678901234567890123456789 {5+}\r\nb NOOP\r\nc NOOP\r\n",
             {"BAD a [TOOBIG]", "READY c NOOP"}},
            {"a LOGIN {101}\r\n", {"BAD a [TOOBIG]"}},                       // refused before any byte
            {"a LOGIN {60}\r\n012345678901234567890123456789012345678901234567890123456789 {60}\r\n",
             {"CONT", "BAD a [TOOBIG]"}},                                    // the command's total
            {"a LOGIN {101+}\r\n" + std::string(101, 'x') + "\r\nb NOOP\r\n", {"BAD a [TOOBIG]", "READY b NOOP"}},
        },
        small);

    std::string deep = "a X ";
    for (unsigned i = 0; i <= list_depth_max; ++i)
        deep += "(";
    CHECK(run(deep + "\r\nb NOOP\r\n", 1) == std::vector<std::string>{"BAD a", "READY b NOOP"});
    std::string ok = "a X ";
    for (unsigned i = 0; i < list_depth_max; ++i)
        ok += "(";
    for (unsigned i = 0; i < list_depth_max; ++i)
        ok += ")";
    CHECK(run(ok + "\r\n", SIZE_MAX).size() == 1);

    std::string many = "a X";
    for (std::size_t i = 0; i <= arg_count_max; ++i)
        many += " x";
    CHECK(run(many + "\r\nb NOOP\r\n", SIZE_MAX) == std::vector<std::string>{"BAD a [TOOBIG]", "READY b NOOP"});

    std::string long_tag(tag_max + 1, 't');
    CHECK(run(long_tag + " NOOP\r\n", SIZE_MAX) == std::vector<std::string>{"BAD *"});
}

TEST_CASE("command reader: a literal too big to skip is fatal")
{
    const std::string input = "a NOOP ( {" + std::to_string(discard_literal_max + 1) + "+}\r\n";
    CHECK(run(input, SIZE_MAX) == std::vector<std::string>{"BAD a [TOOBIG] fatal"});
}

TEST_CASE("command reader: line too long reported by the transport")
{
    CommandReader reader;
    std::size_t used = 0;
    const std::string first = "a LOGIN {3}\r\n";
    auto event = reader.feed(first, used);
    REQUIRE(std::holds_alternative<CommandReader::SendContinuation>(event));
    CHECK(reader.literal_remaining() == 3);
    event = reader.feed("ann", used);
    CHECK(std::holds_alternative<CommandReader::NeedMore>(event));
    const auto bad = reader.line_too_long();
    CHECK(bad.tag == "a");
    CHECK(bad.fatal);
    CHECK(reader.idle());
}

TEST_CASE("describe_command hides secrets")
{
    Command command{"a", "LOGIN", {}};
    command.args.push_back(Arg{Arg::Kind::atom, false, "ann", {}});
    command.args.push_back(Arg{Arg::Kind::quoted, false, "secret", {}});
    CHECK(describe_command(command) == "a LOGIN ann <hidden>");
    Command auth{"b", "AUTHENTICATE", {Arg{Arg::Kind::atom, false, "PLAIN", {}}, Arg{Arg::Kind::atom, false, "AGFubgBz", {}}}};
    CHECK(describe_command(auth) == "b AUTHENTICATE PLAIN <hidden>");
    Command fetch{"c", "FETCH", {Arg{Arg::Kind::atom, false, "1", {}}, Arg{Arg::Kind::literal, false, std::string(100, 'x'), {}}}};
    CHECK(describe_command(fetch) == "c FETCH 1 <literal of 100 bytes>");
}
