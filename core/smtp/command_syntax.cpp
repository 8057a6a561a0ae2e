// core/smtp/command_syntax.cpp - MAIL FROM / RCPT TO argument parsing (see command_syntax.hpp).
#include "core/smtp/command_syntax.hpp"

#include "core/util/strings.hpp"

namespace mailroom::core::smtp {
namespace {

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// Reads "<...>" (quotes and backslash escapes respected) or a bare path up to white space.
std::optional<std::string> read_path(std::string_view& rest, PathError& error)
{
    std::string path;
    if (!rest.starts_with('<')) {
        const auto end = rest.find_first_of(" \t");
        path = std::string(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
        return path;
    }
    bool quoted = false;
    for (std::size_t i = 1; i < rest.size(); ++i) {
        const char c = rest[i];
        if (c == '\\' && quoted && i + 1 < rest.size()) {
            path += c;
            path += rest[++i];
            continue;
        }
        if (c == '"')
            quoted = !quoted;
        else if (c == '>' && !quoted) {
            rest.remove_prefix(i + 1);
            return path;
        }
        path += c;
    }
    error = {"5.5.4", "Syntax error: missing '>'"};
    return std::nullopt;
}

// "@a,@b:user@c" -> "user@c" (RFC 5321 section 4.1.2 A-d-l, to be ignored).
std::string drop_source_route(std::string_view path)
{
    const auto colon = path.find(':');
    if (path.empty() || path.front() != '@' || colon == std::string_view::npos)
        return std::string(path);
    return std::string(path.substr(colon + 1));
}

bool valid_address(std::string_view address)
{
    bool quoted = false;
    for (const char c : address) {
        if (is_control(c))
            return false;
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == ' ' || c == '<' || c == '>' || c == ','))
            return false;
    }
    return !quoted;
}

}  // namespace

std::optional<PathArgument> parse_path_argument(std::string_view argument, std::string_view keyword,
                                                PathError& error)
{
    std::string_view rest = core::trim(argument);
    if (!core::istarts_with(rest, keyword)) {
        error = {"5.5.4", "Syntax: " + std::string(keyword == "FROM" ? "MAIL FROM:<address>" : "RCPT TO:<address>")};
        return std::nullopt;
    }
    rest = core::trim(rest.substr(keyword.size()));
    if (!rest.starts_with(':')) {
        error = {"5.5.4", "Syntax: missing ':' after " + std::string(keyword)};
        return std::nullopt;
    }
    rest = core::trim(rest.substr(1));
    auto path = read_path(rest, error);
    if (!path)
        return std::nullopt;
    PathArgument parsed;
    parsed.address = drop_source_route(*path);
    if (parsed.address.size() > path_max || !valid_address(parsed.address)) {
        error = {"5.1.3", "Bad address syntax"};
        return std::nullopt;
    }
    for (const auto& word : core::split_fields(rest, ' ')) {
        const std::string_view item = core::trim(word);
        if (item.empty())
            continue;
        const auto equals = item.find('=');
        parsed.parameters.emplace_back(core::to_upper(item.substr(0, equals)),
                                       equals == std::string_view::npos ? std::string() : std::string(item.substr(equals + 1)));
    }
    return parsed;
}

}  // namespace mailroom::core::smtp
