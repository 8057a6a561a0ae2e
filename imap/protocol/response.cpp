// imap/protocol/response.cpp - status and continuation lines (see response.hpp).
#include "imap/protocol/response.hpp"

namespace mailroom::imap {
namespace {

void append_text(std::string& out, std::string_view text)
{
    for (char c : text)
        out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
}

}  // namespace

std::string_view status_name(Status status)
{
    switch (status) {
    case Status::ok:
        return "OK";
    case Status::no:
        return "NO";
    case Status::bad:
        break;
    }
    return "BAD";
}

void append_status(std::string& out, std::string_view tag, Status status, std::string_view code,
                   std::string_view text)
{
    out += tag;
    out += ' ';
    out += status_name(status);
    if (!code.empty()) {
        out += " [";
        append_text(out, code);
        out += ']';
    }
    if (!text.empty()) {
        out += ' ';
        append_text(out, text);
    }
    out += "\r\n";
}

void append_continuation(std::string& out, std::string_view text)
{
    out += "+ ";
    append_text(out, text);
    out += "\r\n";
}

}  // namespace mailroom::imap
