// core/programs/command_line.cpp - configuration loading shared by mailroom and mailroomd.
#include "core/programs/command_line.hpp"

#include "core/config/core_parameters.hpp"
#include "delivery/delivery_parameters.hpp"
#include "imap/imap_parameters.hpp"
#include "mailstore/mailstore_parameters.hpp"
#include "mta/mta_parameters.hpp"
#include "pop3/pop3_parameters.hpp"

#include <iostream>

namespace mailroom::programs {

std::vector<core::ParameterTable> all_parameter_tables()
{
    return {core::core_parameters(), mailstore::mailstore_parameters(), delivery::delivery_parameters(),
            pop3::pop3_parameters(), imap::imap_parameters(), mta::mta_parameters()};
}

std::shared_ptr<const core::Config> load_config_or_report(const std::string& path, const char* program,
                                                          bool show_warnings)
{
    auto result = core::Config::load_file(path, all_parameter_tables());
    if (show_warnings || !result.config)
        for (const auto& warning : result.warnings)
            std::cerr << program << ": warning: " << warning.to_string() << "\n";
    for (const auto& error : result.errors)
        std::cerr << program << ": fatal: " << error.to_string() << "\n";
    return result.config;
}

}  // namespace mailroom::programs
