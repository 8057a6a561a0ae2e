// imap/cmd_append.cpp - APPEND (see cmd_append.hpp). Flags and the internal date come before
// the message (RFC 3501 §6.3.11); a missing mailbox is NO [TRYCREATE], a message bigger than
// imap_literal_max NO [TOOBIG] before any byte is read (RFC 7888 §4 allows refusing it).
#include "imap/cmd_append.hpp"

#include "imap/commands.hpp"
#include "imap/flags.hpp"
#include "imap/protocol/imap_date.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {
namespace {

struct AppendArgs {
    std::string mailbox;
    mailstore::AppendOptions options;
};

// mailbox [SP flag-list] [SP date-time]; the message is not among `args` here.
std::optional<AppendArgs> parse_append(ArgReader& args, bool message_follows)
{
    AppendArgs parsed;
    parsed.mailbox = args.mailbox();
    if (args.next_is_list()) {
        FlagSet flags;
        std::string error;
        if (!parse_flags(*args.list("flags"), flags, error))
            args.fail(error);
        parsed.options.flags = flags.system;
        parsed.options.keywords = std::move(flags.keywords);
    }
    const Arg* next = args.peek();
    if (args.ok() && next && next->kind == Arg::Kind::quoted) {
        const auto when = parse_date_time(args.string("date-time"));
        if (!when)
            args.fail("Invalid date-time");
        parsed.options.internal_date = when;
    }
    if (message_follows)
        args.end();
    if (!args.ok())
        return std::nullopt;
    return parsed;
}

Reply check_size(Session& session, std::uint64_t size)
{
    if (size == 0)
        return Reply::no("Can't save an empty message.");
    if (size > session.settings().literal_max)
        return Reply::no("Message is larger than " + std::to_string(session.settings().literal_max) + " bytes.",
                         "TOOBIG");
    if (auto fits = mailstore::check_quota(session.user().location, session.store().quota_limit(), size); !fits)
        return storage_failure(fits.error(), session.log());
    return Reply::ok({});
}

Reply open_saver(Session& session, AppendArgs parsed, std::uint64_t size)
{
    auto saver = session.store().begin_append(parsed.mailbox, parsed.options);
    if (!saver && saver.error().is(mailstore::Errc::not_found))
        return Reply::no("Mailbox doesn't exist: " + parsed.mailbox, "TRYCREATE");
    if (!saver)
        return storage_failure(saver.error(), session.log());
    session.pending_append() = std::make_unique<PendingAppend>(
        PendingAppend{std::move(parsed.mailbox), std::move(*saver), std::nullopt, size, 0});
    return Reply::ok({});
}

Reply commit(Session& session)
{
    auto pending = std::move(session.pending_append());
    if (pending->error)
        return storage_failure(*pending->error, session.log());
    if (pending->received != pending->expected)
        return Reply::bad("Message literal incomplete");
    auto saved = pending->saver->commit();
    if (!saved)
        return storage_failure(saved.error(), session.log());
    return Reply::ok("Append completed.",
                     "APPENDUID " + std::to_string(saved->uid_validity) + " " + std::to_string(saved->uid));
}

}  // namespace

Reply append_begin(Session& session, const Command& partial, std::uint64_t size)
{
    session.pending_append().reset();
    if (session.state() == SessionState::not_authenticated)
        return Reply::bad("Log in first");
    ArgReader args(partial.args);
    auto parsed = parse_append(args, true);
    if (!parsed)
        return Reply::bad(args.error());
    if (Reply checked = check_size(session, size); checked.status != Status::ok)
        return checked;
    return open_saver(session, std::move(*parsed), size);
}

void append_data(Session& session, std::string_view bytes)
{
    PendingAppend* pending = session.pending_append().get();
    if (!pending)
        return;
    pending->received += bytes.size();
    if (pending->error)
        return;
    if (auto wrote = pending->saver->write(bytes); !wrote)
        pending->error = wrote.error();
}

Reply cmd_append(CommandContext& cx)
{
    auto parsed = parse_append(cx.args, false);
    const Arg* message = cx.args.next("message");
    cx.args.end();
    if (!cx.args.ok() || !message->is_string()) {
        cx.session.pending_append().reset();
        return Reply::bad(cx.args.ok() ? "Invalid message: expected a literal" : cx.args.error());
    }
    if (message->streamed) {
        if (!cx.session.pending_append())
            return Reply::bad("Message literal was not received");
        return commit(cx.session);
    }
    // A message sent as a quoted string or a small literal the reader buffered.
    if (Reply checked = check_size(cx.session, message->text.size()); checked.status != Status::ok)
        return checked;
    if (Reply opened = open_saver(cx.session, std::move(*parsed), message->text.size()); opened.status != Status::ok)
        return opened;
    append_data(cx.session, message->text);
    return commit(cx.session);
}

}  // namespace mailroom::imap
