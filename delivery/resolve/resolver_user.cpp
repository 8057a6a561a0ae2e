// delivery/resolve/resolver_user.cpp - the user end of resolution: virtual(8) users, the
// .forward search (dotforward.c), :include: files (include.c), mailboxes and unknown users
// with luser_relay (unknown.c).
#include "delivery/resolve/expander.hpp"

#include "core/auth/mail_identity.hpp"
#include "core/util/strings.hpp"
#include "delivery/resolve/local_expand.hpp"
#include "delivery/resolve/user_files.hpp"
#include "mailstore/location.hpp"

namespace mailroom::delivery {
namespace {

LocalVariables variables_for(const Expander::State& state, const std::string& home, const std::string& shell,
                             const DeliverySettings& settings)
{
    LocalVariables v;
    v.user = state.parts.user;
    v.home = home;
    v.shell = shell;
    v.recipient = state.address;
    v.extension = state.parts.extension;
    v.domain = state.parts.domain;
    v.local = state.parts.local;
    v.recipient_delimiter = !state.parts.delimiter.empty()      ? state.parts.delimiter
                            : !settings.recipient_delimiter.empty() ? settings.recipient_delimiter.substr(0, 1)
                                                                    : std::string();
    return v;
}

}  // namespace

void Expander::virtual_recipient(State state, const std::string& address)
{
    state.parts = split(address);
    state.address = address;
    state.delivered = address;
    if (context_.delivered_to.contains(core::to_lower(address)))
        return fail("5.4.6", "mail forwarding loop for " + address);
    const std::string name = state.parts.user + "@" + state.parts.domain;
    auto lookup = context_.users.lookup(name);
    if (lookup.status == core::UserLookup::Status::temporary_failure)
        return fail("4.3.0", "user lookup error: " + lookup.error);
    if (lookup.status == core::UserLookup::Status::not_found)
        return fail("5.1.1", "unknown user: \"" + name + "\"");
    mailbox(state, *lookup.user, false);
}

bool Expander::dot_forward(State state, const core::User& user)
{
    const auto& settings = context_.settings;
    if (settings.forward_path.empty())
        return false;
    std::string error;
    const auto credentials = core::mail_credentials(user, context_.config, error);
    if (!credentials) {
        fail("4.3.5", "mail system configuration error: " + error);
        return true;
    }
    // DELIVERY RIGHTS: the recipient's own, never the .forward owner's (root's become
    // default_privs when used). WHERE TO REPORT: the user is now the forwarder.
    state.rights = {credentials, mailstore::user_home(user, context_.config), user.shell};
    state.source = from_forward;
    state.owner = state.parts.user;
    const LocalVariables variables = variables_for(state, state.rights.home, user.shell, settings);
    for (const auto& item : settings.forward_path) {
        const LocalExpansion path = local_expand(context_.config, item, variables, settings.forward_filter);
        if (!path.error.empty() || path.undefined || path.value.empty())
            continue;
        UserFile file = read_forward_file(path.value, *credentials);
        if (file.status == UserFile::Status::missing)
            continue;
        if (been_here("forward " + path.value))
            return been_here_check("forward-done " + path.value);   // else: recursion, use the mailbox
        state.exp_from = state.parts.local;
        if (file.status == UserFile::Status::refused) {
            warn(file.why + "; delivering to the mailbox instead");
            return false;
        }
        const TargetList targets = parse_target_lines(file.text);
        for (const auto& e : targets.errors)
            warn(path.value + ": " + e);
        if (targets.targets.empty())
            return false;   // an empty .forward means: do not forward
        state.origin = path.value;
        tokens(state, targets.targets);
        been_here("forward-done " + path.value);
        return true;
    }
    return false;
}

void Expander::include(State state, const std::string& path)
{
    if (++state.level > nesting_limit)
        return fail("5.4.6", ":include: nesting limit exceeded for " + path);
    const std::string reader = state.rights.credentials ? std::to_string(state.rights.credentials->uid) : "0";
    if (been_here("include " + reader + " " + path))
        return;
    state.exp_from = state.parts.local;
    // FILE OPEN RIGHTS: the delivery rights, or mailroom's own for root-owned aliases.
    const UserFile file =
        read_include_file(path, state.rights.is_root() ? std::nullopt : state.rights.credentials);
    if (file.status != UserFile::Status::ok)
        return fail("5.3.5", "mail system configuration error: " +
                                 (file.status == UserFile::Status::missing ? ":include: file " + path + " not found"
                                                                           : file.why));
    state.source = from_include;
    // DELIVERY RIGHTS: a non-root :include: file listed in a root-owned alias gets its owner's
    // rights, so the file's owner cannot act as the default_privs account.
    if (state.rights.is_root() && file.owner != 0) {
        std::string error;
        auto rights = rights_of_uid(file.owner, error);
        if (!rights)
            return fail("4.3.5", "mail system configuration error: owner of " + path + ": " + error);
        state.rights = std::move(*rights);
    }
    if (state.owner.empty())
        state.owner = state.address;
    state.origin = ":include:" + path;
    const TargetList targets = parse_target_lines(file.text);
    if (!targets.errors.empty())
        return fail("4.3.5", "mail system configuration error: " + path + ": " + targets.errors.front());
    tokens(state, targets.targets);
}

void Expander::local_user(State state, const std::string& name)
{
    const std::string user = context_.settings.local_part_case_sensitive ? name : core::to_lower(name);
    auto lookup = context_.users.lookup(user);
    if (lookup.status == core::UserLookup::Status::temporary_failure)
        return fail("4.3.0", "user lookup error: " + lookup.error);
    if (state.parts.user != user) {
        state.address = with_domain(user);
        state.parts = split(state.address);
    }
    if (lookup.status == core::UserLookup::Status::not_found)
        return unknown(std::move(state));
    mailbox(state, *lookup.user, true);
}

void Expander::mailbox(const State& state, const core::User& user, bool local_domain)
{
    Destination d = destination(state, Destination::Kind::mailbox);
    d.owner = std::make_shared<const core::User>(user);
    d.local_domain = local_domain;
    if (d.origin.empty())
        d.origin = "mailbox";
    if (!been_here(d.key()))
        out_.destinations.push_back(std::move(d));
}

void Expander::unknown(State state)
{
    const auto& settings = context_.settings;
    if (been_here("unknown " + state.parts.local))
        return;
    if (!settings.luser_relay.empty()) {
        const LocalExpansion relay = local_expand(context_.config, settings.luser_relay,
                                                  variables_for(state, "", "", settings), "");
        if (!relay.error.empty() || relay.value.empty())
            return fail("4.3.5", "mail system configuration error: luser_relay: " + relay.error);
        state.origin = "luser_relay";
        return resolve_address(std::move(state), relay.value);
    }
    // Mail for these must never bounce; local(8) drops it with a warning when they have no alias.
    if (state.parts.user == "postmaster" || state.parts.user == "mailer-daemon") {
        warn("required alias not found: " + state.parts.user);
        out_.destinations.push_back(destination(state, Destination::Kind::discard));
        return;
    }
    fail("5.1.1", "unknown user: \"" + state.parts.user + "\"");
}

}  // namespace mailroom::delivery
