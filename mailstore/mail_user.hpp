// mailstore/mail_user.hpp - everything needed to open a logged-in user's mail: the location,
// the quota and the store options from the configuration. What IMAP and POP3 do after a
// successful login, in one place.
#pragma once
#include "core/auth/user.hpp"
#include "core/config/config.hpp"
#include "mailstore/store.hpp"

namespace mailroom::mailstore {

struct MailUser {
    core::User user;
    MailLocation location;
    StoreOptions options;
};

// Resolves location and options; errors name the users file entry or parameter at fault.
Result<MailUser> prepare_mail_user(const core::User& user, const core::Config& config);

// Opens the user's store. Call it with the location's owner identity (BlockingPool::run_as).
Result<std::unique_ptr<UserStore>> open_mail_user(const MailUser& user);

}  // namespace mailroom::mailstore
