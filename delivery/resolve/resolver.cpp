// delivery/resolve/resolver.cpp - the expansion graph: recipient -> aliases -> tokens ->
// recipients or leaves (Postfix's recipient.c, alias.c, token.c, resolve.c). Users' own
// files and mailboxes are in resolver_user.cpp.
#include "delivery/resolve/expander.hpp"

#include "core/util/strings.hpp"
#include "delivery/resolve/rights.hpp"

#include <algorithm>

namespace mailroom::delivery {

bool is_local_domain(const DeliverySettings& settings, std::string_view domain)
{
    return domain.empty() || std::ranges::find(settings.mydestination, domain) != settings.mydestination.end();
}

bool is_virtual_domain(const DeliverySettings& settings, std::string_view domain)
{
    return !domain.empty() && std::ranges::find(settings.virtual_mailbox_domains, domain) !=
                                  settings.virtual_mailbox_domains.end();
}

Status Resolution::summary() const
{
    for (const auto& failure : failures)
        if (failure.temporary())
            return failure;
    if (destinations.empty() && !failures.empty())
        return failures.front();
    return Status::sent("resolved");
}

std::string Destination::key() const
{
    switch (kind) {
    case Kind::mailbox: return "mailbox " + (owner ? owner->name : user) + " " + core::to_lower(local);
    case Kind::file: return "file " + (rights.credentials ? std::to_string(rights.credentials->uid) : "-") + " " + target;
    case Kind::command:
        return "command " + user + ":" + (rights.credentials ? std::to_string(rights.credentials->uid) : "-") + " " + target;
    case Kind::forward: return "forward " + sender + " " + delivered_to + " " + core::to_lower(target);
    case Kind::discard: return "discard " + core::to_lower(recipient);
    }
    return {};
}

Resolution resolve_recipient(ResolverContext& context, std::string_view address, std::string_view sender)
{
    Resolution out;
    Expander(context, out).top(address, sender);
    return out;
}

Resolution resolve_mailbox_only(ResolverContext& context, std::string_view user, std::string_view address,
                                std::string_view sender)
{
    Resolution out;
    Expander(context, out).mailbox_only(user, address, sender);
    return out;
}

void Expander::fail(std::string_view enhanced, std::string text)
{
    Status status = Status::make(enhanced, std::move(text));
    deferred_ = deferred_ || status.temporary();
    out_.failures.push_back(std::move(status));
}

bool Expander::been_here(const std::string& key)
{
    if (seen_.contains(key))
        return true;
    if (seen_.size() < context_.settings.duplicate_filter_limit)
        seen_.insert(key);
    return false;
}

AddressParts Expander::split(std::string_view address) const
{
    const auto& s = context_.settings;
    return split_address(address, {s.recipient_delimiter, s.owner_request_special, !s.local_part_case_sensitive});
}

std::string Expander::with_domain(std::string_view address) const
{
    if (address.find('@') != std::string_view::npos)
        return std::string(address);
    return std::string(address) + "@" + context_.settings.myorigin;
}

Destination Expander::destination(const State& state, Destination::Kind kind) const
{
    Destination d;
    d.kind = kind;
    d.recipient = state.address;
    d.local = state.parts.local;
    d.user = state.parts.user;
    d.extension = state.parts.extension;
    d.domain = state.parts.domain;
    d.delivered_to = state.delivered;
    d.sender = state.sender;
    d.origin = state.origin;
    d.rights = state.rights;
    return d;
}

void Expander::top(std::string_view address, std::string_view sender)
{
    State state;
    state.sender = std::string(sender);
    const AddressParts parts = split(address);
    if (is_virtual_domain(context_.settings, parts.domain))
        return virtual_recipient(std::move(state), std::string(address));
    if (!is_local_domain(context_.settings, parts.domain))
        return fail("5.1.2", "domain " + parts.domain + " is not in mydestination or virtual_mailbox_domains");
    recipient(std::move(state), with_domain(address));
}

void Expander::mailbox_only(std::string_view user, std::string_view address, std::string_view sender)
{
    State state;
    state.sender = std::string(sender);
    state.address = with_domain(address);
    state.delivered = state.address;
    state.parts = split(state.address);
    if (context_.delivered_to.contains(core::to_lower(state.address)))
        return fail("5.4.6", "mail forwarding loop for " + state.address);
    local_user(std::move(state), std::string(user));
}

void Expander::recipient(State state, std::string address)
{
    if (deferred_)
        return;
    if (++state.level > nesting_limit)
        return fail("5.4.6", "recipient nesting limit exceeded for " + address);
    if (been_here("recipient " + std::to_string(state.level) + " " + core::to_lower(address)))
        return;
    // EXTERNAL LOOP CONTROL: this message was already delivered to this address once.
    if (context_.delivered_to.contains(core::to_lower(address)))
        return fail("5.4.6", "mail forwarding loop for " + address);
    if (state.delivered.empty())
        state.delivered = address;
    state.parts = split(address);
    state.address = std::move(address);
    if (state.parts.user.empty())
        return fail("5.1.3", "null username in \"" + state.address + "\"");
    local_switch(std::move(state));
}

void Expander::local_switch(State state)
{
    // Aliases first: the whole local part, then the user without the extension.
    if (alias(state, state.parts.local))
        return;
    if (!state.parts.extension.empty() && alias(state, state.parts.user))
        return;
    // Mail forwarded by a .forward, an :include: or a list with an owner- alias to another
    // local user is re-submitted, so that user's own aliases, .forward and Delivered-To
    // loop check apply to it as a message of its own.
    if (!state.owner.empty() && !core::iequals(state.owner, state.parts.user))
        return indirect(std::move(state));
    if (state.source == from_include)
        return indirect(std::move(state));
    auto lookup = context_.users.lookup(state.parts.user);
    if (lookup.status == core::UserLookup::Status::temporary_failure)
        return fail("4.3.0", "user lookup error: " + lookup.error);
    if (lookup.status == core::UserLookup::Status::not_found)
        return unknown(std::move(state));
    if (dot_forward(state, *lookup.user))
        return;
    mailbox(state, *lookup.user, true);
}

bool Expander::alias(State state, const std::string& name)
{
    if (deferred_ || core::iequals(state.exp_from, name))
        return deferred_;   // an alias that lists its own name means the user itself
    if (++state.level > nesting_limit) {
        fail("5.4.6", "alias database loop for " + name);
        return true;
    }
    const auto& settings = context_.settings;
    AliasLookup found = context_.aliases.find(settings.alias_files, name);
    if (found.status == AliasLookup::Status::not_found)
        return false;
    if (found.status == AliasLookup::Status::unavailable) {
        fail("4.3.0", "alias database unavailable: " + found.error);
        return true;
    }
    state.exp_from = name;
    state.source = from_alias;
    state.origin = "alias " + name + " (" + found.table->file + ":" + std::to_string(found.entry->line) + ")";
    // DELIVERY RIGHTS: the aliases file owner's, or default_privs when root owns it.
    state.rights = {};
    if (found.table->owner != 0) {
        std::string error;
        auto rights = rights_of_uid(found.table->owner, error);
        if (!rights) {
            fail("4.3.0", "cannot find the owner of " + found.table->file + ": " + error);
            return true;
        }
        state.rights = std::move(*rights);
    }
    owner_alias(state, name);
    const TargetList targets = parse_targets(found.entry->value);
    if (!targets.errors.empty()) {
        fail("4.3.5", "mail system configuration error: " + state.origin + ": " + targets.errors.front());
        return true;
    }
    tokens(state, targets.targets);
    return true;
}

void Expander::owner_alias(State& state, const std::string& name)
{
    // WHERE TO REPORT DELIVERY PROBLEMS: an owner-NAME alias becomes the envelope sender.
    const auto& settings = context_.settings;
    if (!settings.owner_request_special)
        return;
    const AliasLookup owner = context_.aliases.find(settings.alias_files, "owner-" + name);
    if (owner.status != AliasLookup::Status::found)
        return;
    const auto first = parse_targets(owner.entry->value);
    const bool expand = settings.expand_owner_alias && !first.targets.empty() &&
                        first.targets.front().kind == Target::Kind::address;
    state.owner = state.sender = with_domain(expand ? first.targets.front().value : "owner-" + name);
}

void Expander::tokens(const State& state, const std::vector<Target>& targets)
{
    for (const auto& target : targets) {
        if (deferred_)
            return;
        token(state, target);
    }
}

void Expander::token(const State& state, const Target& target)
{
    const auto& settings = context_.settings;
    switch (target.kind) {
    case Target::Kind::file: {
        if ((settings.files_allowed & state.source) == 0)
            return fail("5.7.1", "mail to file is restricted: " + target.value + " (" + state.origin + ")");
        std::string path = target.value;
        if (path.starts_with("~/")) {
            if (state.rights.home.empty())
                return fail("5.3.5", "unknown home directory for: " + path);
            path = state.rights.home + path.substr(1);
        }
        Destination d = destination(state, Destination::Kind::file);
        d.target = std::move(path);
        if (!been_here(d.key()))
            out_.destinations.push_back(std::move(d));
        return;
    }
    case Target::Kind::command: {
        if ((settings.commands_allowed & state.source) == 0)
            return fail("5.7.1", "mail to command is restricted: " + target.value + " (" + state.origin + ")");
        Destination d = destination(state, Destination::Kind::command);
        d.target = target.value;
        if (!been_here(d.key()))
            out_.destinations.push_back(std::move(d));
        return;
    }
    case Target::Kind::include: return include(state, target.value);
    case Target::Kind::local_user: return local_user(state, target.value);
    case Target::Kind::address: return resolve_address(state, target.value);
    }
}

void Expander::resolve_address(State state, const std::string& address)
{
    const AddressParts parts = split(address);
    if (is_local_domain(context_.settings, parts.domain))
        return recipient(std::move(state), with_domain(address));
    state.address = address;
    state.parts = parts;
    indirect(std::move(state));
}

void Expander::indirect(State state)
{
    Destination d = destination(state, Destination::Kind::forward);
    d.target = state.address;
    if (!been_here(d.key()))
        out_.destinations.push_back(std::move(d));
}

}  // namespace mailroom::delivery
