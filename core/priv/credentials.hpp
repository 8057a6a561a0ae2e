// core/priv/credentials.hpp - the identity a delivery, a command or a mailbox access runs
// under: uid, primary gid and supplementary groups of one user.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace mailroom::core {

struct Credentials {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary groups; empty means just gid
    std::string user_name;      // for log lines and USER/LOGNAME; may be empty

    bool operator==(const Credentials&) const = default;
};

}  // namespace mailroom::core
