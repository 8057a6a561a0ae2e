// mailstore/mbox/mbox_parser.hpp - reading an mbox file (RFC 4155): messages start at a
// "From " line that begins the file or follows an empty line; the headers UW-IMAP, Dovecot
// and mutt keep state in (Status, X-Status, X-Keywords, X-UID, X-IMAPbase, X-IMAP,
// Content-Length) are read for flags and UIDs and hidden from the message clients see.
#pragma once
#include "mailstore/errors.hpp"

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::mailstore::mbox {

struct MboxMessage {
    std::uint64_t from_offset = 0;     // the "From " line
    std::uint64_t header_offset = 0;   // first header line
    std::uint64_t body_offset = 0;     // after the empty line ending the header (or = end)
    std::uint64_t end = 0;             // the next message's "From " line, or the end of the file
    std::string from_line;             // without its newline
    std::uint8_t flags = 0;            // from Status / X-Status
    std::vector<std::string> keywords; // from X-Keywords
    std::optional<std::uint32_t> x_uid;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> imap_base;   // X-IMAPbase: validity, uidnext
    std::uint64_t size = 0;            // the message as clients see it (LF line ends)
    std::uint64_t virtual_size = 0;    // ... counted with CRLF line ends
    std::int64_t internal_date = 0;    // from the From_ line
    std::string fingerprint;           // stable across Status rewrites; unique within the file
};

// True for header names mailroom keeps state in and hides from clients.
bool is_internal_header(std::string_view name);

// Parses messages from `start` (which must be at a "From " line or the end) to the end of the
// file, reading it in pieces; the callback sees each message in order.
Result<void> parse_mbox(int fd, std::uint64_t start, std::uint64_t file_size,
                        const std::function<void(MboxMessage&&)>& each);

// The date of a From_ line ("From sender Fri Nov 27 03:53:50 2026"), as local time.
std::optional<std::int64_t> from_line_date(std::string_view from_line);

}  // namespace mailroom::mailstore::mbox
