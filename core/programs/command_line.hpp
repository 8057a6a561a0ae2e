// core/programs/command_line.hpp - what the mailroom and mailroomd programs share: the -c
// option, loading the configuration with every linked module's parameters, and reporting
// configuration errors with file:line.
#pragma once
#include "core/config/config.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mailroom::programs {

inline constexpr const char* default_config_file = "/etc/mailroom/mailroom.conf";

// The parameter tables of every module linked into the programs.
std::vector<core::ParameterTable> all_parameter_tables();

// Loads `path`; prints errors ("mailroom: fatal: FILE:LINE: NAME: message") and returns null
// when the file is unusable; prints warnings when `show_warnings`.
std::shared_ptr<const core::Config> load_config_or_report(const std::string& path, const char* program,
                                                          bool show_warnings);

}  // namespace mailroom::programs
