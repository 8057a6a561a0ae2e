// core/auth/user_database.hpp - where users come from: `user_database = passwd-file:/path`
// (Dovecot's passwd-file format, re-read when the file changes) or `user_database = system`
// (getpwnam + shadow passwords). Lookups are case-insensitive in the domain and, unless
// configured otherwise, in the local part.
#pragma once
#include "core/auth/user.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

struct UserLookup {
    enum class Status { found, not_found, temporary_failure } status = Status::not_found;
    std::optional<User> user;
    std::string error;   // why a temporary failure happened ("cannot read /etc/mailroom/users: ...")
};

class UserDatabase {
public:
    virtual ~UserDatabase() = default;
    // `name` as the client or the envelope gave it: "ann", "Ann@Example.NET".
    virtual UserLookup lookup(std::string_view name) = 0;
    virtual std::string description() const = 0;   // "passwd-file:/etc/mailroom/users"
};

struct UserDatabaseOptions {
    bool local_part_case_sensitive = false;
};

// Parses a user_database value. On a bad specification returns null and sets `error`.
std::unique_ptr<UserDatabase> open_user_database(std::string_view spec, const UserDatabaseOptions& options,
                                                 std::string& error);

// Normalizes a lookup key: domain lower-cased; local part lower-cased unless case-sensitive.
std::string normalize_user_name(std::string_view name, bool local_part_case_sensitive);

}  // namespace mailroom::core
