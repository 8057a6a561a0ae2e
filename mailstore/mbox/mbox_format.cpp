// mailstore/mbox/mbox_format.cpp - mbox separator lines and mboxrd quoting (RFC 4155).
#include "mailstore/mbox/mbox_format.hpp"

#include <cstring>

namespace mailroom::mailstore {
namespace {

// ^>*From  at the start of `line`
bool needs_quoting(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && line[i] == '>')
        ++i;
    return line.substr(i).starts_with("From ");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string mbox_from_line(std::string_view envelope_sender, std::time_t when)
{
    std::string sender = envelope_sender.empty() ? std::string("MAILER-DAEMON") : std::string(envelope_sender);
    for (char& c : sender)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            c = '_';
    std::tm local{};
    ::localtime_r(&when, &local);
    char date[64];
    std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &local);
    return "From " + sender + " " + date + "\n";
}

void append_mbox_quoted(std::string& out, std::string_view message)
{
    out.reserve(out.size() + message.size() + message.size() / 64 + 2);
    while (!message.empty()) {
        const auto end = message.find('\n');
        const std::string_view line = message.substr(0, end == std::string_view::npos ? message.size() : end + 1);
        if (needs_quoting(line))
            out += '>';
        out += line;
        message.remove_prefix(line.size());
    }
    if (out.empty() || out.back() != '\n')
        out += '\n';
    out += '\n';
}

bool is_mbox_from_line(std::string_view line)
{
    if (!line.starts_with("From "))
        return false;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    // The line ends in a year (asctime), optionally followed by a time zone ("+0100",
    // "remote from x" forms are rare and treated as separators when a year is present).
    // Require 4 digits somewhere after the sender and a hh:mm time, like mutt's is_from().
    const auto colon = line.find(':', 5);
    if (colon == std::string_view::npos || colon < 2 || !is_digit(line[colon - 1]) || !is_digit(line[colon - 2]))
        return false;
    for (std::size_t i = colon; i + 3 < line.size(); ++i)
        if (is_digit(line[i]) && is_digit(line[i + 1]) && is_digit(line[i + 2]) && is_digit(line[i + 3]) &&
            (i == 0 || line[i - 1] == ' '))
            return true;
    return false;
}

std::string unquote_mbox_body(std::string_view quoted)
{
    std::string out;
    out.reserve(quoted.size());
    bool line_start = true;
    for (std::size_t i = 0; i < quoted.size(); ++i) {
        if (line_start && quoted[i] == '>') {
            std::size_t j = i;
            while (j < quoted.size() && quoted[j] == '>')
                ++j;
            if (quoted.substr(j).starts_with("From "))
                ++i;   // drop one '>'
        }
        out += quoted[i];
        line_start = quoted[i] == '\n';
    }
    return out;
}

}  // namespace mailroom::mailstore
