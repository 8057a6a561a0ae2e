// core/smtp/server_session.hpp - the I/O loop every SMTP-family server session shares (LMTP
// in delivery/, SMTP and submission in mta/): reads command lines, DATA lines and BDAT
// chunks (RFC 3030) from a core::Connection, feeds them to the Protocol machine, sends its
// replies in batches while pipelined input waits (RFC 2920 section 3.2), and hands every
// event to the service through virtual hooks. Says 421 on shutdown (RFC 5321 3.8).
#pragma once
#include "core/log/log.hpp"
#include "core/net/connection.hpp"
#include "core/smtp/server_protocol.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace mailroom::core::smtp {

struct SessionTimeouts {
    std::chrono::milliseconds command{std::chrono::minutes(5)};   // between commands
    std::chrono::milliseconds data{std::chrono::minutes(3)};      // between reads of content
};

class ServerSession {
public:
    ServerSession(std::shared_ptr<Connection> connection, ProtocolSettings settings, SessionTimeouts timeouts,
                  Logger log, std::string client);
    virtual ~ServerSession() = default;
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;

    // Runs the conversation until QUIT, an error limit, a timeout, shutdown or disconnect.
    awaitable<void> run();

protected:
    // The hooks answer the machine (recipient_verified(), recipient_delivered()...) before
    // they return. Exceptions end the session.
    virtual awaitable<void> verify_sender(const Protocol::VerifySender& request);   // default: accept
    virtual awaitable<void> verify_recipient(const Protocol::VerifyRecipient& request) = 0;
    virtual awaitable<void> message_data(std::string_view bytes) = 0;
    virtual void message_discard() = 0;
    virtual awaitable<void> message_end() = 0;
    // STARTTLS/AUTH; false ends the session. Default: 502 not implemented.
    virtual awaitable<bool> extension(const Protocol::Extension& request);

    // Sends what the machine has replied so far; `now` flushes even while input waits.
    awaitable<void> send_output(bool now);

    Connection& connection() { return *conn_; }
    const Connection& connection() const { return *conn_; }
    Protocol& machine() { return machine_; }
    const Protocol& machine() const { return machine_; }
    const Logger& log() const { return log_; }
    const std::string& client() const { return client_; }
    const SessionTimeouts& timeouts() const { return timeouts_; }

private:
    awaitable<bool> feed(std::string_view input);
    awaitable<bool> handle(Protocol::Event event);

    std::shared_ptr<Connection> conn_;
    Protocol machine_;
    SessionTimeouts timeouts_;
    Logger log_;
    std::string client_;
    std::string host_name_;
    std::string framed_;
    std::string piece_;
};

}  // namespace mailroom::core::smtp
