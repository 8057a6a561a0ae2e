// mta/commands/mta_commands.hpp - the `mailroom` subcommands of mta/: sendmail (also run as
// /usr/sbin/sendmail through argv[0]) and queue (mailq, postqueue -f, postsuper -d, postcat -q).
#pragma once
#include "core/config/config.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mailroom::mta {

using ConfigLoader = std::function<std::shared_ptr<const core::Config>()>;

// mailroom sendmail [-t] [-i|-oi] [-f SENDER] [-F NAME] [-N DSN] [-R RET] [-V ENVID] [-bs] [--]
// [RECIPIENT...]: the message on stdin goes to the running mailroomd's queue through
// $queue_directory/sendmail.sock (SMTP; see docs/mta.md for why not a maildrop directory).
// -t adds the To:, Cc: and Bcc: addresses (Bcc: removed); without -i a line "." ends the
// input; -N (never, or a list of success, delay, failure), -R (full or hdrs) and -V become
// RFC 3461's NOTIFY (for every recipient), RET and ENVID, as with Postfix's sendmail; -bs
// speaks SMTP on stdin/stdout. Other -o and -B, -X, -v options are accepted and ignored, as
// Postfix's sendmail does. Exit: 0 queued, 75 temporary failure
// (no daemon), 67 unknown recipient, 69 other refusals, 64 usage, 65 bad input.
int sendmail_main(const std::vector<std::string>& args, const ConfigLoader& load_config);

// mailroom queue [list] | flush | delete ID...|ALL | show ID
int queue_main(const std::vector<std::string>& args, const ConfigLoader& load_config);

}  // namespace mailroom::mta
