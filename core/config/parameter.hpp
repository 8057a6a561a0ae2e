// core/config/parameter.hpp - how a module declares its configuration parameters: name,
// default, type and one line of documentation. The program that links the modules passes
// every module's table to Config::load(); docs/configuration.md documents each entry.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace mailroom::core {

enum class ParamKind {
    string,   // any text
    list,     // items separated by commas and/or white space
    boolean,  // yes / no
    integer,  // non-negative decimal number
    size,     // bytes; a number with an optional k, m or g suffix (1024-based)
    time,     // a number with an optional unit s, m, h, d or w; see default_time_unit
};

enum ParamFlags : unsigned {
    param_plain = 0,
    // The value holds per-recipient variables ($home, $user, $extension...) that the
    // delivery agent expands for each recipient; Config leaves it unexpanded.
    param_expand_at_use = 1,
};

struct ParameterSpec {
    std::string_view name;
    std::string_view default_value;   // may refer to other parameters: "$myhostname"
    ParamKind kind = ParamKind::string;
    std::string_view description;
    unsigned flags = param_plain;
    char default_time_unit = 's';      // for ParamKind::time values without a unit
    std::string (*dynamic_default)() = nullptr;  // computed default (e.g. the host name)
    // Applied to the expanded default (never to a value from the file): mydomain's default
    // is "$myhostname" with its first label removed.
    std::string (*default_transform)(std::string_view expanded) = nullptr;
};

using ParameterTable = std::span<const ParameterSpec>;

}  // namespace mailroom::core
