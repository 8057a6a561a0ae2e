// mailstore/mailstore_parameters.cpp - declarations of the mail store's parameters; each is
// documented in docs/configuration.md.
#include "mailstore/mailstore_parameters.hpp"

namespace mailroom::mailstore {
namespace {

using core::ParamKind;
using core::ParameterSpec;

const ParameterSpec parameters[] = {
    {"home_mailbox", "", ParamKind::string,
     "Mailbox relative to the home directory: \"Maildir/\" (a trailing slash means Maildir) or \"Mailbox\" "
     "(an mbox file). Empty: mail_spool_directory is used."},
    {"mail_spool_directory", "/var/mail", ParamKind::string,
     "Directory of mbox INBOXes named after the user (/var/mail/ann); a trailing slash means Maildir."},
    {"mail_folders", "", ParamKind::string,
     "Where folders other than INBOX live: maildir:PATH or mbox:PATH ($home, $user, $local, $domain are "
     "expanded). Empty: inside a Maildir INBOX (Maildir++), or mbox:$home/mail for an mbox INBOX.",
     core::param_expand_at_use},
    {"mail_index_directory", "", ParamKind::string,
     "Directory for indexes ($home, $user, ... expanded). Empty: inside each Maildir, and $home/.mailroom "
     "for mbox mailboxes.",
     core::param_expand_at_use},
    {"virtual_mailbox_base", "/var/vmail", ParamKind::string,
     "Base directory for virtual users whose users-file entry has no home."},
    {"virtual_home", "$virtual_mailbox_base/$domain/$local", ParamKind::string,
     "Home directory of virtual users without one in the users file ($user, $local, $domain expanded).",
     core::param_expand_at_use},
    {"mailbox_size_limit", "51200000", ParamKind::size,
     "Largest size of an mbox file or Maildir a delivery may grow (Postfix's meaning); 0 means no limit."},
    {"quota_storage_limit", "0", ParamKind::size,
     "Default quota (Maildir++ maildirsize) for users without quota_rule in the users file; 0 means none."},
    {"mbox_lock_timeout", "30s", ParamKind::time, "How long to wait for an mbox lock before giving up."},
    {"mbox_dotlock_stale_time", "300s", ParamKind::time, "An mbox dotlock older than this is removed as stale."},
    {"auto_create_folders", "", ParamKind::list,
     "Folders created (and subscribed) at a user's first login, e.g. Sent Drafts Trash Junk Archive; "
     "these names get their RFC 6154 special-use attribute."},
};

}  // namespace

core::ParameterTable mailstore_parameters() { return parameters; }

}  // namespace mailroom::mailstore
