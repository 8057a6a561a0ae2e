// delivery/resolve/local_expand.cpp - per-recipient expansion (see local_expand.hpp).
#include "delivery/resolve/local_expand.hpp"

#include <set>

namespace mailroom::delivery {
namespace {

bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Names used as plain $name, ${name} or $(name): those make a forward_path entry unusable
// when they have no value; ${name?...} and ${name:...} are the conditional forms.
std::set<std::string, std::less<>> plain_references(std::string_view text)
{
    std::set<std::string, std::less<>> names;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '$')
            continue;
        if (text[i + 1] == '$') {
            ++i;
            continue;
        }
        const bool braced = text[i + 1] == '{' || text[i + 1] == '(';
        std::size_t j = i + (braced ? 2 : 1);
        const std::size_t start = j;
        while (j < text.size() && is_name_char(text[j]))
            ++j;
        if (j == start)
            continue;
        if (!braced || (j < text.size() && (text[j] == '}' || text[j] == ')')))
            names.emplace(text.substr(start, j - start));
    }
    return names;
}

const std::string* variable(const LocalVariables& v, std::string_view name)
{
    if (name == "user")
        return &v.user;
    if (name == "home")
        return &v.home;
    if (name == "shell")
        return &v.shell;
    if (name == "recipient")
        return &v.recipient;
    if (name == "extension")
        return &v.extension;
    if (name == "domain")
        return &v.domain;
    if (name == "local")
        return &v.local;
    if (name == "recipient_delimiter")
        return &v.recipient_delimiter;
    return nullptr;
}

}  // namespace

std::string filter_characters(std::string_view value, std::string_view allowed)
{
    std::string out(value);
    for (char& c : out)
        if (allowed.find(c) == std::string_view::npos)
            c = '_';
    return out;
}

LocalExpansion local_expand(const core::Config& config, std::string_view text, const LocalVariables& variables,
                            std::string_view filter)
{
    LocalExpansion result;
    const auto plain = plain_references(text);
    auto expanded = config.expand(text, [&](std::string_view name) -> std::optional<std::string> {
        const std::string* value = variable(variables, name);
        if (!value)
            return std::nullopt;   // not a per-recipient name: the configuration's parameter
        if (value->empty()) {
            if (plain.contains(name))
                result.undefined = true;
            return std::string();  // defined as nothing: the configuration must not fill it in
        }
        return filter.empty() ? *value : filter_characters(*value, filter);
    });
    result.value = std::move(expanded.value);
    result.error = std::move(expanded.error);
    return result;
}

}  // namespace mailroom::delivery
