// core/auth/mail_identity.hpp - the uid/gid a user's mail is owned by and accessed as: the
// user's own from the users database, else mail_uid/mail_gid from the configuration, else
// the daemon's own identity.
#pragma once
#include "core/auth/user.hpp"
#include "core/config/config.hpp"
#include "core/priv/credentials.hpp"

#include <optional>
#include <string>

namespace mailroom::core {

// nullopt and `error` when mail_uid/mail_gid name an unknown user or group.
std::optional<Credentials> mail_credentials(const User& user, const Config& config, std::string& error);

}  // namespace mailroom::core
