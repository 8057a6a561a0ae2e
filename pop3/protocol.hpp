// pop3/protocol.hpp - the POP3 server conversation as a sans-I/O state machine: RFC 1939
// (AUTHORIZATION, TRANSACTION and UPDATE states; USER, PASS, APOP, STAT, LIST, RETR, DELE, NOOP,
// RSET, TOP, UIDL, QUIT), RFC 2449 (CAPA, PIPELINING, RESP-CODES, 255-octet lines), RFC 2595
// STLS, RFC 5034 AUTH (SASL PLAIN and LOGIN, initial responses) and RFC 3206 codes.
#pragma once
#include "core/auth/sasl.hpp"
#include "pop3/maildrop.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mailroom::pop3 {

struct ProtocolOptions {
    std::string apop_timestamp;            // "<pid.n@host>" for the greeting; empty: no APOP
    bool tls_available = false;            // STLS may be offered (TLS configured, not active)
    bool plaintext_auth_allowed = false;   // USER/PASS and AUTH PLAIN/LOGIN usable now
    bool mark_seen = true;                 // RETR'd messages get \Seen at QUIT
    unsigned error_limit = 20;             // bad commands before the connection is closed
    std::chrono::seconds login_delay{0};   // CAPA LOGIN-DELAY (RFC 2449 section 6.5); 0: not announced
    std::optional<unsigned> expire_days;   // CAPA EXPIRE (section 6.7); 0: RETR'd messages go at QUIT
};

// The numbers in the logout line (docs/pop3.md).
struct SessionStats {
    std::uint32_t top_count = 0;
    std::uint64_t top_bytes = 0;
    std::uint32_t retr_count = 0;
    std::uint64_t retr_bytes = 0;
    std::uint32_t deleted = 0;   // removed at QUIT
    std::uint32_t left = 0;      // messages in the maildrop after the session
    std::uint64_t size = 0;      // octets in the maildrop at login
};

class Protocol {
public:
    struct NeedMore {};          // all input used: feed more
    struct StartTls {};          // send the output, start TLS, then tls_started()
    struct Login {               // check the credentials and open the maildrop, then
        std::string user;        // logged_in() or login_failed()
        std::string secret;      // the password, or APOP's digest
        std::string authzid;
        std::string method;      // "USER", "APOP", "PLAIN", "LOGIN"
    };
    struct Retrieve {            // open the message, retrieve_started(); stream it through a
        std::uint32_t number;    // MessageEncoder; then retrieve_finished()
        mailstore::Uid uid;
        std::optional<std::uint64_t> body_lines;   // TOP's n; nullopt for RETR
    };
    struct Update {              // QUIT in TRANSACTION: change the maildrop, then update_finished()
        std::vector<mailstore::Uid> expunge;
        std::vector<mailstore::Uid> seen;
        std::vector<mailstore::Uid> retrieved;   // RETR'd and kept: their retention starts (EXPIRE)
    };
    struct Close {               // send the output, then close the connection
        std::string reason;      // for the log: "Logged out", "Too many bad commands"
    };
    using Event = std::variant<NeedMore, StartTls, Login, Retrieve, Update, Close>;

    enum class LoginFailure { credentials, temporary, permanent, in_use, login_delay };

    explicit Protocol(ProtocolOptions options) : options_(std::move(options)) {}

    std::string greeting() const;

    // Uses a prefix of `input` (reported in `consumed`): one complete line, answered, or all
    // of it while a line is incomplete (NeedMore). After any other event the caller does what
    // it asks before feeding again; after StartTls it must drop input already received.
    // Feeding in one piece or a byte at a time gives the same replies and events.
    Event feed(std::string_view input, std::size_t& consumed);
    // The transport dropped a line longer than line_limit(): answered with -ERR.
    Event line_too_long();
    // Longest line (without its line end) accepted now: 253, or more during AUTH.
    std::size_t line_limit() const;

    void tls_started(bool plaintext_auth_allowed);
    Event login_failed(LoginFailure why);
    void logged_in(const std::string& user, std::vector<MaildropMessage> messages);
    // The message could be opened (the +OK line follows), or -ERR was answered.
    enum class RetrieveStart { ok, expunged, failed };
    void retrieve_started(RetrieveStart start);
    void retrieve_finished(std::uint64_t bytes_sent);
    // nullopt: the maildrop could not be changed (nothing was removed).
    Event update_finished(std::optional<std::size_t> expunged);

    std::string take_output();
    bool has_output() const { return !output_.empty(); }
    bool logged_in() const { return !user_.empty(); }
    // The next line answers an AUTH challenge (the log must not show it).
    bool in_sasl_exchange() const { return sasl_ != nullptr; }
    const std::string& user() const { return user_; }
    const SessionStats& stats() const { return stats_; }

private:
    enum class State { authorization, waiting, transaction, update, closed };
    using Handler = Event (Protocol::*)(std::string_view);
    struct Command {
        std::string_view name;
        Handler handler;
        bool before_login;
        bool after_login;
    };
    static const Command commands_[];

    Event line(std::string_view text);
    Event sasl_response(std::string_view text);
    Event sasl_step(core::SaslStep step);
    Event ok(std::string_view text);
    Event error(std::string_view text);    // a bad command: counts towards error_limit
    Event refuse(std::string_view text);   // a server-side refusal: does not count
    std::optional<std::string> plaintext_refusal() const;
    // A message number argument (1-based, not deleted); nullopt with the -ERR text in `why`.
    std::optional<std::uint32_t> message_number(std::string_view text, std::string& why) const;
    std::string listing_line(std::uint32_t number, bool uidl) const;
    static std::string messages_text(std::size_t count);   // "1 message", "2 messages"
    std::string maildrop_text() const;                      // "3 messages (1234 octets)"

    Event cmd_capa(std::string_view);
    Event cmd_user(std::string_view);
    Event cmd_pass(std::string_view);
    Event cmd_apop(std::string_view);
    Event cmd_auth(std::string_view);
    Event cmd_stls(std::string_view);
    Event cmd_quit(std::string_view);
    Event cmd_stat(std::string_view);
    Event cmd_list(std::string_view);
    Event cmd_retr(std::string_view);
    Event cmd_top(std::string_view);
    Event cmd_dele(std::string_view);
    Event cmd_noop(std::string_view);
    Event cmd_rset(std::string_view);
    Event cmd_uidl(std::string_view);

    ProtocolOptions options_;
    State state_ = State::authorization;
    std::string output_;
    unsigned errors_ = 0;
    std::string line_;
    bool discarding_ = false;

    std::optional<std::string> user_name_;        // from USER, for PASS
    std::unique_ptr<core::SaslExchange> sasl_;    // an AUTH exchange in progress
    std::string sasl_method_;

    std::string user_;
    std::vector<MaildropMessage> messages_;
    std::vector<bool> deleted_;
    std::vector<bool> retrieved_;
    std::uint32_t deleted_count_ = 0;
    std::uint64_t deleted_size_ = 0;
    std::optional<Retrieve> retrieving_;
    SessionStats stats_;
};

}  // namespace mailroom::pop3
