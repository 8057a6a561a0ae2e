// delivery/resolve/resolver.hpp - recipient resolution as Postfix local(8) and virtual(8) do
// it: local domains (mydestination) go through aliases, the extension-less alias, .forward,
// the mailbox and luser_relay; virtual_mailbox_domains users come from the users file.
// Loops stop at 100 levels (5.4.6) and at a Delivered-To: already naming the recipient.
// Synchronous (it reads files as users): run it on a blocking-pool thread.
#pragma once
#include "core/auth/user_database.hpp"
#include "core/config/config.hpp"
#include "delivery/resolve/alias_maps.hpp"
#include "delivery/resolve/destination.hpp"
#include "delivery/settings.hpp"
#include "delivery/status.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::delivery {

struct ResolverContext {
    const DeliverySettings& settings;
    const core::Config& config;
    core::UserDatabase& users;
    AliasMaps& aliases;
    // Lower-cased Delivered-To: addresses of the message; empty while only the envelope is
    // known (RCPT time), so loops are detected when the message is delivered.
    std::set<std::string, std::less<>> delivered_to;
};

struct Resolution {
    std::vector<Destination> destinations;
    std::vector<Status> failures;       // destinations that cannot be delivered, or why there are none
    std::vector<std::string> warnings;  // ignored .forward files and the like, for the log

    // The recipient's status before delivery: the first temporary failure, else (when there
    // is nothing to deliver) the first permanent one, else success.
    Status summary() const;
};

// Resolves one envelope recipient ("rich+lists@example.com", or a bare "rich").
Resolution resolve_recipient(ResolverContext& context, std::string_view address, std::string_view sender);

// Resolves `user` straight to its mailbox, without aliases or .forward (mailroom deliver -d,
// after the MTA has done those): like "\user" in a .forward file. `address` supplies the
// extension and the Delivered-To: value.
Resolution resolve_mailbox_only(ResolverContext& context, std::string_view user, std::string_view address,
                                std::string_view sender);

// True when `domain` (lower case) is handled as a local(8) domain: empty or in mydestination.
bool is_local_domain(const DeliverySettings& settings, std::string_view domain);
bool is_virtual_domain(const DeliverySettings& settings, std::string_view domain);

}  // namespace mailroom::delivery
