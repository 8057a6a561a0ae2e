// imap/cmd_quota.cpp - QUOTA (RFC 9208, after RFC 2087): one quota root, "", over the user's
// whole store (the mailstore's Maildir++ or mbox quota). STORAGE is in units of 1024 octets.
#include "imap/commands.hpp"
#include "imap/protocol/wire_name.hpp"
#include "imap/storage_error.hpp"

namespace mailroom::imap {
namespace {

// Appends "* QUOTA "" (STORAGE 10 512 MESSAGE 3 1000)" for a limited user; a failure reply
// when the usage cannot be read.
std::optional<Reply> append_quota(Session& session)
{
    const mailstore::QuotaLimit& limit = session.store().quota_limit();
    auto usage = session.store().quota_usage();
    if (!usage)
        return storage_failure(usage.error(), session.log());
    std::string resources;
    if (limit.storage_bytes)
        resources += "STORAGE " + std::to_string((usage->bytes + 1023) / 1024) + " " +
                     std::to_string(limit.storage_bytes / 1024);
    if (limit.messages)
        resources += std::string(resources.empty() ? "" : " ") + "MESSAGE " + std::to_string(usage->messages) + " " +
                     std::to_string(limit.messages);
    session.out() += "* QUOTA \"\" (" + resources + ")\r\n";
    return std::nullopt;
}

}  // namespace

Reply cmd_getquotaroot(CommandContext& cx)
{
    const std::string name = cx.args.mailbox();
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    auto status = cx.session.store().status(name);   // the mailbox must exist
    if (!status)
        return storage_failure(status.error(), cx.session.log());
    std::string& out = cx.session.out();
    const std::size_t start = out.size();
    out += "* QUOTAROOT ";
    append_mailbox_name(out, name);
    const bool limited = !cx.session.store().quota_limit().unlimited();
    out += limited ? " \"\"\r\n" : "\r\n";
    if (limited)
        if (auto failure = append_quota(cx.session)) {
            out.resize(start);
            return std::move(*failure);
        }
    return Reply::ok("Getquotaroot completed.");
}

Reply cmd_getquota(CommandContext& cx)
{
    const std::string root = cx.args.astring("quota root");
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (!root.empty() || cx.session.store().quota_limit().unlimited())
        return Reply::no("No such quota root.", "NONEXISTENT");
    if (auto failure = append_quota(cx.session))
        return std::move(*failure);
    return Reply::ok("Getquota completed.");
}

Reply cmd_setquota(CommandContext&)
{
    return Reply::no("Quotas are set by the administrator (users file quota_rule).", "NOPERM");
}

}  // namespace mailroom::imap
