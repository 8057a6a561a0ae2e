// mta/queue/targets.hpp - where the queue manager sends a group of recipients: local ones to
// the LMTP service (lmtp_delivery_address, else the first lmtp_listen), remote ones to
// relayhost when it is set (as Postfix does, no MX lookup then), else to the MX hosts of
// their domain in order of preference (RFC 5321 section 5.1, mx_lookup.hpp), port 25. SMTP
// targets get smtp_tls_security_level (with verify, the certificate must name relayhost's host
// or the MX host, as Postfix's "verify" level); only relayhost gets the SASL credentials.
#pragma once
#include "core/config/config.hpp"
#include "mta/client/mx_lookup.hpp"
#include "mta/client/smtp_client.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mailroom::mta {

// nullopt with `error` set when the configuration names no usable place.
std::optional<ClientTarget> lmtp_target(const core::Config& config, std::string& error);
std::optional<ClientTarget> relay_target(const core::Config& config, std::string& error);

// One target per MX host, in the order to try them.
std::vector<ClientTarget> mx_targets(const core::Config& config, const MxResult& mx);

// The domain of an address, lower-cased ("" without one).
std::string recipient_domain(std::string_view address);

}  // namespace mailroom::mta
