// pop3/message_encoder.cpp - CRLF line ends, dot-stuffing and TOP's line count for RETR and
// TOP replies (see message_encoder.hpp).
#include "pop3/message_encoder.hpp"

namespace mailroom::pop3 {

bool MessageEncoder::encode(std::string_view stored, std::string& out)
{
    out.reserve(out.size() + stored.size() + stored.size() / 32 + 8);
    std::size_t i = 0;
    while (i < stored.size() && !done_) {
        if (line_start_) {
            if (stored[i] == '.')
                out += '.';   // RFC 1939 section 3: byte-stuff a leading termination octet
            line_start_ = false;
        }
        const auto newline = stored.find('\n', i);
        const auto end = newline == std::string_view::npos ? stored.size() : newline;
        for (std::size_t k = i; line_blank_ && k < end; ++k)
            line_blank_ = stored[k] == '\r';
        out.append(stored.substr(i, end - i));
        if (end > i)
            previous_ = stored[end - 1];
        if (newline == std::string_view::npos)
            break;
        if (previous_ != '\r')
            out += '\r';
        out += '\n';
        previous_ = '\n';
        i = newline + 1;
        line_start_ = true;
        count_line_end();
    }
    return !done_;
}

// A line just ended: the first blank one ends the header; TOP counts the body's lines after it.
void MessageEncoder::count_line_end()
{
    if (!in_body_) {
        if (line_blank_) {
            in_body_ = true;
            done_ = body_lines_ && *body_lines_ == 0;
        }
    } else if (body_lines_ && --*body_lines_ == 0) {
        done_ = true;
    }
    line_blank_ = true;
}

void MessageEncoder::finish(std::string& out)
{
    if (!line_start_)
        out += "\r\n";
    out += ".\r\n";
}

}  // namespace mailroom::pop3
