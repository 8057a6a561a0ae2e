// core/auth/system_users.hpp - `user_database = system`: the machine's own accounts
// (getpwnam_r, with the password from getspnam_r when the shadow file is readable), for the
// classic office server where users log in to the machine.
#pragma once
#include "core/auth/user_database.hpp"

namespace mailroom::core {

class SystemUsers final : public UserDatabase {
public:
    explicit SystemUsers(UserDatabaseOptions options) : options_(options) {}
    UserLookup lookup(std::string_view name) override;
    std::string description() const override { return "system"; }

private:
    UserDatabaseOptions options_;
};

}  // namespace mailroom::core
