// delivery/lmtp/protocol.hpp - the LMTP server conversation (RFC 2033) as a sans-I/O state
// machine: fed bytes, it produces replies and events. LHLO (HELO/EHLO refused, section 4.1),
// MAIL/RCPT/RSET/NOOP/VRFY/QUIT (RFC 5321 4.1.1), DATA with one reply per accepted recipient
// in RCPT order (RFC 2033 4.2), BDAT (RFC 3030), PIPELINING (RFC 2920), SIZE (RFC 1870),
// 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531) and ENHANCEDSTATUSCODES (RFC 2034/3463).
#pragma once
#include "delivery/lmtp/data_decoder.hpp"
#include "delivery/status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mailroom::delivery::lmtp {

inline constexpr std::size_t command_line_max = 2048;   // RFC 5321 4.5.3.1.4: 512 at least
inline constexpr int hard_error_limit = 20;              // then 421, as Postfix's smtpd_hard_error_limit

struct ProtocolSettings {
    std::string host_name;                  // in the greeting, LHLO reply and 221
    std::uint64_t message_size_limit = 0;   // 0: no limit (SIZE advertised without a number)
    std::size_t recipient_limit = 1000;
};

class Protocol {
public:
    struct NeedMore {};                     // everything offered was used: feed more input
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
    using Event = std::variant<NeedMore, VerifyRecipient, MessageData, MessageEnd, MessageDiscard, Close>;

    explicit Protocol(ProtocolSettings settings) : settings_(std::move(settings)) {}

    std::string greeting() const;

    // Uses a prefix of `input` (reported in `consumed`) and returns the next event. Unused
    // bytes must be offered again. Feeding in one piece or a byte at a time gives the same
    // replies and events (the MessageData pieces may be split differently).
    Event feed(std::string_view input, std::size_t& consumed);

    // The transport threw away an over-long line (a command, or a DATA line it cannot hold):
    // a 500 reply, or the message is refused (MessageDiscard).
    Event line_too_long();

    void recipient_verified(const Status& status);
    // After MessageEnd: the status of the next accepted recipient, in RCPT order, as soon as
    // it is known (its reply can go out at once). After the last one the transaction ends.
    void recipient_delivered(const Status& status);

    // Replies produced so far (complete CRLF lines); the caller sends them.
    std::string take_output();
    bool has_output() const { return !output_.empty(); }

    // BDAT bytes still expected: the transport may read exactly this many.
    std::uint64_t chunk_remaining() const { return chunk_remaining_; }
    bool in_data() const { return phase_ == Phase::data; }
    const std::string& lhlo_name() const { return lhlo_name_; }
    const std::string& sender() const { return sender_; }
    const std::vector<std::string>& recipients() const { return recipients_; }
    std::uint64_t message_size() const { return message_size_; }

private:
    enum class Phase { command, verifying, data, chunk, delivering, closed };

    Event command(std::string_view line);
    Event cmd_lhlo(std::string_view argument);
    Event cmd_mail(std::string_view argument);
    Event cmd_rcpt(std::string_view argument);
    Event cmd_data(std::string_view argument);
    Event cmd_bdat(std::string_view argument);
    Event cmd_rset(std::string_view argument);
    Event cmd_noop(std::string_view argument);
    Event cmd_quit(std::string_view argument);
    Event cmd_vrfy(std::string_view argument);
    Event cmd_helo(std::string_view argument);
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
    std::string lhlo_name_;

    bool has_mail_ = false;
    std::string sender_;
    std::uint64_t declared_size_ = 0;
    std::string pending_recipient_;
    std::vector<std::string> recipients_;
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

}  // namespace mailroom::delivery::lmtp
