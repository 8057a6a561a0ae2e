// mailstore/mail_user.cpp - preparing and opening a user's mail (see mail_user.hpp).
#include "mailstore/mail_user.hpp"

namespace mailroom::mailstore {

Result<MailUser> prepare_mail_user(const core::User& user, const core::Config& config)
{
    auto location = resolve_mail_location(user, config);
    if (!location)
        return location.error();
    std::string quota_error;
    const QuotaLimit quota = user_quota(user, config, quota_error);
    if (!quota_error.empty())
        return Error{make_error_code(Errc::corrupt), quota_error};
    return MailUser{user, std::move(*location), store_options(config, quota)};
}

Result<std::unique_ptr<UserStore>> open_mail_user(const MailUser& user)
{
    return open_user_store(user.location, user.options);
}

}  // namespace mailroom::mailstore
