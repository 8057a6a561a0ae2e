// mailstore/location.hpp - where one user's mail lives: INBOX (a Maildir or an mbox file),
// the folders (a Maildir++ root or a directory of mbox files), the index directory, and
// the identity the files belong to. From Postfix's home_mailbox / mail_spool_directory, or
// from a Dovecot-style "mail=" field in the users file (maildir:~/Maildir,
// mbox:~/mail:INBOX=/var/mail/%u, with an optional :INDEX=path).
#pragma once
#include "core/auth/user.hpp"
#include "core/config/config.hpp"
#include "core/priv/credentials.hpp"
#include "mailstore/errors.hpp"

#include <filesystem>
#include <string>

namespace mailroom::mailstore {

enum class MailFormat { maildir, mbox };

struct MailLocation {
    std::filesystem::path home;
    MailFormat inbox_format = MailFormat::maildir;
    std::filesystem::path inbox;          // the Maildir directory or the mbox file
    MailFormat folder_format = MailFormat::maildir;
    std::filesystem::path folder_root;    // Maildir++ root, or the directory holding mbox folders
    std::filesystem::path index_root;     // where this user's indexes live
    core::Credentials owner;              // uid/gid the files belong to and are accessed as
    bool inbox_in_spool = false;          // mbox INBOX in a shared spool directory (/var/mail)

    std::string describe() const;         // "maildir:/home/ann/Maildir" / "mbox:/var/mail/ann (folders mbox:...)"
};

// Resolves the location of `user`. Errors (a bad mail= field, an unknown mail_uid) carry the
// users file or configuration origin.
Result<MailLocation> resolve_mail_location(const core::User& user, const core::Config& config);

// The home directory of a user: the users file's, or virtual_home for virtual users.
std::string user_home(const core::User& user, const core::Config& config);

}  // namespace mailroom::mailstore
