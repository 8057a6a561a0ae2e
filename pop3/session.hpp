// pop3/session.hpp - one POP3 connection: moves lines between core::Connection and the
// Protocol state machine, runs logins through core's shared login step, and does every
// maildrop access on the blocking pool with the mail owner's identity (RFC 1939; the
// session's log line is described in docs/pop3.md).
#pragma once
#include "core/net/connection.hpp"
#include "core/runtime/runtime.hpp"
#include "pop3/login_delay.hpp"

#include <memory>

namespace mailroom::pop3 {

// Runs the conversation until QUIT, the error limit, a timeout, shutdown or disconnect.
// The session keeps the configuration snapshot it started with; a configuration whose POP3
// settings cannot work gets -ERR [SYS/TEMP] and an error in the log. `logins` is the
// service's record of last logins (LOGIN-DELAY), shared by its sessions.
core::awaitable<void> run_session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
                                  std::shared_ptr<LoginDelay> logins);

}  // namespace mailroom::pop3
