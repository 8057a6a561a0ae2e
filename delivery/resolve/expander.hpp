// delivery/resolve/expander.hpp - the recursive expansion behind resolve_recipient(), Postfix
// local(8)'s delivery graph (recipient.c, alias.c, dotforward.c, include.c, token.c,
// resolve.c, unknown.c) with its leaves turned into Destinations. Internal to resolve/.
#pragma once
#include "delivery/resolve/address.hpp"
#include "delivery/resolve/resolver.hpp"
#include "delivery/resolve/targets.hpp"

#include <set>
#include <string>

namespace mailroom::delivery {

class Expander {
public:
    Expander(ResolverContext& context, Resolution& out) : context_(context), out_(out) {}

    // State passed by value, as local(8)'s LOCAL_STATE is, so recursion never has to undo.
    struct State {
        int level = 0;
        std::string address;    // the recipient being expanded
        AddressParts parts;
        std::string sender;     // replaced by an owner- alias
        std::string owner;      // the "forwarder": set by .forward, :include: and owner- aliases
        std::string delivered;  // Delivered-To: value, fixed at the top-level recipient
        std::string exp_from;   // name being expanded: an alias listing itself means the user
        unsigned source = 0;    // ExpansionSource of the list being expanded; 0: the envelope
        Rights rights;
        std::string origin;     // "alias list (/etc/aliases:4)", "/home/ann/.forward"
    };

    void top(std::string_view address, std::string_view sender);
    void mailbox_only(std::string_view user, std::string_view address, std::string_view sender);

private:
    // resolver.cpp: the graph.
    void recipient(State state, std::string address);
    void local_switch(State state);
    bool alias(State state, const std::string& name);
    void owner_alias(State& state, const std::string& name);
    void tokens(const State& state, const std::vector<Target>& targets);
    void token(const State& state, const Target& target);
    void resolve_address(State state, const std::string& address);
    void indirect(State state);

    // resolver_user.cpp: users, their files and their mailboxes.
    void virtual_recipient(State state, const std::string& address);
    bool dot_forward(State state, const core::User& user);
    void include(State state, const std::string& path);
    void local_user(State state, const std::string& name);
    void mailbox(const State& state, const core::User& user, bool local_domain);
    void unknown(State state);

    void fail(std::string_view enhanced, std::string text);
    void warn(std::string text) { out_.warnings.push_back(std::move(text)); }
    bool been_here(const std::string& key);
    bool been_here_check(const std::string& key) const { return seen_.contains(key); }
    Destination destination(const State& state, Destination::Kind kind) const;
    std::string with_domain(std::string_view address) const;
    AddressParts split(std::string_view address) const;

    ResolverContext& context_;
    Resolution& out_;
    std::set<std::string> seen_;
    bool deferred_ = false;   // a temporary failure: the recipient is retried as a whole
};

constexpr int nesting_limit = 100;   // local(8)'s recursion limit

}  // namespace mailroom::delivery
