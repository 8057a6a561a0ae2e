// core/programs/mailbox_command.cpp - `mailroom mailbox`, an admin's view of a user's store
// (like `doveadm mailbox` / `fetch` / `save` / `expunge`): list, status, create, delete,
// rename, save, fetch, flags, expunge, sync. Works through the same store API as IMAP/POP3,
// with the user's file-system identity.
#include "core/auth/user_database.hpp"
#include "core/priv/fs_identity.hpp"
#include "core/programs/command_line.hpp"
#include "core/programs/subcommands.hpp"
#include "core/util/strings.hpp"
#include "mailstore/mail_user.hpp"

#include <iostream>
#include <iterator>
#include <map>

namespace mailroom::programs {
namespace {

using mailstore::Uid;

const std::map<std::string, std::uint8_t> flag_names = {
    {"\\seen", mailstore::flag_seen},       {"\\answered", mailstore::flag_answered},
    {"\\flagged", mailstore::flag_flagged}, {"\\deleted", mailstore::flag_deleted},
    {"\\draft", mailstore::flag_draft},
};

std::string flags_text(std::uint8_t flags, std::uint64_t keywords, const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& [name, bit] : flag_names)
        if (flags & bit)
            out += (out.empty() ? "" : " ") + std::string(1, '\\') + char(std::toupper(name[1])) + name.substr(2);
    for (const auto& keyword : mailstore::keyword_list(keywords, names))
        out += (out.empty() ? "" : " ") + keyword;
    return out;
}

// "+\Seen,Work" / "-\Deleted" / "=\Seen": a FlagChange.
std::optional<mailstore::FlagChange> parse_flag_change(std::string_view text)
{
    mailstore::FlagChange change;
    if (text.empty())
        return std::nullopt;
    change.mode = text[0] == '+' ? mailstore::FlagChange::Mode::add
                  : text[0] == '-' ? mailstore::FlagChange::Mode::remove
                  : text[0] == '=' ? mailstore::FlagChange::Mode::replace
                                   : throw std::invalid_argument("flags must start with +, - or =");
    for (const auto& item : core::split_list(std::string(text.substr(1)))) {
        if (item.starts_with('\\')) {
            const auto it = flag_names.find(core::to_lower(item));
            if (it == flag_names.end())
                return std::nullopt;
            change.flags |= it->second;
        } else {
            change.keywords.push_back(item);
        }
    }
    return change;
}

std::vector<Uid> parse_uids(const std::vector<std::string>& args, std::size_t from)
{
    std::vector<Uid> uids;
    for (std::size_t i = from; i < args.size(); ++i)
        if (const auto n = core::parse_uint(args[i]); n && *n > 0 && *n < 0xFFFFFFFFu)
            uids.push_back(static_cast<Uid>(*n));
        else
            throw std::invalid_argument("not a UID: " + args[i]);
    return uids;
}

int fail(const std::string& what, const mailstore::Error& error)
{
    std::cerr << "mailroom mailbox " << what << ": " << error.text << "\n";
    return error.is(mailstore::Errc::not_found) ? 67 : error.is(mailstore::Errc::in_use) ? 75 : 73;
}

int run(const std::string& action, const std::vector<std::string>& args, mailstore::UserStore& store)
{
    const auto need = [&](std::size_t n) {
        if (args.size() < n)
            throw std::invalid_argument("missing arguments");
    };
    if (action == "list") {
        auto listed = store.list();
        if (!listed)
            return fail(action, listed.error());
        for (const auto& e : *listed)
            std::cout << e.name << (e.selectable ? "" : " \\Noselect") << (e.has_children ? " \\HasChildren" : "")
                      << (e.subscribed ? " \\Subscribed" : "") << (e.special_use.empty() ? "" : " " + e.special_use)
                      << "\n";
        return 0;
    }
    need(2);
    const std::string& mailbox = args[1];
    if (action == "create" || action == "delete") {
        auto done = action == "create" ? store.create(mailbox) : store.remove(mailbox);
        return done ? 0 : fail(action, done.error());
    }
    if (action == "rename") {
        need(3);
        auto done = store.rename(mailbox, args[2]);
        return done ? 0 : fail(action, done.error());
    }
    if (action == "status") {
        auto status = store.status(mailbox);
        if (!status)
            return fail(action, status.error());
        std::cout << "messages=" << status->messages << " recent=" << status->recent << " unseen=" << status->unseen
                  << " uidnext=" << status->uid_next << " uidvalidity=" << status->uid_validity
                  << " highestmodseq=" << status->highest_modseq << " size=" << status->size << "\n";
        return 0;
    }
    if (action == "save") {
        mailstore::AppendOptions options;
        if (args.size() > 2)
            if (auto change = parse_flag_change("+" + args[2])) {
                options.flags = change->flags;
                options.keywords = change->keywords;
            }
        auto saver = store.begin_append(mailbox, options);
        if (!saver)
            return fail(action, saver.error());
        char buffer[65536];
        while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0)
            if (auto wrote = (*saver)->write(std::string_view(buffer, static_cast<std::size_t>(std::cin.gcount()))); !wrote)
                return fail(action, wrote.error());
        auto saved = (*saver)->commit();
        if (!saved)
            return fail(action, saved.error());
        std::cout << "uid=" << saved->uid << " uidvalidity=" << saved->uid_validity << "\n";
        return 0;
    }
    const bool read_only = action == "fetch" || action == "sync-readonly";
    auto view = store.open(mailbox, read_only);
    if (!view)
        return fail(action, view.error());
    if (action == "fetch") {
        const auto uids = parse_uids(args, 2);
        if (uids.size() == 1) {
            auto content = (*view)->open_content(uids[0]);
            auto text = content ? (*content)->read_all() : mailstore::Result<std::string>(content.error());
            if (!text)
                return fail(action, text.error());
            std::cout << *text;
            return 0;
        }
        for (const auto& r : (*view)->messages()) {
            const auto vsize = (*view)->virtual_size(r.uid);
            std::cout << "uid=" << r.uid << " size=" << r.size << " vsize=" << (vsize ? *vsize : 0)
                      << " modseq=" << r.modseq << " date=" << r.internal_date
                      << " flags=(" << flags_text(r.flags, r.keywords, (*view)->keyword_names()) << ")\n";
        }
        return 0;
    }
    if (action == "flags") {
        need(4);
        const auto change = parse_flag_change(args[2]);
        if (!change)
            throw std::invalid_argument("bad flags " + args[2]);
        const auto uids = parse_uids(args, 3);
        auto updated = (*view)->update_flags(uids, *change);
        if (!updated)
            return fail(action, updated.error());
        return (*view)->checkpoint() ? 0 : 73;
    }
    if (action == "expunge") {
        auto uids = parse_uids(args, 2);
        auto expunged = uids.empty() ? (*view)->expunge() : (*view)->expunge(std::span<const Uid>(uids));
        if (!expunged)
            return fail(action, expunged.error());
        for (Uid uid : *expunged)
            std::cout << uid << "\n";
        return 0;
    }
    if (action == "sync") {
        auto done = (*view)->checkpoint();
        if (!done)
            return fail(action, done.error());
        for (const auto& r : (*view)->messages())
            std::cout << r.uid << "\n";
        return 0;
    }
    throw std::invalid_argument("unknown action " + action);
}

}  // namespace

