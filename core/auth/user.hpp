// core/auth/user.hpp - a mail user as a users file (Dovecot passwd-file) or the system
// account database describes it.
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

namespace mailroom::core {

struct User {
    std::string name;          // canonical login name: "ann" or "ann@example.net" (domain lower-cased)
    std::string local_part;    // "ann"
    std::string domain;        // "example.net"; empty for plain local users
    std::string password;      // stored form, "{SCHEME}data"; empty: password login impossible
    std::optional<uid_t> uid;  // unset: the configured mail_uid applies
    std::optional<gid_t> gid;
    std::string gecos;
    std::string home;          // may be empty for virtual users (mail_home / virtual_mailbox_base apply)
    std::string shell;
    bool system_account = false;  // from the system database (getpwnam)
    // Dovecot "extra fields": userdb_mail=..., userdb_quota_rule=*:storage=1G, nologin, ...
    // Keys are stored without the "userdb_" prefix; passdb fields keep their names.
    std::map<std::string, std::string> extra;

    const std::string* extra_field(const std::string& key) const
    {
        const auto it = extra.find(key);
        return it == extra.end() ? nullptr : &it->second;
    }
};

}  // namespace mailroom::core
