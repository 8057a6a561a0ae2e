// imap/session_loop.hpp - one IMAP connection: the coroutine that moves bytes between
// core::Connection and the sans-I/O pieces (CommandReader, Session, the command handlers),
// runs store work on the blocking pool with the user's identity, and handles what needs the
// socket itself: literals and APPEND streaming, login, STARTTLS, IDLE, LOGOUT (RFC 3501).
#pragma once
#include "core/net/connection.hpp"
#include "core/runtime/runtime.hpp"

#include <memory>

namespace mailroom::imap {

// Runs the conversation until LOGOUT, a timeout, server shutdown (then "* BYE") or
// disconnect; logs one line when the session ends. Keeps the configuration snapshot it
// started with.
core::awaitable<void> run_session(std::shared_ptr<core::Connection> connection, core::Runtime& runtime);

}  // namespace mailroom::imap
