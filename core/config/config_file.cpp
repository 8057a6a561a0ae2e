// core/config/config_file.cpp - the main.cf syntax reader (postconf(5) "SYNTAX").
#include "core/config/config_file.hpp"

#include "core/util/strings.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mailroom::core {

std::string ConfigError::to_string() const
{
    std::string out = file.empty() ? std::string("config") : file;
    if (line > 0)
        out += ":" + std::to_string(line);
    out += ": ";
    if (!parameter.empty())
        out += parameter + ": ";
    out += message;
    return out;
}

namespace {

bool valid_parameter_name(std::string_view name)
{
    if (name.empty())
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.'))
            return false;
    return true;
}

void finish_logical_line(const std::string& text, int line, const std::string& file, ParsedConfigFile& out)
{
    const auto equals = text.find('=');
    if (equals == std::string::npos) {
        out.errors.push_back({file, line, "", "missing '=' after parameter name: \"" + text + "\""});
        return;
    }
    const std::string name(trim(std::string_view(text).substr(0, equals)));
    if (!valid_parameter_name(name)) {
        out.errors.push_back({file, line, "", "bad parameter name \"" + name + "\""});
        return;
    }
    const std::string value(trim(std::string_view(text).substr(equals + 1)));
    out.definitions.push_back({name, value, file, line});
}

}  // namespace

ParsedConfigFile parse_config_text(std::string_view text, const std::string& file_name)
{
    ParsedConfigFile out;
    std::string logical;
    int logical_line = 0;
    int line_number = 0;
    while (!text.empty()) {
        const std::string_view line = take_line(text);
        ++line_number;
        const std::string_view content = trim(line);
        if (content.empty() || content.front() == '#')
            continue;
        if (is_space(line.front())) {
            if (logical_line == 0) {
                out.errors.push_back({file_name, line_number, "",
                                      "continuation line (starting with white space) without a parameter before it"});
                continue;
            }
            logical += ' ';
            logical += content;
            continue;
        }
        if (logical_line != 0)
            finish_logical_line(logical, logical_line, file_name, out);
        logical.assign(content);
        logical_line = line_number;
    }
    if (logical_line != 0)
        finish_logical_line(logical, logical_line, file_name, out);
    return out;
}

ParsedConfigFile read_config_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ParsedConfigFile out;
        out.errors.push_back({path, 0, "", std::string("cannot open: ") + std::strerror(errno)});
        return out;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parse_config_text(buffer.str(), path);
}

}  // namespace mailroom::core
