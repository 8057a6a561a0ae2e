// core/config/config_file.hpp - reads a file in Postfix main.cf syntax (postconf(5) "SYNTAX"):
// "name = value"; a line starting with white space continues the previous logical line;
// empty lines and lines whose first non-blank character is '#' are ignored.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

struct ConfigError {
    std::string file;
    int line = 0;             // 0: not tied to a line (e.g. the file cannot be read)
    std::string parameter;    // may be empty
    std::string message;

    // "FILE:LINE: PARAMETER: MESSAGE", leaving out the parts that are empty.
    std::string to_string() const;
};

struct Definition {
    std::string name;
    std::string value;   // trimmed; continuation lines joined with one space
    std::string file;
    int line = 0;        // where the logical line starts
};

struct ParsedConfigFile {
    std::vector<Definition> definitions;   // in file order; a later one overrides an earlier one
    std::vector<ConfigError> errors;
};

ParsedConfigFile parse_config_text(std::string_view text, const std::string& file_name);

// Reads and parses `path`; a file that cannot be read gives one error with line 0.
ParsedConfigFile read_config_file(const std::string& path);

}  // namespace mailroom::core
