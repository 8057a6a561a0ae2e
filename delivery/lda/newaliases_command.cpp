// delivery/lda/newaliases_command.cpp - `mailroom newaliases`: checks aliases(5) files and
// reports problems with their line numbers (see lda_commands.hpp).
#include "delivery/lda/lda_commands.hpp"

#include "delivery/resolve/alias_maps.hpp"
#include "delivery/settings.hpp"

#include <sysexits.h>

#include <iostream>

namespace mailroom::delivery::lda {

int newaliases_main(const std::vector<std::string>& args, const ConfigLoader& load_config)
{
    std::vector<std::string> files = args;
    if (files.empty()) {
        const auto config = load_config();
        if (!config)
            return EX_CONFIG;
        std::string error;
        const auto settings = read_delivery_settings(*config, error);
        if (!settings) {
            std::cerr << "mailroom newaliases: " << error << "\n";
            return EX_CONFIG;
        }
        files = settings->alias_files;
    }
    int status = EX_OK;
    for (const auto& file : files) {
        std::string error;
        const auto table = load_aliases_file(file, error);
        if (!table) {
            std::cerr << "mailroom newaliases: " << error << "\n";
            status = EX_NOINPUT;
            continue;
        }
        for (const auto& problem : table->problems)
            std::cerr << file << ":" << problem.line << ": " << problem.text << "\n";
        if (!table->problems.empty() && status == EX_OK)
            status = EX_DATAERR;
        std::cout << file << ": " << table->entries.size() << " aliases, " << table->problems.size() << " problem"
                  << (table->problems.size() == 1 ? "" : "s") << "\n";
    }
    return status;
}

}  // namespace mailroom::delivery::lda