int mailbox_command(const SubcommandArgs& a)
{
    if (a.args.size() < 2) {
        std::cerr << "usage: mailroom mailbox ACTION USER [ARGS]\n"
                     "  list USER                      mailboxes with their attributes\n"
                     "  status USER MAILBOX            counters (messages, unseen, uidnext, ...)\n"
                     "  create|delete USER MAILBOX\n"
                     "  rename USER OLD NEW\n"
                     "  save USER MAILBOX [FLAGS]      store the message on stdin (FLAGS like \\Seen,Work)\n"
                     "  fetch USER MAILBOX [UID]       list messages, or print one\n"
                     "  flags USER MAILBOX +|-|=FLAGS UID...\n"
                     "  expunge USER MAILBOX [UID...]  remove \\Deleted messages (only those UIDs)\n"
                     "  sync USER MAILBOX              pick up changes, write pending flags, list UIDs\n";
        return 64;
    }
    auto config = load_config_or_report(a.config_file, "mailroom mailbox", false);
    if (!config)
        return 78;
    std::string error;
    auto users = core::open_user_database(config->get("user_database"), {config->get_bool("local_part_case_sensitive")},
                                          error);
    if (!users) {
        std::cerr << "mailroom mailbox: " << error << "\n";
        return 78;
    }
    const auto lookup = users->lookup(a.args[1]);
    if (lookup.status != core::UserLookup::Status::found) {
        std::cerr << "mailroom mailbox: " << a.args[1] << ": "
                  << (lookup.error.empty() ? "no such user" : lookup.error) << "\n";
        return lookup.status == core::UserLookup::Status::not_found ? 67 : 75;
    }
    auto mail_user = mailstore::prepare_mail_user(*lookup.user, *config);
    if (!mail_user)
        return fail("open", mail_user.error());
    try {
        core::ScopedFsIdentity identity(mail_user->location.owner);
        auto store = mailstore::open_mail_user(*mail_user);
        if (!store)
            return fail("open", store.error());
        std::vector<std::string> rest(a.args.begin() + 1, a.args.end());
        return run(a.args[0], rest, **store);
    } catch (const std::exception& e) {
        std::cerr << "mailroom mailbox: " << e.what() << "\n";
        return 64;
    }
}

}  // namespace mailroom::programs
