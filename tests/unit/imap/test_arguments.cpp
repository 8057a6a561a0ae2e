// tests/unit/imap/test_arguments.cpp - the argument grammars of the handlers: SEARCH programs
// (RFC 3501 §6.4.4), FETCH attributes (§6.4.5), flags (§9 flag-list), LIST patterns (§6.3.8)
// and the command table. Each row is parsed from a real command line by the CommandReader.
#include "imap/command.hpp"
#include "imap/fetch_attributes.hpp"
#include "imap/flags.hpp"
#include "imap/list_pattern.hpp"
#include "imap/protocol/command_reader.hpp"
#include "imap/search_program.hpp"

#include <doctest/doctest.h>

using namespace mailroom::imap;

namespace {

Command parse_command(const std::string& line)
{
    CommandReader reader;
    std::size_t used = 0;
    auto event = reader.feed(line + "\r\n", used);
    REQUIRE(std::holds_alternative<CommandReader::Ready>(event));
    return std::get<CommandReader::Ready>(event).command;
}

std::string describe(const SearchKey& key)
{
    using Op = SearchKey::Op;
    auto children = [&] {
        std::string out;
        for (const auto& child : key.children)
            out += " " + describe(child);
        return out;
    };
    switch (key.op) {
    case Op::all: return "all";
    case Op::and_: return "(and" + children() + ")";
    case Op::or_: return "(or" + children() + ")";
    case Op::not_: return "(not" + children() + ")";
    case Op::msn_set: return "msn";
    case Op::uid_set: return "uid";
    case Op::flag_set: return "flag:" + std::to_string(key.flag);
    case Op::flag_unset: return "unflag:" + std::to_string(key.flag);
    case Op::keyword: return "kw:" + key.field;
    case Op::unkeyword: return "unkw:" + key.field;
    case Op::recent: return "recent";
    case Op::new_: return "new";
    case Op::old: return "old";
    case Op::before: return "before:" + std::to_string(key.number);
    case Op::on: return "on:" + std::to_string(key.number);
    case Op::since: return "since:" + std::to_string(key.number);
    case Op::sent_before: return "sentbefore:" + std::to_string(key.number);
    case Op::sent_on: return "senton:" + std::to_string(key.number);
    case Op::sent_since: return "sentsince:" + std::to_string(key.number);
    case Op::larger: return "larger:" + std::to_string(key.number);
    case Op::smaller: return "smaller:" + std::to_string(key.number);
    case Op::header: return "header:" + key.field + "=" + key.text;
    case Op::body: return "body:" + key.text;
    case Op::text: return "text:" + key.text;
    case Op::modseq: return "modseq:" + std::to_string(key.number);
    }
    return "?";
}

std::string search(const std::string& criteria)
{
    const Command command = parse_command("a SEARCH " + criteria);
    ArgReader args(command.args);
    const auto program = parse_search_program(args);
    return program ? describe(program->root) : "BAD " + args.error();
}

}  // namespace

TEST_CASE("search programs")
{
    struct Row {
        const char* criteria;
        const char* tree;
    };
    const Row rows[] = {
        {"ALL", "(and all)"},
        {"seen unseen", "(and flag:1 unflag:1)"},
        {"ANSWERED FLAGGED DELETED DRAFT", "(and flag:2 flag:4 flag:8 flag:16)"},
        {"UNANSWERED UNFLAGGED UNDELETED UNDRAFT", "(and unflag:2 unflag:4 unflag:8 unflag:16)"},
        {"KEYWORD $Junk UNKEYWORD x", "(and kw:$JUNK unkw:X)"},
        {"NEW OLD RECENT", "(and new old recent)"},
        {"BEFORE 2-Jan-1970 ON \"1-Jan-1970\" SINCE 3-jan-1970", "(and before:1 on:0 since:2)"},
        {"SENTBEFORE 2-Jan-1970 SENTON 1-Jan-1970 SENTSINCE 3-Jan-1970", "(and sentbefore:1 senton:0 sentsince:2)"},
        {"LARGER 10 SMALLER 4294967295", "(and larger:10 smaller:4294967295)"},
        // Text keys are case-folded (ICU full folding: ß -> ss).
        {"FROM Ann TO \"B C\" CC d BCC E SUBJECT Straße", "(and header:FROM=ann header:TO=b c header:CC=d header:BCC=e "
                                                        "header:SUBJECT=strasse)"},
        {"HEADER X-Spam \"\"", "(and header:X-Spam=)"},
        {"BODY Hello TEXT WORLD", "(and body:hello text:world)"},
        {"1:3 UID 5:*", "(and msn uid)"},
        {"OR SEEN (DELETED FLAGGED)", "(and (or flag:1 (and flag:8 flag:4)))"},
        {"NOT NOT SEEN", "(and (not (not flag:1)))"},
        {"MODSEQ 5", "(and modseq:5)"},
        {"MODSEQ \"/flags/\\\\seen\" priv 7", "(and modseq:7)"},
        // Cheap keys are moved in front of the ones that read the message.
        {"BODY x SEEN FROM y UID 1", "(and flag:1 uid header:FROM=y body:x)"},
        // Refused.
        {"", "BAD Missing search criteria"},
        {"FOO", "BAD Unknown search key FOO"},
        {"OR SEEN", "BAD Missing argument: search key"},
        {"NOT", "BAD Missing argument: search key"},
        {"()", "BAD Empty search key list"},
        {"BEFORE 31-Feb-2020", "BAD Invalid search date 31-Feb-2020"},
        {"BEFORE 1994-02-01", "BAD Invalid search date 1994-02-01"},
        {"LARGER -1", "BAD Invalid size: expected a number"},
        {"LARGER 4294967296", "BAD Invalid size: number too big"},
        {"UID 0", "BAD Invalid sequence set"},
        {"0", "BAD Unknown search key 0"},
        {"KEYWORD \\Seen", "BAD Invalid keyword"},
        {"MODSEQ \"/flags/x\" bogus 1", "BAD Invalid MODSEQ entry type"},
        {"HEADER", "BAD Missing argument: header field name"},
        {"FROM", "BAD Missing argument: search string"},
        {"FROM (x)", "BAD Invalid search string"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.criteria);
        if (std::string(row.criteria).empty()) {
            const std::vector<Arg> none;
            ArgReader args(none);
            CHECK_FALSE(parse_search_program(args));
            CHECK("BAD " + args.error() == row.tree);
            continue;
        }
        CHECK(search(row.criteria) == row.tree);
    }
}

