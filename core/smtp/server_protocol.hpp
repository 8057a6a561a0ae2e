// core/smtp/server_protocol.hpp - the server side of an SMTP (RFC 5321) or LMTP (RFC 2033)
// conversation as a sans-I/O state machine: fed bytes, it produces replies and events.
// EHLO/HELO (SMTP) or LHLO (LMTP, HELO/EHLO refused, RFC 2033 4.1), MAIL/RCPT/RSET/NOOP/VRFY/
// QUIT (RFC 5321 4.1.1), DATA with one reply (SMTP) or one per accepted recipient in RCPT
// order (RFC 2033 4.2), BDAT (RFC 3030), PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME
// (RFC 6152), SMTPUTF8 (RFC 6531), ENHANCEDSTATUSCODES (RFC 2034/3463), DSN (RFC 3461, when the
// settings ask for it: its parameters are kept for the session). STARTTLS (RFC 3207)
// and AUTH (RFC 4954) are handed to the session, which owns the socket and the SASL exchange.
#pragma once
#include "core/smtp/data_decoder.hpp"
#include "core/smtp/dsn_parameters.hpp"
#include "core/smtp/status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mailroom::core::smtp {

inline constexpr std::size_t command_line_max = 2048;   // RFC 5321 4.5.3.1.4: 512 at least
inline constexpr int hard_error_limit = 20;              // then 421, as Postfix's smtpd_hard_error_limit

enum class Dialect { lmtp, smtp };

struct ProtocolSettings {
    std::string host_name;                  // in the greeting, LHLO/EHLO reply and 221
    std::uint64_t message_size_limit = 0;   // 0: no limit (SIZE advertised without a number)
    std::size_t recipient_limit = 1000;
    Dialect dialect = Dialect::lmtp;
    std::string banner;                     // greeting text after "220 "; empty: "HOST LMTP server ready"
    bool verify_sender = false;             // MAIL FROM asks the session (VerifySender) before 250
    bool dsn = false;                       // EHLO offers DSN; RET/ENVID/NOTIFY/ORCPT are taken, else 555
};

class Protocol {
public:
    struct NeedMore {};                     // everything offered was used: feed more input
    struct VerifySender {                   // answer with sender_verified() before feeding again
        std::string address;
    };
    struct VerifyRecipient {                // answer with recipient_verified() before feeding again
        std::string address;
        std::uint64_t declared_size = 0;    // MAIL FROM SIZE=, or 0
    };
    struct MessageData {                    // content (the first piece starts the message), LF line
                                            // ends; valid until the next feed()
        std::string_view bytes;
    };
    struct MessageEnd {};                   // deliver now; answer with message_delivered()
    struct MessageDiscard {};               // the content will be refused (too big, RSET): drop it
    struct Close {};                        // after QUIT or a fatal error: flush output, close
    struct Extension {                      // SMTP STARTTLS or AUTH outside a transaction, after
        std::string verb;                   // EHLO: the session answers with send_reply() (and,
        std::string argument;               // for a TLS upgrade, tls_started()) before feeding
    };
    using Event = std::variant<NeedMore, VerifySender, VerifyRecipient, MessageData, MessageEnd, MessageDiscard,
                               Close, Extension>;

    explicit Protocol(ProtocolSettings settings) : settings_(std::move(settings)) {}

    std::string greeting() const;

    // Uses a prefix of `input` (reported in `consumed`) and returns the next event. Unused
    // bytes must be offered again. Feeding in one piece or a byte at a time gives the same
    // replies and events (the MessageData pieces may be split differently).
    Event feed(std::string_view input, std::size_t& consumed);

    // The transport threw away an over-long line (a command, or a DATA line it cannot hold):
    // a 500 reply, or the message is refused (MessageDiscard).
    Event line_too_long();

    void sender_verified(const Status& status);
    void recipient_verified(const Status& status);
    // After MessageEnd: the status of the next accepted recipient, in RCPT order, as soon as
    // it is known (its reply can go out at once). After the last one the transaction ends.
    // SMTP has one status for the whole message (queued or not): one call ends it.
    void recipient_delivered(const Status& status);

