// core/config/expansion.hpp - Postfix-style "$name" expansion (postconf(5) "SYNTAX",
// mac_expand(3)): $name, ${name}, $(name), ${name?text} (text when name is non-empty),
// ${name:text} (text when name is empty or undefined), ${name?{text}:{text}}, and $$ for '$'.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::core {

// Returns the value of a name, or nullopt when it is not defined. The callback does its
// own recursive expansion and loop detection; Config and delivery use different ones.
using ExpansionLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct ExpansionResult {
    std::string value;
    std::string error;   // empty on success: "unterminated ${", "bad parameter name after $"
};

ExpansionResult expand_variables(std::string_view text, const ExpansionLookup& lookup);

}  // namespace mailroom::core
