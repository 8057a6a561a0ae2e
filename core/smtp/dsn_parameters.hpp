// core/smtp/dsn_parameters.hpp - the MAIL and RCPT parameters of the SMTP DSN extension
// (RFC 3461): NOTIFY (section 4.1), ORCPT (4.2), RET (4.3), ENVID (4.4), and xtext (section 4),
// the encoding ENVID and ORCPT values travel in. Values are kept decoded; they are encoded
// again when passed on to another server (section 5.2) or written to a queue file.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::core::smtp {

inline constexpr std::size_t envid_max = 100;   // RFC 3461 4.4: the ENVID value, as sent
inline constexpr std::size_t orcpt_max = 500;   // RFC 3461 4.2: the whole ORCPT value, as sent

enum class DsnReturn { unspecified, full, headers };   // RET absent, RET=FULL, RET=HDRS

// NOTIFY as bits; 0 means no NOTIFY parameter, which RFC 3461 4.1 lets the MTA treat as
// FAILURE,DELAY (Postfix does, and so does mailroom).
enum NotifyBits : unsigned { notify_never = 1, notify_success = 2, notify_failure = 4, notify_delay = 8 };

struct MailDsn {
    DsnReturn ret = DsnReturn::unspecified;
    std::string envid;   // decoded; empty: no ENVID
};

struct RcptDsn {
    unsigned notify = 0;        // NotifyBits; 0: no NOTIFY
    std::string orcpt_type;     // ORCPT's addr-type ("rfc822"); empty: no ORCPT
    std::string orcpt;          // ORCPT's address, decoded

    bool wants_failure() const { return notify == 0 || (notify & notify_failure) != 0; }
    bool wants_delay() const { return notify == 0 || (notify & notify_delay) != 0; }
    bool wants_success() const { return (notify & notify_success) != 0; }
};

// RFC 3461 section 4: "+XX" (two upper-case hex digits) for an octet, every other character
// from '!' to '~' but '+' and '=' for itself. nullopt for anything else.
std::optional<std::string> xtext_decode(std::string_view text);
// Encodes with "+XX" exactly the octets that must be (outside '!'..'~', '+' and '=').
std::string xtext_encode(std::string_view bytes);

// "NEVER" or a comma list of SUCCESS, FAILURE, DELAY in any case and order, each once.
std::optional<unsigned> parse_notify(std::string_view value);
// The NOTIFY value for `bits` ("NEVER", "SUCCESS,FAILURE,DELAY"); empty for 0.
std::string notify_text(unsigned bits);

// Takes one MAIL or RCPT parameter into `dsn` when it is one of RFC 3461's (RET and ENVID
// for MAIL, NOTIFY and ORCPT for RCPT; `keyword` upper case). Returns nullopt for other
// keywords; an empty string when the value was taken; otherwise the text of a 501 5.5.4
// reply: bad syntax, a value too long, or the parameter given twice.
std::optional<std::string> take_mail_parameter(MailDsn& dsn, std::string_view keyword, std::string_view value);
std::optional<std::string> take_rcpt_parameter(RcptDsn& dsn, std::string_view keyword, std::string_view value);

// The parameters as a client sends them, each after a space (" RET=HDRS ENVID=a+2Bb");
// empty when there is nothing to send.
std::string mail_parameters(const MailDsn& dsn);
std::string rcpt_parameters(const RcptDsn& dsn);

}  // namespace mailroom::core::smtp
