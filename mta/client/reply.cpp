// mta/client/reply.cpp - reply parsing and outgoing dot-stuffing (see reply.hpp).
#include "mta/client/reply.hpp"

namespace mailroom::mta {

std::optional<bool> add_reply_line(Reply& reply, std::string_view line)
{
    if (line.size() < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' ||
        line[2] > '9' || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
        return std::nullopt;
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (reply.code != 0 && reply.code != code)
        return std::nullopt;
    reply.code = code;
    reply.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    return line.size() == 3 || line[3] == ' ';
}

core::smtp::Status Reply::status() const
{
    std::string last = lines.empty() ? std::string() : lines.back();
    const auto space = last.find(' ');
    const std::string first_word = last.substr(0, space);
    if (core::smtp::is_enhanced_code(first_word) && first_word[0] == std::to_string(code)[0])
        return {code, first_word, space == std::string::npos ? std::string() : last.substr(space + 1)};
    const char klass = static_cast<char>('0' + code / 100);
    return {code, std::string(1, klass) + ".0.0", last};
}

std::string Reply::text() const
{
    std::string out = std::to_string(code);
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += (i == 0 ? " " : "; ") + lines[i];
    return core::smtp::one_line(out);
}

std::string dot_stuff(std::string_view content)
{
    std::string out;
    out.reserve(content.size() + content.size() / 32 + 8);
    bool line_start = true;
    for (const char c : content) {
        if (line_start && c == '.')
            out += '.';
        if (c == '\n')
            out += '\r';
        out += c;
        line_start = c == '\n';
    }
    if (!line_start)
        out += "\r\n";
    out += ".\r\n";
    return out;
}

}  // namespace mailroom::mta
