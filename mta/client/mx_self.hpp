// mta/client/mx_self.hpp - MX hosts that are this machine (RFC 5321 section 5.1): "if the
// domain name of the SMTP client (local host) appears as one of the MX records, the SMTP
// client MUST discard that record and any records of equal or higher preference"; with none
// left the message is undeliverable. Postfix bounces it with 5.4.6 "mail for DOMAIN loops
// back to myself"; so does mailroom. A host is this machine when its name is myhostname or
// one of its addresses is an address of this machine's interfaces (Postfix's
// inet_interfaces = all).
#pragma once
#include "mta/client/mx_lookup.hpp"

#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace mailroom::mta {

// Drops the hosts `is_self` names and every host of the same or a worse preference; when that
// leaves none, `mx.status` becomes 5.4.6. A result that already failed is left alone.
void drop_self_and_worse(MxResult& mx, std::string_view domain, const std::function<bool(const std::string&)>& is_self);

// The addresses of this machine's interfaces (getifaddrs), as inet_ntop writes them.
std::set<std::string> interface_addresses();

// Whether `host` is `myhostname` (case-insensitively) or resolves (getaddrinfo) to one of
// `local_addresses`. A name that does not resolve is not this machine. Blocks.
bool host_is_this_machine(const std::string& host, std::string_view myhostname,
                          const std::set<std::string>& local_addresses);

// lookup_mx(), then drop_self_and_worse() with host_is_this_machine(). Blocks: run it on the
// blocking pool.
MxResult lookup_mx_excluding_self(std::string_view domain, std::string_view myhostname);

}  // namespace mailroom::mta
