// imap/cmd_search.cpp - SEARCH and UID SEARCH (RFC 3501 §6.4.4, §7.2.5) with CHARSET UTF-8
// and US-ASCII ([BADCHARSET] otherwise), ESEARCH results (RFC 4731: RETURN MIN MAX ALL
// COUNT) and CONDSTORE's MODSEQ key and result (RFC 7162 §3.1.5).
#include "core/util/strings.hpp"
#include "imap/commands.hpp"
#include "imap/render/imap_string.hpp"
#include "imap/search_eval.hpp"

namespace mailroom::imap {
namespace {

struct ReturnOptions {
    bool esearch = false;
    bool min = false, max = false, all = false, count = false;
};

void parse_return(ArgReader& args, ReturnOptions& options)
{
    options.esearch = true;
    const Arg* list = args.list("return options");
    if (!list)
        return;
    for (const Arg& item : list->items) {
        const std::string name = item.is_atom() ? core::to_upper(item.text) : std::string();
        if (name == "MIN")
            options.min = true;
        else if (name == "MAX")
            options.max = true;
        else if (name == "ALL")
            options.all = true;
        else if (name == "COUNT")
            options.count = true;
        else
            args.fail("Unsupported search return option " + item.text);
    }
    if (!options.min && !options.max && !options.count)
        options.all = true;   // RETURN () means ALL (RFC 4731 §3.1)
}

void write_esearch(CommandContext& cx, const ReturnOptions& options, const std::vector<std::uint32_t>& results,
                   std::optional<mailstore::ModSeq> modseq)
{
    std::string& out = cx.session.out();
    out += "* ESEARCH (TAG ";
    append_quoted(out, cx.command.tag);
    out += ")";
    if (cx.uid)
        out += " UID";
    if (!results.empty()) {
        if (options.min)
            out += " MIN " + std::to_string(results.front());
        if (options.max)
            out += " MAX " + std::to_string(results.back());
    }
    if (options.count)
        out += " COUNT " + std::to_string(results.size());
    if (options.all && !results.empty())
        out += " ALL " + format_sequence(results);
    if (modseq && !results.empty())
        out += " MODSEQ " + std::to_string(*modseq);
    out += "\r\n";
}

}  // namespace

Reply cmd_search(CommandContext& cx)
{
    ReturnOptions options;
    if (cx.args.take_atom("RETURN"))
        parse_return(cx.args, options);
    if (cx.args.take_atom("CHARSET")) {
        const std::string charset = cx.args.astring("charset");
        if (cx.args.ok() && !core::iequals(charset, "UTF-8") && !core::iequals(charset, "US-ASCII"))
            return Reply::no("Unsupported charset " + charset, "BADCHARSET (UTF-8 US-ASCII)");
    }
    auto program = cx.args.ok() ? parse_search_program(cx.args) : std::nullopt;
    if (!program)
        return Reply::bad(cx.args.error());
    if (program->uses_modseq)
        cx.session.enable_condstore();
    SelectedMailbox& box = *cx.session.selected();
    const SearchOutcome outcome = run_search(*program, box);
    std::vector<std::uint32_t> results;
    mailstore::ModSeq highest = 0;
    for (auto position : outcome.positions) {
        results.push_back(cx.uid ? box.at(position).uid : position + 1);
        highest = std::max(highest, box.at(position).modseq);
    }
    const auto modseq = program->uses_modseq ? std::optional(highest) : std::nullopt;
    if (options.esearch) {
        write_esearch(cx, options, results, modseq);
    } else {
        std::string& out = cx.session.out();
        out += "* SEARCH";
        for (auto n : results)
            out += " " + std::to_string(n);
        if (modseq && !results.empty())
            out += " (MODSEQ " + std::to_string(*modseq) + ")";
        out += "\r\n";
    }
    if (outcome.failed)
        cx.session.log().warning("search: reading a message failed: " + outcome.error);
    if (outcome.expunged)
        return Reply::no("Some messages were expunged meanwhile.", "EXPUNGEISSUED");
    if (outcome.failed)
        return Reply::no("Some messages could not be read; the server log has details.", "SERVERBUG");
    return Reply::ok("Search completed.");
}

}  // namespace mailroom::imap
