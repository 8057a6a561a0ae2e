// pop3/message_encoder.hpp - a stored message as RETR and TOP send it (RFC 1939 sections 3,
// 7 and 11): every line ends in CRLF (a lone LF gets its CR; the virtual size counts it the
// same way), a line starting with '.' gets another '.', and the multi-line reply ends with
// ".". TOP sends the header, the empty line and then only the first n body lines.
// Sans-I/O: fed the stored bytes in pieces of any size, it gives the same output.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::pop3 {

class MessageEncoder {
public:
    // `body_lines`: nullopt for RETR (everything), n for TOP.
    explicit MessageEncoder(std::optional<std::uint64_t> body_lines = std::nullopt) : body_lines_(body_lines) {}

    // Converts the next stored bytes, appending to `out`. Returns false once TOP has sent all
    // it wants; later input is ignored, so the caller may stop reading.
    bool encode(std::string_view stored, std::string& out);
    // The end of the reply: a CRLF when the message did not end with a line end, then ".".
    void finish(std::string& out);

    bool done() const { return done_; }

private:
    void count_line_end();

    std::optional<std::uint64_t> body_lines_;
    bool line_start_ = true;   // the next byte begins a line
    bool line_blank_ = true;   // the current line has held nothing but a CR so far
    char previous_ = 0;
    bool in_body_ = false;
    bool done_ = false;
};

}  // namespace mailroom::pop3
