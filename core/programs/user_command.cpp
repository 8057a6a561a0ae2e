// core/programs/user_command.cpp - `mailroom user NAME...`: how a user name resolves in the
// users database (name, uid/gid, home, extra fields), for admins checking a users file.
#include "core/auth/user_database.hpp"
#include "core/programs/command_line.hpp"
#include "core/programs/subcommands.hpp"
#include "mailstore/location.hpp"

#include <iostream>

namespace mailroom::programs {

int user_command(const SubcommandArgs& a)
{
    if (a.args.empty()) {
        std::cerr << "usage: mailroom user NAME...\n";
        return 64;
    }
    auto config = load_config_or_report(a.config_file, "mailroom user", false);
    if (!config)
        return 78;
    std::string error;
    auto users = core::open_user_database(config->get("user_database"),
                                          {config->get_bool("local_part_case_sensitive")}, error);
    if (!users) {
        std::cerr << "mailroom user: " << config->origin("user_database") << ": " << error << "\n";
        return 78;
    }
    int status = 0;
    for (const auto& name : a.args) {
        const auto lookup = users->lookup(name);
        if (lookup.status == core::UserLookup::Status::temporary_failure) {
            std::cerr << "mailroom user: " << name << ": " << lookup.error << "\n";
            status = 75;
            continue;
        }
        if (lookup.status == core::UserLookup::Status::not_found) {
            std::cerr << "mailroom user: " << name << ": no such user in " << users->description() << "\n";
            status = 67;
            continue;
        }
        const core::User& user = *lookup.user;
        std::cout << "name     : " << user.name << "\n"
                  << "database : " << users->description() << "\n"
                  << "uid      : " << (user.uid ? std::to_string(*user.uid) : "(mail_uid)") << "\n"
                  << "gid      : " << (user.gid ? std::to_string(*user.gid) : "(mail_gid)") << "\n"
                  << "home     : " << user.home << "\n";
        if (!user.shell.empty())
            std::cout << "shell    : " << user.shell << "\n";
        for (const auto& [key, value] : user.extra)
            std::cout << "extra    : " << key << (value.empty() ? "" : "=" + value) << "\n";
        std::cout << "password : " << (user.password.empty() ? "(none: login impossible)" : "(set)") << "\n";
        const auto location = mailstore::resolve_mail_location(user, *config);
        if (!location) {
            std::cerr << "mailroom user: " << name << ": " << location.error().text << "\n";
            status = 78;
            continue;
        }
        std::cout << "mail     : " << location->describe() << "\n"
                  << "index    : " << location->index_root.string() << "\n"
                  << "owner    : uid " << location->owner.uid << ", gid " << location->owner.gid << "\n";
    }
    return status;
}

}  // namespace mailroom::programs
