// imap/search_program.cpp - parsing SEARCH criteria (see search_program.hpp).
#include "imap/search_program.hpp"

#include "core/util/strings.hpp"
#include "imap/flags.hpp"
#include "imap/protocol/imap_date.hpp"
#include "mailstore/message/search_text.hpp"
#include "mailstore/store.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

using Op = SearchKey::Op;

struct FlagKey {
    std::string_view name;
    Op op;
    std::uint8_t flag;
};

constexpr FlagKey flag_keys[] = {
    {"ANSWERED", Op::flag_set, mailstore::flag_answered},   {"DELETED", Op::flag_set, mailstore::flag_deleted},
    {"DRAFT", Op::flag_set, mailstore::flag_draft},         {"FLAGGED", Op::flag_set, mailstore::flag_flagged},
    {"SEEN", Op::flag_set, mailstore::flag_seen},           {"UNANSWERED", Op::flag_unset, mailstore::flag_answered},
    {"UNDELETED", Op::flag_unset, mailstore::flag_deleted}, {"UNDRAFT", Op::flag_unset, mailstore::flag_draft},
    {"UNFLAGGED", Op::flag_unset, mailstore::flag_flagged}, {"UNSEEN", Op::flag_unset, mailstore::flag_seen},
};

struct NamedKey {
    std::string_view name;
    Op op;
};

constexpr NamedKey date_keys[] = {
    {"BEFORE", Op::before},          {"ON", Op::on},           {"SINCE", Op::since},
    {"SENTBEFORE", Op::sent_before}, {"SENTON", Op::sent_on}, {"SENTSINCE", Op::sent_since},
};

constexpr std::string_view header_keys[] = {"BCC", "CC", "FROM", "SUBJECT", "TO"};

class Parser {
public:
    Parser(ArgReader& args, SearchProgram& program) : args_(args), program_(program) {}

    bool key(SearchKey& out, unsigned depth);

private:
    bool atom_key(const Arg& arg, SearchKey& out, unsigned depth);
    bool date(SearchKey& out, Op op);
    std::string needle(std::string_view what) { return message::fold_case(args_.astring(what)); }

    ArgReader& args_;
    SearchProgram& program_;
};

bool Parser::key(SearchKey& out, unsigned depth)
{
    if (depth > search_depth_max) {
        args_.fail("Search program nested too deeply");
        return false;
    }
    const Arg* arg = args_.next("search key");
    if (!arg)
        return false;
    if (arg->is_list()) {
        if (arg->items.empty()) {
            args_.fail("Empty search key list");
            return false;
        }
        ArgReader inner(arg->items);
        Parser nested(inner, program_);
        out.op = Op::and_;
        while (inner.ok() && !inner.at_end())
            if (!nested.key(out.children.emplace_back(), depth + 1))
                break;
        if (!inner.ok())
            args_.fail(inner.error());
        return args_.ok();
    }
    if (!arg->is_atom()) {
        args_.fail("Invalid search key");
        return false;
    }
    return atom_key(*arg, out, depth);
}

bool Parser::atom_key(const Arg& arg, SearchKey& out, unsigned depth)
{
    const std::string name = core::to_upper(arg.text);
    for (const auto& flag : flag_keys)
        if (name == flag.name) {
            out.op = flag.op;
            out.flag = flag.flag;
            return true;
        }
    for (const auto& date_key : date_keys)
        if (name == date_key.name)
            return date(out, date_key.op);
    if (std::find(std::begin(header_keys), std::end(header_keys), name) != std::end(header_keys)) {
        out.op = Op::header;
        out.field = name;
        out.text = needle("search string");
    } else if (name == "ALL" || name == "NEW" || name == "OLD" || name == "RECENT") {
        out.op = name == "ALL" ? Op::all : name == "NEW" ? Op::new_ : name == "OLD" ? Op::old : Op::recent;
    } else if (name == "KEYWORD" || name == "UNKEYWORD") {
        out.op = name == "KEYWORD" ? Op::keyword : Op::unkeyword;
        out.field = args_.atom("keyword");
        FlagSet check;
        if (args_.ok() && (!parse_flag(out.field, check) || check.keywords.empty()))
            args_.fail("Invalid keyword");
    } else if (name == "HEADER") {
        out.op = Op::header;
        out.field = args_.astring("header field name");
        out.text = needle("search string");
    } else if (name == "BODY" || name == "TEXT") {
        out.op = name == "BODY" ? Op::body : Op::text;
        out.text = needle("search string");
    } else if (name == "LARGER" || name == "SMALLER") {
        out.op = name == "LARGER" ? Op::larger : Op::smaller;
        out.number = args_.number("size");
    } else if (name == "UID") {
        out.op = Op::uid_set;
        out.set = args_.sequence_set();
    } else if (name == "NOT") {
        out.op = Op::not_;
        return key(out.children.emplace_back(), depth + 1);
    } else if (name == "OR") {
        out.op = Op::or_;
        return key(out.children.emplace_back(), depth + 1) && key(out.children.emplace_back(), depth + 1);
    } else if (name == "MODSEQ") {
        // MODSEQ [entry-name entry-type-req] mod-sequence-valzer: the entry (a flag's own
        // mod-sequence) narrows nothing here, since the store keeps one per message.
        out.op = Op::modseq;
        if (args_.peek() && args_.peek()->is_string()) {
            args_.string("entry name");
            const std::string type = args_.atom("entry type");
            if (args_.ok() && type != "PRIV" && type != "SHARED" && type != "ALL")
                args_.fail("Invalid MODSEQ entry type");
        }
        out.number = static_cast<std::int64_t>(args_.number64("mod-sequence"));
        program_.uses_modseq = true;
    } else if (auto set = SequenceSet::parse(arg.text)) {
        out.op = Op::msn_set;
        out.set = std::move(*set);
    } else {
        args_.fail("Unknown search key " + arg.text);
    }
    return args_.ok();
}

bool Parser::date(SearchKey& out, Op op)
{
    out.op = op;
    const std::string text = args_.astring("date");
    const auto day = parse_search_date(text);
    if (args_.ok() && !day)
        args_.fail("Invalid search date " + text);
    out.number = day.value_or(0);
    return args_.ok();
}

}  // namespace

int SearchKey::cost() const
{
    switch (op) {
    case Op::header:
    case Op::sent_before:
    case Op::sent_on:
    case Op::sent_since:
        return 1;
    case Op::body:
    case Op::text:
        return 2;
    case Op::and_:
    case Op::or_:
    case Op::not_: {
        int most = 0;
        for (const auto& child : children)
            most = std::max(most, child.cost());
        return most;
    }
    default:
        return 0;
    }
}

std::optional<SearchProgram> parse_search_program(ArgReader& args)
{
    SearchProgram program;
    program.root.op = Op::and_;
    Parser parser(args, program);
    if (args.at_end())
        args.fail("Missing search criteria");
    while (args.ok() && !args.at_end())
        parser.key(program.root.children.emplace_back(), 1);
    if (!args.ok())
        return std::nullopt;
    // Cheap keys first: most messages are decided from the index alone.
    std::stable_sort(program.root.children.begin(), program.root.children.end(),
                     [](const SearchKey& a, const SearchKey& b) { return a.cost() < b.cost(); });
    return program;
}

}  // namespace mailroom::imap
