// core/smtp/command_syntax.hpp - the arguments of MAIL FROM and RCPT TO (RFC 5321
// section 4.1.1.2/4.1.1.3 and 4.1.2: Reverse-path / Forward-path, Mail-parameters,
// Rcpt-parameters), parsed leniently the way the Postfix book's sessions write them:
// "FROM:<a@b>", "FROM: <a@b>", "FROM:a@b", source routes dropped, UTF-8 passed through.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailroom::core::smtp {

inline constexpr std::size_t path_max = 512;   // RFC 5321 4.5.3.1.3 asks for 256; be generous

struct PathArgument {
    std::string address;   // without the angle brackets; empty for the null path <>
    std::vector<std::pair<std::string, std::string>> parameters;   // KEYWORD (upper case), value
};

struct PathError {
    std::string enhanced;   // "5.5.4" syntax, "5.1.3" bad address, "5.5.2" ...
    std::string text;
};

// `argument` is the text after the verb ("FROM:<a@b> SIZE=12"); `keyword` is "FROM" or "TO".
std::optional<PathArgument> parse_path_argument(std::string_view argument, std::string_view keyword,
                                                PathError& error);

}  // namespace mailroom::core::smtp
