// mta/client/mx_lookup.hpp - where mail for a remote domain goes when relayhost is empty (RFC 5321
// section 5.1): the domain's MX records (RFC 1035 section 3.3.9) in order of preference, the
// domain itself when it has none (the implicit MX), nothing for a "null MX" (RFC 7505), with
// DNS answers parsed by libresolv's ns_* functions. As Postfix does, a set relayhost takes all
// remote mail and no MX lookup happens.
#pragma once
#include "core/smtp/status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::mta {

struct MxHost {
    unsigned preference = 0;
    std::string host;
};

struct MxResult {
    std::vector<MxHost> hosts;        // lowest preference first; empty when status is set
    core::smtp::Status status;        // why there is nowhere to go: 4.4.3 (DNS trouble), 5.1.2
                                      // (no such domain), 5.1.10 (null MX); empty when found
};

// Parses the answer to an MX query for `domain`. A domain without MX records gets itself as
// the only host; one whose only MX is "." (RFC 7505) gets 5.1.10.
MxResult parse_mx_answer(const unsigned char* answer, std::size_t length, std::string_view domain);

// Asks the system's resolver (res_nquery: /etc/resolv.conf). Blocks: run it on the blocking pool.
MxResult lookup_mx(std::string_view domain);

}  // namespace mailroom::mta
