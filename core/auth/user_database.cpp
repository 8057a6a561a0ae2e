// core/auth/user_database.cpp - the user_database parameter and name normalization.
#include "core/auth/user_database.hpp"

#include "core/auth/passwd_file.hpp"
#include "core/auth/system_users.hpp"
#include "core/util/strings.hpp"

namespace mailroom::core {

std::string normalize_user_name(std::string_view name, bool local_part_case_sensitive)
{
    const auto at = name.rfind('@');
    std::string local(name.substr(0, at));
    if (!local_part_case_sensitive)
        local = to_lower(local);
    if (at == std::string_view::npos)
        return local;
    return local + "@" + to_lower(name.substr(at + 1));
}

std::unique_ptr<UserDatabase> open_user_database(std::string_view spec, const UserDatabaseOptions& options,
                                                 std::string& error)
{
    spec = trim(spec);
    if (spec == "system")
        return std::make_unique<SystemUsers>(options);
    if (spec.starts_with("passwd-file:")) {
        const std::string path(spec.substr(12));
        if (path.empty() || path.front() != '/') {
            error = "passwd-file needs an absolute path: \"" + std::string(spec) + "\"";
            return nullptr;
        }
        return std::make_unique<PasswdFile>(path, options);
    }
    error = "unknown user database \"" + std::string(spec) + "\" (use system or passwd-file:/path)";
    return nullptr;
}

}  // namespace mailroom::core
