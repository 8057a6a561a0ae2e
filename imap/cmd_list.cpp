// imap/cmd_list.cpp - LIST (RFC 3501 §6.3.8) with LIST-EXTENDED selection and return
// options (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE attributes (RFC 6154) and CHILDREN
// attributes (RFC 3348), and LSUB (§6.3.9).
#include "core/util/strings.hpp"
#include "imap/commands.hpp"
#include "imap/list_pattern.hpp"
#include "imap/protocol/wire_name.hpp"
#include "imap/status_items.hpp"
#include "imap/storage_error.hpp"
#include "mailstore/mailbox_name.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mailroom::imap {
namespace {

struct ListRequest {
    bool select_subscribed = false;
    bool select_special_use = false;
    bool recursive_match = false;
    bool return_subscribed = false;
    bool return_special_use = false;
    std::optional<StatusItems> status;
    std::string reference;
    std::vector<ListPattern> patterns;
    bool extended = false;          // any LIST-EXTENDED syntax was used
    bool delimiter_query = false;   // LIST ref "": asks for the separator only
};

void parse_selection(const Arg& list, ListRequest& request, ArgReader& args)
{
    request.extended = true;
    for (const Arg& option : list.items) {
        const std::string name = option.is_atom() ? core::to_upper(option.text) : std::string();
        if (name == "SUBSCRIBED")
            request.select_subscribed = true;
        else if (name == "SPECIAL-USE")
            request.select_special_use = true;
        else if (name == "RECURSIVEMATCH")
            request.recursive_match = true;
        else if (name != "REMOTE")
            args.fail("Unknown LIST selection option " + option.text);
    }
    // RFC 5258 §3: RECURSIVEMATCH only refines another selection option.
    if (request.recursive_match && !request.select_subscribed)
        args.fail("RECURSIVEMATCH needs another selection option");
}

void parse_return(const Arg& list, ListRequest& request, ArgReader& args)
{
    request.extended = true;
    for (std::size_t i = 0; i < list.items.size(); ++i) {
        const Arg& option = list.items[i];
        const std::string name = option.is_atom() ? core::to_upper(option.text) : std::string();
        if (name == "SUBSCRIBED") {
            request.return_subscribed = true;
        } else if (name == "SPECIAL-USE") {
            request.return_special_use = true;
        } else if (name == "STATUS" && i + 1 < list.items.size()) {
            StatusItems items;
            std::string error;
            if (!parse_status_items(list.items[++i], items, error))
                args.fail(error);
            request.status = items;
        } else if (name != "CHILDREN") {
            args.fail("Unknown LIST return option " + option.text);
        }
    }
}

std::optional<ListRequest> parse_list(ArgReader& args)
{
    ListRequest request;
    if (args.next_is_list())
        parse_selection(*args.list("selection options"), request, args);
    const auto reference = decode_mailbox_name(args.astring("reference"));
    std::vector<std::string> patterns;
    if (args.next_is_list()) {
        request.extended = true;
        for (const Arg& item : args.list("patterns")->items)
            patterns.push_back(item.is_list() ? std::string() : item.text);
    } else {
        patterns.push_back(args.astring("mailbox pattern"));
    }
    if (args.take_atom("RETURN"))
        if (const Arg* list = args.list("return options"))
            parse_return(*list, request, args);
    args.end();
    if (args.ok() && !reference)
        args.fail("Reference is not valid modified UTF-7");
    if (!args.ok())
        return std::nullopt;
    request.reference = *reference;
    request.delimiter_query = !request.extended && patterns.front().empty();
    for (const auto& pattern : patterns) {
        const auto utf8 = decode_mailbox_name(pattern);
        if (!utf8) {
            args.fail("Mailbox pattern is not valid modified UTF-7");
            return std::nullopt;
        }
        request.patterns.emplace_back(request.reference, *utf8);
    }
    return request;
}

bool any_match(const ListRequest& request, std::string_view name)
{
    return std::any_of(request.patterns.begin(), request.patterns.end(),
                       [&](const ListPattern& p) { return p.matches(name); });
}

struct Listed {
    const mailstore::MailboxListEntry* entry = nullptr;   // null: does not exist
    bool subscribed = false;
    bool subscribed_child = false;                         // RECURSIVEMATCH CHILDINFO
};

void append_list_line(std::string& out, const ListRequest& request, std::string_view name, const Listed& item)
{
    std::string attributes;
    auto add = [&](std::string_view attribute) {
        if (!attributes.empty())
            attributes += ' ';
        attributes += attribute;
    };
    if (!item.entry)
        add("\\NonExistent");
    else if (!item.entry->selectable)
        add("\\Noselect");
    if (item.entry)
        add(item.entry->has_children ? "\\HasChildren" : "\\HasNoChildren");
    if (item.subscribed && (request.select_subscribed || request.return_subscribed))
        add("\\Subscribed");
    if (item.entry && item.entry->selectable && !item.entry->special_use.empty())
        add(item.entry->special_use);
    out += "* LIST (" + attributes + ") \"/\" ";
    append_mailbox_name(out, name);
    if (item.subscribed_child)
        out += " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
    out += "\r\n";
}

// Which names to show: every mailbox, or the subscribed ones (existing or not) plus, with
// RECURSIVEMATCH, the parents of subscribed names (RFC 5258 §3).
std::map<std::string, Listed> select_names(const ListRequest& request,
                                           const std::vector<mailstore::MailboxListEntry>& entries,
                                           const std::vector<std::string>& subscriptions)
{
    std::map<std::string, Listed> selected;
    std::map<std::string_view, const mailstore::MailboxListEntry*> existing;
    for (const auto& entry : entries)
        existing[entry.name] = &entry;
    if (!request.select_subscribed) {
        for (const auto& entry : entries)
            if (!request.select_special_use || (entry.selectable && !entry.special_use.empty()))
                selected[entry.name] = {&entry, entry.subscribed, false};
        return selected;
    }
    for (const auto& name : subscriptions) {
        const auto it = existing.find(name);
        auto& item = selected[name];
        item.entry = it == existing.end() ? nullptr : it->second;
        item.subscribed = true;
        if (!request.recursive_match)
            continue;
        for (auto slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
            const std::string parent = name.substr(0, slash);
            auto& up = selected[parent];
            const auto found = existing.find(parent);
            up.entry = found == existing.end() ? nullptr : found->second;
            up.subscribed_child = true;
        }
    }
    return selected;
}

}  // namespace

