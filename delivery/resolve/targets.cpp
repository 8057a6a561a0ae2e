// delivery/resolve/targets.cpp - tokenizing alias, .forward and :include: destinations
// (see targets.hpp).
#include "delivery/resolve/targets.hpp"

#include "core/util/strings.hpp"

#include <optional>

namespace mailroom::delivery {
namespace {

constexpr std::string_view include_prefix = ":include:";

// Splits at commas outside double quotes, angle brackets and (comments).
std::vector<std::string> split_items(std::string_view text, std::vector<std::string>& errors)
{
    std::vector<std::string> items;
    std::string current;
    bool quoted = false;
    int angle = 0;
    int paren = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted && c == '\\' && i + 1 < text.size()) {
            current += c;
            current += text[++i];
            continue;
        }
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == '<')
            ++angle;
        else if (!quoted && c == '>' && angle > 0)
            --angle;
        else if (!quoted && c == '(')
            ++paren;
        else if (!quoted && c == ')' && paren > 0)
            --paren;
        if (c == ',' && !quoted && angle == 0 && paren == 0) {
            items.push_back(std::move(current));
            current.clear();
            continue;
        }
        current += c;
    }
    if (quoted)
        errors.push_back("unterminated double quote");
    else if (angle > 0)
        errors.push_back("unbalanced '<'");
    else if (paren > 0)
        errors.push_back("unbalanced '('");
    else
        items.push_back(std::move(current));
    return items;
}

// A wholly quoted item: "|cmd arg" or "/path with space" -> its unescaped content.
std::optional<std::string> whole_quoted(std::string_view item)
{
    if (item.size() < 2 || item.front() != '"' || item.back() != '"')
        return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < item.size(); ++i) {
        if (item[i] == '\\' && i + 2 < item.size())
            ++i;
        else if (item[i] == '"')
            return std::nullopt;   // "a"@"b": an address with quoted parts, not one string
        out += item[i];
    }
    return out;
}

// "Rich Blum <rich@x>" -> "rich@x"; "rich (Rich Blum)" -> "rich".
std::string bare_address(std::string_view item)
{
    const auto open = item.find('<');
    const auto close = item.rfind('>');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open)
        return std::string(core::trim(item.substr(open + 1, close - open - 1)));
    std::string out;
    int paren = 0;
    bool quoted = false;
    for (const char c : item) {
        if (c == '"')
            quoted = !quoted;
        if (!quoted && c == '(')
            ++paren;
        if (paren == 0)
            out += c;
        if (!quoted && c == ')' && paren > 0)
            --paren;
    }
    return std::string(core::trim(out));
}

bool has_unquoted_space(std::string_view s)
{
    bool quoted = false;
    for (const char c : s) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == ' ' || c == '\t'))
            return true;
    }
    return false;
}

void classify(std::string_view text, bool was_quoted, TargetList& out)
{
    const std::string_view s = core::trim(text);
    if (s.starts_with('|')) {
        const std::string_view command = core::trim(s.substr(1));
        if (command.empty())
            out.errors.push_back("empty command after '|'");
        else
            out.targets.push_back({Target::Kind::command, std::string(command)});
    } else if (core::istarts_with(s, include_prefix)) {
        const std::string_view path = core::trim(s.substr(include_prefix.size()));
        if (!path.starts_with('/'))
            out.errors.push_back(":include: needs an absolute path: \"" + std::string(s) + "\"");
        else
            out.targets.push_back({Target::Kind::include, std::string(path)});
    } else if (s.starts_with('/') || s.starts_with("~/")) {
        out.targets.push_back({Target::Kind::file, std::string(s)});
    } else if (s.starts_with('\\')) {
        const std::string user = bare_address(s.substr(1));
        if (user.empty())
            out.errors.push_back("empty user name after '\\'");
        else
            out.targets.push_back({Target::Kind::local_user, user});
    } else {
        const std::string address = was_quoted ? std::string(s) : bare_address(s);
        if (address.empty())
            return;
        if (!was_quoted && has_unquoted_space(address))
            out.errors.push_back("white space in address \"" + address + "\" (quote commands and file names)");
        else
            out.targets.push_back({Target::Kind::address, address});
    }
}

}  // namespace

TargetList parse_targets(std::string_view text)
{
    TargetList out;
    for (const auto& raw : split_items(text, out.errors)) {
        const std::string_view item = core::trim(raw);
        if (item.empty())
            continue;
        if (auto inner = whole_quoted(item))
            classify(*inner, true, out);
        else
            classify(item, false, out);
    }
    return out;
}

TargetList parse_target_lines(std::string_view text)
{
    TargetList out;
    int number = 0;
    while (!text.empty()) {
        const std::string_view line = core::take_line(text);
        ++number;
        if (core::trim(line).starts_with('#'))
            continue;
        TargetList parsed = parse_targets(line);
        out.targets.insert(out.targets.end(), parsed.targets.begin(), parsed.targets.end());
        for (auto& error : parsed.errors)
            out.errors.push_back("line " + std::to_string(number) + ": " + error);
    }
    return out;
}

}  // namespace mailroom::delivery
