// delivery/lmtp/lmtp_service.hpp - the LMTP service for mailroomd: its listeners from
// lmtp_listen (TCP or unix:/path, RFC 2033 section 5 wants no TCP port 25) and its session
// handler, with the aliases cache shared by all sessions.
#pragma once
#include "core/net/server.hpp"
#include "core/runtime/runtime.hpp"

#include <optional>

namespace mailroom::delivery::lmtp {

// nullopt when lmtp_listen is empty. Throws core::ServerError ("FILE:LINE: lmtp_listen: ...")
// for a bad address or delivery settings that cannot work (checked at startup, not per mail).
std::optional<core::Service> lmtp_service(core::Runtime& runtime);

}  // namespace mailroom::delivery::lmtp
