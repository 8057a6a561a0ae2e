// delivery/status.hpp - the outcome of a delivery step: an SMTP/LMTP reply code (RFC 5321
// section 4.2), an RFC 3463 enhanced status code and a text naming what failed and where.
// This is the one place that maps storage errors, errno values and program exit codes
// (sysexits.h) to statuses, after Postfix's mbox_dsn() and sys_exits.c.
#pragma once
#include "mailstore/errors.hpp"

#include <string>
#include <string_view>

namespace mailroom::delivery {

struct Status {
    int reply = 250;                  // 250, 451, 452, 550, 552, 554 ...
    std::string enhanced = "2.0.0";   // RFC 3463 class.subject.detail
    std::string text;                 // one line: "cannot lock /var/mail/ann: timeout"

    bool ok() const { return reply / 100 == 2; }
    bool temporary() const { return reply / 100 == 4; }
    bool permanent() const { return reply / 100 == 5; }

    static Status sent(std::string text) { return {250, "2.0.0", std::move(text)}; }
    // The reply code follows from the enhanced code (reply_code_for).
    static Status make(std::string_view enhanced, std::string text);
};

// RFC 3463 class/subject to the RFC 5321 reply code a client expects with it: 4.2.2 -> 452,
// 4.x -> 451, 5.1.x -> 550, 5.2.2 and 5.3.4 -> 552, other 5.x -> 550 or 554.
int reply_code_for(std::string_view enhanced);

// True for "D.D.D" with a class of 2, 4 or 5 (RFC 3463 section 2 syntax).
bool is_enhanced_code(std::string_view text);

// A storage failure, as mbox_dsn() classifies it: temporary (ENOSPC, EIO) -> 4.3.0, lock
// timeout -> 4.2.0, over quota -> 5.2.2 (4.2.2 when `quota_tempfail`), message too big ->
// 5.2.3, configuration problems -> 4.3.5, anything else (permissions, unsafe paths) -> 5.2.0.
Status status_from_store_error(const mailstore::Error& error, bool quota_tempfail);

// A program's exit, as Postfix's pipe_command(): output that starts with an enhanced status
// code wins; then the sysexits.h table (75 and 71 are temporary); any other non-zero status
// is permanent (5.3.0). `output` is the program's stderr, appended as "Command output: ...".
Status status_from_exit(int exit_status, std::string_view command, std::string_view output);

// The sysexits.h code `mailroom deliver` exits with for a status: 0, 75 (any 4.x.x), 67
// (5.1.1), 68 (5.1.2), 73 (5.2.x), 65 (5.6.x), 77 (5.7.x), 78 (5.3.5), 69 otherwise.
int exit_code_for(const Status& status);

// Makes client- or program-supplied text safe for one reply line: control characters become
// spaces, runs of white space collapse, and the result is cut at `max_length` bytes.
std::string one_line(std::string_view text, std::size_t max_length = 400);

}  // namespace mailroom::delivery
