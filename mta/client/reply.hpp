// mta/client/reply.hpp - SMTP/LMTP replies as a client reads them (RFC 5321 section 4.2:
// "250-..." continuation lines, "250 ..." the last; RFC 2034 enhanced codes after the
// code), and the message content as it goes out (RFC 5321 4.5.2 dot-stuffing, CRLF).
#pragma once
#include "core/smtp/status.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::mta {

struct Reply {
    int code = 0;
    std::vector<std::string> lines;   // text after "NNN-" / "NNN ", one per line

    // The status with the enhanced code from the last line, or one derived from the code.
    core::smtp::Status status() const;
    // "250 2.0.0 Ok" style, every line joined with "; " (for logs, DSNs, defer reasons).
    std::string text() const;
};

// Adds one received line (without CRLF) to `reply`. Returns true when it was the last line,
// false when more follow; nullopt for a line that is not a reply line.
std::optional<bool> add_reply_line(Reply& reply, std::string_view line);

// LF-ended content to the wire: CRLF line ends, a leading '.' doubled, ".\r\n" at the end.
std::string dot_stuff(std::string_view content);

}  // namespace mailroom::mta
