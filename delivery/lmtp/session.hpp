// delivery/lmtp/session.hpp - one LMTP connection: the shared SMTP-family loop
// (core/smtp/server_session) with delivery's hooks; it spools the message, runs recipient checks and deliveries on
// the blocking pool, and sends each recipient's reply as soon as its copy is durable
// (RFC 2033 section 4.2; replies are batched while pipelined input waits, RFC 2920).
#pragma once
#include "core/net/connection.hpp"
#include "core/runtime/runtime.hpp"
#include "delivery/pipeline.hpp"

#include <memory>

namespace mailroom::delivery::lmtp {

// Runs the conversation until QUIT, an error limit, a timeout, shutdown or disconnect.
// The session keeps the configuration snapshot it started with.
// `shared` carries the caches every session uses (aliases, filter rc files); its settings,
// config and users come from the session's own snapshot.
core::awaitable<void> run_session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
                                  const DeliveryServices& shared);

}  // namespace mailroom::delivery::lmtp
