// delivery/status.hpp - the outcome of a delivery step (core/smtp/status.hpp: reply code,
// RFC 3463 enhanced status code, text naming what failed and where).
// This is the one place that maps storage errors, errno values and program exit codes
// (sysexits.h) to statuses, after Postfix's mbox_dsn() and sys_exits.c.
#pragma once
#include "core/smtp/status.hpp"
#include "mailstore/errors.hpp"

#include <string>
#include <string_view>

namespace mailroom::delivery {

using Status = core::smtp::Status;
using core::smtp::is_enhanced_code;
using core::smtp::one_line;
using core::smtp::reply_code_for;

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

}  // namespace mailroom::delivery
