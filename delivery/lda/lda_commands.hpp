// delivery/lda/lda_commands.hpp - delivery's subcommands of the `mailroom` program:
// `mailroom deliver` (the local delivery agent for Postfix's mailbox_command and .forward
// pipes, exiting with sysexits(3) codes) and `mailroom newaliases` (checks aliases files).
#pragma once
#include "core/config/config.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mailroom::delivery::lda {

// Loads the configuration (and reports its errors); null when it cannot be used.
using ConfigLoader = std::function<std::shared_ptr<const core::Config>()>;

// mailroom deliver [-f SENDER] [-a RECIPIENT] [-d USER] [-m FOLDER] < message
//   -d USER       deliver to USER's mailbox (aliases and .forward are the MTA's business);
//                 without -d and -a: $USER, then the invoking user
//   -a RECIPIENT  the recipient address; without -d it is resolved like an LMTP RCPT TO
//                 (aliases, .forward, extension); default $RECIPIENT
//   -f SENDER     envelope sender; default: the message's From_ line, then $SENDER
//   -m FOLDER     save into FOLDER instead of INBOX when that folder exists
// Exit: 0 delivered, 75 temporary failure, 67 unknown user, 73 cannot create / over quota,
// 65 data error, 77 permission, 78 configuration, 69 other permanent failures, 64 usage.
// On failure stderr starts with the enhanced status code ("5.2.2 ..."), which Postfix's
// pipe delivery prefers over the exit status; log lines therefore never go to stderr
// (log_destination = stderr means syslog here). With -d, the Delivered-To: loop check and
// the Return-Path:/Delivered-To: lines the MTA already put on top are left to the MTA.
int deliver_main(const std::vector<std::string>& args, const ConfigLoader& load_config);

// mailroom newaliases [FILE...]: parses the aliases files (default: those of alias_maps) and
// reports every problem as FILE:LINE: text. There is no .db to build: mailroom reads the
// text file and notices changes itself. Exit 0 when clean, 65 with problems, 66 unreadable.
int newaliases_main(const std::vector<std::string>& args, const ConfigLoader& load_config);

}  // namespace mailroom::delivery::lda