    // EHLO keywords the session offers besides the built-in ones ("STARTTLS", "AUTH PLAIN
    // LOGIN"); they change with the session's state, so the session sets them as it goes.
    void set_extra_keywords(std::vector<std::string> keywords) { extra_keywords_ = std::move(keywords); }
    // A reply of the session's own (to an Extension event, an AUTH outcome).
    void send_reply(int code, std::string_view enhanced, std::string_view text);
    // RFC 3207 section 4.2: after the TLS handshake the client starts over with EHLO.
    void tls_started();

    // Replies produced so far (complete CRLF lines); the caller sends them.
    std::string take_output();
    bool has_output() const { return !output_.empty(); }

    // BDAT bytes still expected: the transport may read exactly this many.
    std::uint64_t chunk_remaining() const { return chunk_remaining_; }
    bool in_data() const { return phase_ == Phase::data; }
    const std::string& hello_name() const { return hello_name_; }
    const std::string& sender() const { return sender_; }
    const std::vector<std::string>& recipients() const { return recipients_; }
    // RFC 3461 parameters of the transaction (empty without settings.dsn): MAIL's, and one per
    // accepted recipient in the order of recipients().
    const MailDsn& mail_dsn() const { return mail_dsn_; }
    const std::vector<RcptDsn>& recipient_dsn() const { return recipient_dsn_; }
    std::uint64_t message_size() const { return message_size_; }

private:
    enum class Phase { command, verifying_sender, verifying, data, chunk, delivering, closed };
    bool lmtp() const { return settings_.dialect == Dialect::lmtp; }

    Event command(std::string_view line);
    Event cmd_lhlo(std::string_view argument);
    Event cmd_ehlo(std::string_view argument);
    Event cmd_helo(std::string_view argument);
    Event cmd_extension(std::string_view verb, std::string_view argument);
    Event hello_done(std::string_view name, bool extended);
    Event cmd_mail(std::string_view argument);
    Event cmd_rcpt(std::string_view argument);
    Event cmd_data(std::string_view argument);
    Event cmd_bdat(std::string_view argument);
    Event cmd_rset(std::string_view argument);
    Event cmd_noop(std::string_view argument);
    Event cmd_quit(std::string_view argument);
    Event cmd_vrfy(std::string_view argument);
    Event cmd_help(std::string_view argument);
    Event step(std::string_view input, std::size_t& consumed);
    Event feed_line(std::string_view input, std::size_t& consumed);
    Event feed_data(std::string_view input, std::size_t& consumed);
    Event feed_chunk(std::string_view input, std::size_t& consumed);
    Event chunk_done();
    Event end_of_chunk();
    Event end_of_data();
    bool count(std::uint64_t bytes);

    void reply(std::string_view code, std::string_view enhanced, std::string_view text);
    Event error(std::string_view code, std::string_view enhanced, std::string_view text);
    Event reset_transaction();
    bool refuse(Status why);
    bool refused() const { return !refusal_.ok(); }

    ProtocolSettings settings_;
    Phase phase_ = Phase::command;
    std::string output_;
    int errors_ = 0;

    std::string line_;                 // command being assembled
    bool discarding_ = false;          // the command line is too long: skip to its end
    std::string hello_name_;                // from LHLO, EHLO or HELO

    bool has_mail_ = false;
    std::string sender_;
    std::uint64_t declared_size_ = 0;
    std::vector<std::string> extra_keywords_;
    std::string pending_sender_;
    std::uint64_t pending_size_ = 0;
    std::string pending_recipient_;
    std::vector<std::string> recipients_;
    MailDsn mail_dsn_;
    MailDsn pending_mail_dsn_;
    RcptDsn pending_recipient_dsn_;
    std::vector<RcptDsn> recipient_dsn_;
    std::size_t delivered_count_ = 0;

    bool message_started_ = false;     // content has begun (DATA, or the first BDAT chunk)
    std::uint64_t message_size_ = 0;
    Status refusal_;                   // set (not ok) when the content is refused
    std::string decoded_;
    DotDecoder dots_;
    ChunkDecoder chunks_;
    std::uint64_t chunk_remaining_ = 0;
    std::uint64_t chunk_size_ = 0;
    bool chunk_last_ = false;
    Status chunk_error_;               // not ok: a BDAT that is read and thrown away, and its reply
    bool end_pending_ = false;         // the content ended after the data just returned
};

}  // namespace mailroom::core::smtp
