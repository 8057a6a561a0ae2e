// delivery/resolve/local_expand.hpp - per-recipient $name expansion of forward_path and
// luser_relay, as Postfix's local_expand() does it: $user, $home, $shell, $recipient,
// $extension, $domain, $local, $recipient_delimiter (empty means undefined), then the
// configuration's parameters; expanded values pass a character filter (others become '_').
#pragma once
#include "core/config/config.hpp"

#include <string>
#include <string_view>

namespace mailroom::delivery {

struct LocalVariables {
    std::string user;
    std::string home;
    std::string shell;
    std::string recipient;
    std::string extension;
    std::string domain;
    std::string local;
    std::string recipient_delimiter;
};

struct LocalExpansion {
    std::string value;
    std::string error;        // syntax error in the text
    bool undefined = false;   // a plain $name (not ${name?..} or ${name:..}) had no value
};

// An empty `filter` lets every character through (luser_relay, as in Postfix).
LocalExpansion local_expand(const core::Config& config, std::string_view text, const LocalVariables& variables,
                            std::string_view filter);

// Replaces characters not in `allowed` with '_' (forward_expansion_filter, command_expansion_filter).
std::string filter_characters(std::string_view value, std::string_view allowed);

}  // namespace mailroom::delivery
