// core/smtp/status.hpp - the outcome of an SMTP/LMTP step as both sides of the protocol see
// it: a reply code (RFC 5321 section 4.2), an RFC 3463 enhanced status code (RFC 2034) and
// one line of text naming what failed and where. Shared by delivery/ and mta/.
#pragma once
#include <string>
#include <string_view>

namespace mailroom::core::smtp {

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

// Makes client- or program-supplied text safe for one reply line: control characters become
// spaces, runs of white space collapse, and the result is cut at `max_length` bytes.
std::string one_line(std::string_view text, std::size_t max_length = 400);

}  // namespace mailroom::core::smtp
