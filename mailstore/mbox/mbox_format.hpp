// mailstore/mbox/mbox_format.hpp - the mbox format of RFC 4155 as mailroom writes and reads
// it: "From sender asctime-date" separator lines, mboxrd quoting of body lines that match
// ^>*From  (one '>' added on write, one removed on read), a blank line after each message.
#pragma once
#include <ctime>
#include <string>
#include <string_view>

namespace mailroom::mailstore {

// "From ann@example.com Fri Nov 27 03:53:50 2026\n"; an empty sender is MAILER-DAEMON.
// White space in the sender is replaced by '_' so the line stays parseable.
std::string mbox_from_line(std::string_view envelope_sender, std::time_t when);

// Appends `message` (LF line ends) quoted for mboxrd, with a final newline if it lacked
// one, followed by the empty separator line.
void append_mbox_quoted(std::string& out, std::string_view message);

// True when `line` (without its newline) is a message separator: "From " followed by
// something that ends in a date, as the readers mutt and Dovecot accept.
bool is_mbox_from_line(std::string_view line);

// Removes one '>' from lines matching ^>+From  (mboxrd; also right for mboxo files, which
// only ever quote "From ").
std::string unquote_mbox_body(std::string_view quoted);

}  // namespace mailroom::mailstore
