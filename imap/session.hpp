// imap/session.hpp - the state of one IMAP connection (RFC 3501 §3: not authenticated,
// authenticated, selected, logout) as the command handlers see it: the user's store, the
// selected mailbox, enabled extensions (RFC 5161 ENABLE, RFC 7162 CONDSTORE), and the
// untagged responses waiting to be sent. Sans-I/O: the session loop (session_loop.cpp) owns
// the socket and runs handlers on the blocking pool with the user's identity.
#pragma once
#include "core/log/log.hpp"
#include "imap/selected_mailbox.hpp"
#include "imap/settings.hpp"
#include "mailstore/mail_user.hpp"

#include <memory>
#include <optional>
#include <string>

namespace mailroom::imap {

enum class SessionState : unsigned char { not_authenticated, authenticated, selected, logout };

// A login the session loop has to check (LOGIN, or AUTHENTICATE's mechanism and initial
// response), filled in by the handler.
struct LoginRequest {
    std::string mechanism;                         // "LOGIN" for the LOGIN command
    std::string user, password;
    std::optional<std::string> initial_response;   // AUTHENTICATE with SASL-IR (RFC 4959)
};

// What the session loop knows about the connection and tells the protocol.
struct TransportFacts {
    bool tls_active = false;
    bool tls_available = false;     // STARTTLS can be offered
    bool plaintext_allowed = false; // core::plaintext_auth_allowed()
};

struct PendingAppend;               // cmd_append.cpp: an APPEND whose literal is arriving

class Session {
public:
    Session(std::shared_ptr<const ImapSettings> settings, core::Logger log);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const ImapSettings& settings() const { return *settings_; }
    const core::Logger& log() const { return log_; }

    const TransportFacts& transport() const { return transport_; }
    void set_transport(const TransportFacts& facts) { transport_ = facts; }

    SessionState state() const { return state_; }
    // Untagged responses for the client, sent before the command's tagged response.
    std::string& out() { return out_; }

    LoginRequest& login_request() { return login_; }
    void logged_in(mailstore::MailUser user, std::unique_ptr<mailstore::UserStore> store);
    const mailstore::MailUser& user() const { return *user_; }
    bool has_user() const { return user_ != nullptr; }
    mailstore::UserStore& store() { return *store_; }

    SelectedMailbox* selected() { return selected_.get(); }
    void select(std::unique_ptr<SelectedMailbox> mailbox);
    void deselect();

    bool condstore() const { return condstore_; }
    void enable_condstore() { condstore_ = true; }

    std::unique_ptr<PendingAppend>& pending_append() { return append_; }

    void logout();

private:
    std::shared_ptr<const ImapSettings> settings_;
    core::Logger log_;
    TransportFacts transport_;
    SessionState state_ = SessionState::not_authenticated;
    bool condstore_ = false;
    std::string out_;
    LoginRequest login_;
    std::unique_ptr<mailstore::MailUser> user_;
    std::unique_ptr<mailstore::UserStore> store_;
    std::unique_ptr<SelectedMailbox> selected_;
    std::unique_ptr<PendingAppend> append_;
};

}  // namespace mailroom::imap
