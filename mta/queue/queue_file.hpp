// mta/queue/queue_file.hpp - one queued message in one file, in the spirit of Postfix's queue
// files (the Postfix book, chapter 5; Postfix's record types): a text envelope (id, arrival
// time, client, sender, one line per recipient with a state byte), then the message with LF
// line ends. A recipient's state changes by rewriting its one state byte in place, as
// Postfix's qmgr marks done recipients, so the message is never copied again. The hand-off
// nonce is the secret half of the key under which delivery records each recipient it stored
// (queue_directory.hpp, docs/mta.md "Crashes"). "warned N" turns into "warned Y" in place
// when the delay warning (delay_warning_time) has been queued. The RFC 3461 DSN requests ride
// along as optional records: "ret" and "envid" for the message, "notify" and "orcpt" after the
// "rcpt" line they belong to (xtext-encoded, so never a space or line break); files written
// before them read as messages without any.
#pragma once
#include "core/smtp/dsn_parameters.hpp"

#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::mta {

class QueueError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class RecipientState : char { pending = 'P', done = 'D', bounced = 'B' };

struct QueueRecipient {
    std::string address;
    RecipientState state = RecipientState::pending;
    std::uint64_t state_offset = 0;   // where the state byte is in the file
    core::smtp::RcptDsn dsn = {};     // NOTIFY and ORCPT
};

struct Envelope {
    std::string id;
    std::time_t arrival = 0;
    std::string client;               // "host[192.0.2.1]", "local" ...
    std::string sender;               // empty: the null sender <>
    std::vector<QueueRecipient> recipients;
    std::string handoff = {};         // hand-off nonce (hex); empty in files without one
    bool warned = false;              // the delay warning went out ("warned Y")
    std::uint64_t warned_offset = 0;  // where its Y/N byte is; 0 in files without the record
    core::smtp::MailDsn dsn = {};     // RET and ENVID
};

// The envelope text up to and including the line that starts the message ("data\n").
std::string format_envelope(const Envelope& envelope);

// Parses a whole queue file; `data_offset` is where the message starts. Throws QueueError
// naming `path` and what is wrong.
Envelope parse_envelope(std::string_view file, std::string_view path, std::uint64_t& data_offset);

}  // namespace mailroom::mta
