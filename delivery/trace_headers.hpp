// delivery/trace_headers.hpp - the header lines delivery puts on top of each copy:
// Return-Path: (RFC 5321 section 4.4), Delivered-To: (Postfix local(8), also its loop
// detector) and Received: (RFC 5321 section 4.4, RFC 5322 section 3.6.7), and the mbox
// From_ line given to commands (as local(8) does). Messages use LF line ends throughout.
#pragma once
#include <ctime>
#include <set>
#include <string>
#include <string_view>

namespace mailroom::delivery {

struct TraceInfo {
    std::string queue_id;
    std::string my_hostname;
    std::string client_helo;      // LHLO argument; empty for the LDA
    std::string client_address;   // "192.0.2.1", "unix"; empty for the LDA
    std::string protocol;         // "LMTP", "LMTPA"... or "local" for mailroom deliver
    std::time_t arrival = 0;
};

std::string return_path_header(std::string_view sender);
std::string delivered_to_header(std::string_view address);

// "Received: from HELO ([ADDR])\n\tby HOST (mailroom) with LMTP id QID\n\tfor <RCPT>; DATE\n";
// client-supplied text is reduced to one line of printable characters.
std::string received_header(const TraceInfo& trace, std::string_view recipient);

// RFC 5322 section 3.3 date-time in local time: "Fri, 27 Nov 2026 04:03:19 +0100".
std::string rfc5322_date(std::time_t when);

// "From sender  Fri Nov 27 04:03:19 2026\n" (sender MAILER-DAEMON when empty).
std::string from_line(std::string_view sender, std::time_t when);

// True when `line` ("Delivered-To: ann@example.com", no line end) is already among the trace
// lines at the top of the message (Return-Path, Delivered-To, X-Original-To, Received and
// their continuations): an MTA that ran `mailroom deliver` has added it (Postfix local(8)
// does for commands), and a second copy would only be noise. Compared without case.
bool has_leading_trace_line(std::string_view message, std::string_view line);

// The Delivered-To: values in the message's header section, trimmed and lower-cased.
std::set<std::string, std::less<>> delivered_to_addresses(std::string_view message);

}  // namespace mailroom::delivery
