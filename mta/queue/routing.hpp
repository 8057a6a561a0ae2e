// mta/queue/routing.hpp - where a recipient goes: domains in mydestination or
// virtual_mailbox_domains (and bare local parts) are local and go to the delivery service
// over LMTP; everything else is remote and goes to relayhost (the Postfix book, chapter 5:
// the queue manager's local and relay transports).
#pragma once
#include "core/config/config.hpp"

#include <string_view>

namespace mailroom::mta {

bool is_local_recipient(const core::Config& config, std::string_view address);

// The domain of an address (after the last '@'), lower case; empty for a bare local part.
std::string address_domain(std::string_view address);

}  // namespace mailroom::mta