Reply cmd_list(CommandContext& cx)
{
    auto request = parse_list(cx.args);
    if (!request)
        return Reply::bad(cx.args.error());
    std::string& out = cx.session.out();
    // LIST "" "": the hierarchy separator and the root of the reference (RFC 3501 §6.3.8).
    if (request->delimiter_query) {
        out += "* LIST (\\Noselect) \"/\" \"\"\r\n";
        return Reply::ok("List completed.");
    }
    auto entries = cx.session.store().list();
    if (!entries)
        return storage_failure(entries.error(), cx.session.log());
    std::vector<std::string> subscriptions;
    if (request->select_subscribed) {
        auto names = cx.session.store().subscriptions();
        if (!names)
            return storage_failure(names.error(), cx.session.log());
        subscriptions = std::move(*names);
    }
    // INBOX first, then the others in name order, as list() gives them.
    const auto selected = select_names(*request, *entries, subscriptions);
    auto emit = [&](const std::string& name, const Listed& item) {
        if (!any_match(*request, name))
            return;
        Listed shown = item;
        if (shown.subscribed && request->recursive_match)
            shown.subscribed_child = false;   // CHILDINFO only for names not selected themselves
        append_list_line(out, *request, name, shown);
        if (request->status && item.entry && item.entry->selectable)
            if (auto status = cx.session.store().status(name))
                append_status_response(out, name, *request->status, *status);
    };
    if (const auto inbox = selected.find("INBOX"); inbox != selected.end())
        emit(inbox->first, inbox->second);
    for (const auto& [name, item] : selected)
        if (name != "INBOX")
            emit(name, item);
    return Reply::ok("List completed.");
}

Reply cmd_lsub(CommandContext& cx)
{
    const auto reference = decode_mailbox_name(cx.args.astring("reference"));
    const auto pattern_text = decode_mailbox_name(cx.args.astring("mailbox pattern"));
    cx.args.end();
    if (cx.args.ok() && (!reference || !pattern_text))
        cx.args.fail("Mailbox name is not valid modified UTF-7");
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    const ListPattern pattern(*reference, *pattern_text);
    auto names = cx.session.store().subscriptions();
    auto entries = cx.session.store().list();
    if (!names || !entries)
        return storage_failure(names ? entries.error() : names.error(), cx.session.log());
    std::set<std::string> selectable;
    for (const auto& entry : *entries)
        if (entry.selectable)
            selectable.insert(entry.name);
    const std::set<std::string> subscribed(names->begin(), names->end());
    std::set<std::string> parents;
    std::string& out = cx.session.out();
    for (const auto& name : subscribed) {
        if (pattern.matches(name)) {
            out += selectable.contains(name) ? "* LSUB () \"/\" " : "* LSUB (\\Noselect) \"/\" ";
            append_mailbox_name(out, name);
            out += "\r\n";
            continue;
        }
        // "%" stops at a separator: an unsubscribed parent of a subscribed name that the
        // pattern reaches is shown as \Noselect (RFC 3501 §6.3.9).
        for (auto slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
            const std::string parent = name.substr(0, slash);
            if (!subscribed.contains(parent) && pattern.matches(parent) && parents.insert(parent).second) {
                out += "* LSUB (\\Noselect) \"/\" ";
                append_mailbox_name(out, parent);
                out += "\r\n";
            }
        }
    }
    return Reply::ok("Lsub completed.");
}

}  // namespace mailroom::imap
