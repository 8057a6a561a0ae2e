// delivery/resolve/aliases_file.cpp - parsing aliases(5) text (see aliases_file.hpp).
#include "delivery/resolve/aliases_file.hpp"

#include "core/util/strings.hpp"
#include "delivery/resolve/targets.hpp"

#include <algorithm>

namespace mailroom::delivery {
namespace {

struct LogicalLine {
    std::string text;
    int line = 0;
};

// Joins continuation lines; blank and comment lines are skipped (Postfix's readlline()).
std::vector<LogicalLine> logical_lines(std::string_view text, std::vector<AliasProblem>& problems)
{
    std::vector<LogicalLine> lines;
    int number = 0;
    while (!text.empty()) {
        const std::string_view line = core::take_line(text);
        ++number;
        const std::string_view content = core::trim(line);
        if (content.empty() || content.starts_with('#'))
            continue;
        if (core::is_space(line.front())) {
            if (lines.empty())
                problems.push_back({number, "continuation line without an alias before it"});
            else
                lines.back().text.append(" ").append(content);
            continue;
        }
        lines.push_back({std::string(line), number});
    }
    return lines;
}

// Splits "name: value" (name possibly double-quoted). False when there is no colon.
bool split_entry(std::string_view text, std::string& name, std::string& value)
{
    std::size_t colon = std::string_view::npos;
    if (text.starts_with('"')) {
        std::size_t i = 1;
        for (; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] == '\\' && i + 1 < text.size())
                ++i;
            name += text[i];
        }
        if (i >= text.size())
            return false;
        colon = text.find_first_not_of(" \t", i + 1);
        if (colon == std::string_view::npos || text[colon] != ':')
            return false;
    } else {
        colon = text.find(':');
        if (colon == std::string_view::npos)
            return false;
        name = std::string(core::trim(text.substr(0, colon)));
    }
    value = std::string(core::trim(text.substr(colon + 1)));
    return true;
}

}  // namespace

const AliasEntry* AliasTable::find(std::string_view lower_name) const
{
    const auto it = entries.find(lower_name);
    return it == entries.end() ? nullptr : &it->second;
}

AliasTable parse_aliases(std::string_view text, std::string file_name)
{
    AliasTable table;
    table.file = std::move(file_name);
    for (const auto& logical : logical_lines(text, table.problems)) {
        std::string name;
        std::string value;
        const auto problem = [&](std::string why) { table.problems.push_back({logical.line, std::move(why)}); };
        if (!split_entry(logical.text, name, value)) {
            problem("need \"name: value\" (no colon after the alias name)");
            continue;
        }
        name = core::to_lower(name);
        if (name.empty()) {
            problem("empty alias name");
            continue;
        }
        if (name.find('@') != std::string::npos)
            problem("alias \"" + name + "\" has a domain part; aliases are local names and it never matches");
        if (value.empty()) {
            problem("alias \"" + name + "\" has an empty value");
            continue;
        }
        if (const AliasEntry* first = table.find(name)) {
            problem("duplicate alias \"" + name + "\" (first on line " + std::to_string(first->line) +
                    "); this one is ignored");
            continue;
        }
        for (const auto& error : parse_targets(value).errors)
            problem("alias \"" + name + "\": " + error);
        table.entries.emplace(name, AliasEntry{name, std::move(value), logical.line});
    }
    std::stable_sort(table.problems.begin(), table.problems.end(),
                     [](const AliasProblem& a, const AliasProblem& b) { return a.line < b.line; });
    return table;
}

}  // namespace mailroom::delivery
