// core/programs/config_command.cpp - `mailroom config`, like postconf(1): no arguments prints
// the parameters set in the file (postconf -n); NAMEs print effective, expanded values;
// -d prints every parameter's default.
#include "core/programs/command_line.hpp"
#include "core/programs/subcommands.hpp"

#include <iostream>

namespace mailroom::programs {

int config_command(const SubcommandArgs& a)
{
    bool defaults = false;
    std::vector<std::string> names;
    for (const auto& arg : a.args) {
        if (arg == "-d")
            defaults = true;
        else if (arg == "-n")
            continue;
        else if (!arg.empty() && arg[0] == '-') {
            std::cerr << "mailroom config: unknown option " << arg << "\nusage: mailroom config [-d] [-n] [NAME...]\n";
            return 64;
        } else
            names.push_back(arg);
    }
    if (defaults) {
        auto empty = core::Config::load_text("", "defaults", all_parameter_tables());
        if (!empty.config)
            return 70;
        for (const auto& name : names.empty() ? empty.config->parameter_names() : names) {
            if (!empty.config->knows(name)) {
                std::cerr << "mailroom config: unknown parameter " << name << "\n";
                return 64;
            }
            std::cout << name << " = " << empty.config->raw(name) << "\n";
        }
        return 0;
    }
    auto config = load_config_or_report(a.config_file, "mailroom config", true);
    if (!config)
        return 78;   // EX_CONFIG
    if (names.empty()) {
        for (const auto& name : config->names_set_in_file())
            std::cout << name << " = " << (config->knows(name) ? config->raw(name) : std::string("(unknown)")) << "\n";
        return 0;
    }
    int status = 0;
    for (const auto& name : names) {
        if (!config->knows(name)) {
            std::cerr << "mailroom config: unknown parameter " << name << "\n";
            status = 64;
            continue;
        }
        std::cout << name << " = " << config->get(name) << "\n";
    }
    return status;
}

}  // namespace mailroom::programs