TEST_CASE("search programs: nesting is bounded")
{
    std::string deep;
    for (unsigned i = 0; i < search_depth_max; ++i)
        deep += "NOT ";
    CHECK(search(deep + "SEEN") == "BAD Search program nested too deeply");
    deep.erase(0, 8);
    CHECK(search(deep + "SEEN").starts_with("(and (not"));
}

TEST_CASE("fetch attributes")
{
    struct Row {
        const char* text;
        bool uid;
        std::size_t items, sections;
        const char* first_section;
    };
    const Row rows[] = {
        {"1 FLAGS", false, 1, 0, ""},
        {"1 ALL", false, 4, 0, ""},
        {"1 FAST", false, 3, 0, ""},
        {"1 FULL", false, 5, 0, ""},
        {"1 (UID FLAGS UID)", false, 2, 0, ""},
        {"1 (FLAGS)", true, 2, 0, ""},
        {"1 (BODY[])", false, 1, 1, "BODY[]"},
        {"1 (BODY.PEEK[1.2.MIME]<5.10>)", false, 1, 1, "BODY[1.2.MIME]"},
        {"1 (body.peek[header.fields (from \"To\")])", false, 1, 1, "BODY[HEADER.FIELDS (FROM TO)]"},
        {"1 (RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE)", false, 4, 3, "RFC822"},
        {"1 (FLAGS) (CHANGEDSINCE 5)", false, 2, 0, ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        const Command command = parse_command(std::string("a FETCH ") + row.text);
        ArgReader args(command.args);
        args.sequence_set();
        FetchAttributes attributes;
        REQUIRE(parse_fetch_attributes(args, row.uid, attributes));
        CHECK(attributes.items.size() == row.items);
        CHECK(attributes.sections.size() == row.sections);
        if (row.sections)
            CHECK(attributes.sections.front().name == row.first_section);
        if (row.uid)
            CHECK(attributes.items.front() == FetchItem::uid);
    }
    const char* bad[] = {"1 FOO", "1 ()", "1 (FLAGS FOO)", "1 BODY[", "1 (BODY[1.0])", "1 (BODY[MIME])",
                         "1 (BODY[]<0.0>)", "1 (BODY[]<x.1>)", "1 (BODY[]<1>)", "1 (BODY[HEADER.FIELDS ()])",
                         "1 ALL FLAGS", "1 (FLAGS) (CHANGEDSINCE)", "1 (FLAGS) (BOGUS 1)", "1 (\"FLAGS\")",
                         "1 (ALL)"};
    for (const char* text : bad) {
        CAPTURE(text);
        const Command command = parse_command(std::string("a FETCH ") + text);
        ArgReader args(command.args);
        args.sequence_set();
        FetchAttributes attributes;
        CHECK_FALSE(parse_fetch_attributes(args, false, attributes));
    }
}

TEST_CASE("flags")
{
    FlagSet flags;
    CHECK(parse_flag("\\seen", flags));
    CHECK(parse_flag("\\ANSWERED", flags));
    CHECK(parse_flag("$Forwarded", flags));
    CHECK(parse_flag("$forwarded", flags));   // keywords ignore case: kept once
    CHECK(parse_flag("\\Recent", flags));
    CHECK(flags.keywords.size() == 1);
    CHECK(flags.recent);
    for (const char* text : {"\\Bogus", "\\*", "", "a(b", "a]b", "a%b", "a*b", "a\"b", "\xc3\xa9"}) {
        CAPTURE(text);
        FlagSet ignored;
        CHECK_FALSE(parse_flag(text, ignored));
    }
    std::string out;
    append_flag_list(out, 1 | 4, 0b101, {"$A", "$B", "$C"}, true);
    CHECK(out == "(\\Flagged \\Seen \\Recent $A $C)");
}

TEST_CASE("list patterns")
{
    struct Row {
        const char* reference;
        const char* pattern;
        const char* name;
        bool matches;
    };
    const Row rows[] = {
        {"", "*", "INBOX", true},
        {"", "*", "a/b/c", true},
        {"", "%", "a", true},
        {"", "%", "a/b", false},
        {"", "a/%", "a/b", true},
        {"", "a/%", "a/b/c", false},
        {"", "a/*", "a/b/c", true},
        {"a", "%", "a/b", true},                // the reference gets its separator
        {"a/", "%", "a/b", true},
        {"", "inbox", "INBOX", true},           // INBOX in any case
        {"", "Inbox/%", "INBOX/x", true},
        {"", "inboxes", "INBOXES", false},
        {"", "*x*", "abxcd", true},
        {"", "%x%", "a/x", false},
        {"", "a%c", "abbbc", true},
        {"", "", "INBOX", false},
        {"", "****************************************a", "aaaa", true},
    };
    for (const auto& row : rows) {
        CAPTURE(row.reference);
        CAPTURE(row.pattern);
        CAPTURE(row.name);
        CHECK(ListPattern(row.reference, row.pattern).matches(row.name) == row.matches);
    }
    // Many wildcards against a long name stays quick (no backtracking blow-up).
    std::string pattern;
    for (int i = 0; i < 500; ++i)
        pattern += "%*";
    CHECK_FALSE(ListPattern("", pattern + "z").matches(std::string(1000, 'a')));
}

TEST_CASE("the command table knows every command once")
{
    const char* names[] = {"APPEND", "AUTHENTICATE", "CAPABILITY", "CHECK", "CLOSE", "COPY", "CREATE", "DELETE",
                           "ENABLE", "EXAMINE", "EXPUNGE", "FETCH", "GETQUOTA", "GETQUOTAROOT", "ID", "IDLE", "LIST",
                           "LOGIN", "LOGOUT", "LSUB", "MOVE", "NAMESPACE", "NOOP", "RENAME", "SEARCH", "SELECT",
                           "SETQUOTA", "STARTTLS", "STATUS", "STORE", "SUBSCRIBE", "UID COPY", "UID EXPUNGE",
                           "UID FETCH", "UID MOVE", "UID SEARCH", "UID STORE", "UNSELECT", "UNSUBSCRIBE"};
    for (const char* name : names) {
        CAPTURE(name);
        REQUIRE(find_command(name));
        CHECK(find_command(name)->name == name);
    }
    CHECK_FALSE(find_command("UID"));
    CHECK_FALSE(find_command("noop"));
    CHECK_FALSE(find_command("UID NOOP"));
    CHECK((find_command("FETCH")->traits & uses_msns));
    CHECK_FALSE((find_command("UID FETCH")->traits & uses_msns));
}

TEST_CASE("passwords need TLS where plaintext is not allowed (LOGINDISABLED)")
{
    auto settings = std::make_shared<ImapSettings>();
    Session session(settings, mailroom::core::Logger("imap-test"));
    session.set_transport({false, true, false});
    const std::string before = capability_list(session);
    CHECK(before.find("LOGINDISABLED") != std::string::npos);
    CHECK(before.find("STARTTLS") != std::string::npos);
    CHECK(before.find("AUTH=") == std::string::npos);
    for (const char* line : {"a LOGIN ann secret", "b AUTHENTICATE PLAIN", "c AUTHENTICATE LOGIN YW5u"}) {
        CAPTURE(line);
        const Reply reply = execute_command(session, parse_command(line));
        CHECK(reply.status == Status::no);
        CHECK(reply.code == "PRIVACYREQUIRED");
        CHECK(reply.action == Action::none);
    }
    CHECK(execute_command(session, parse_command("d STARTTLS")).action == Action::start_tls);
    session.set_transport({true, true, true});
    const std::string after = capability_list(session);
    CHECK(after.find("LOGINDISABLED") == std::string::npos);
    CHECK(after.find("STARTTLS") == std::string::npos);
    CHECK(after.find("AUTH=PLAIN AUTH=LOGIN") != std::string::npos);
    CHECK(execute_command(session, parse_command("e STARTTLS")).status == Status::bad);
    CHECK(execute_command(session, parse_command("f LOGIN ann secret")).action == Action::login);
}
