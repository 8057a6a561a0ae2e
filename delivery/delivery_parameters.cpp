// delivery/delivery_parameters.cpp - declarations of delivery's parameters. Names and defaults
// follow Postfix (postconf(5)) where the meaning is the same; docs/configuration.md has each.
#include "delivery/delivery_parameters.hpp"

namespace mailroom::delivery {
namespace {

using core::ParamKind;
using core::ParameterSpec;

constexpr auto S = ParamKind::string;
constexpr auto L = ParamKind::list;
constexpr auto B = ParamKind::boolean;
constexpr auto N = ParamKind::integer;
constexpr auto Z = ParamKind::size;
constexpr auto T = ParamKind::time;

// Postfix's forward_expansion_filter and command_expansion_filter defaults.
constexpr std::string_view safe_characters =
    "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

const ParameterSpec parameters[] = {
    {"lmtp_listen", "", L, "Addresses the LMTP service listens on: host:port, [ipv6]:port or unix:/path."},
    {"lmtp_command_timeout", "300s", T, "Idle time allowed between LMTP commands (RFC 5321 section 4.5.3.2.7)."},
    {"lmtp_data_timeout", "180s", T, "Time allowed between two reads of message data (DATA or BDAT)."},
    {"lmtp_recipient_limit", "1000", N, "Recipients accepted in one LMTP transaction; more get 452 4.5.3."},
    {"lmtp_spool_memory_limit", "256k", Z,
     "Messages up to this size are held in memory while they arrive; larger ones go to an unnamed file in "
     "data_directory."},
    {"lmtp_save_to_detail_mailbox", "no", B,
     "Save mail for user+detail into the folder \"detail\" when that folder exists (Dovecot's option)."},
    {"quota_full_tempfail", "no", B,
     "Answer over-quota (and mailbox_size_limit) with 452 4.2.2 instead of 552 5.2.2, so the sender retries."},
    {"message_size_limit", "10240000", Z, "Largest message accepted, in bytes (SIZE=, DATA and BDAT); 0: no limit."},
    {"recipient_delimiter", "", S,
     "Characters that separate a user name from an address extension (user+ext); empty: no extensions."},
    {"virtual_mailbox_domains", "", L,
     "Domains whose users come from the users file as user@domain (Postfix virtual(8)); not aliased, no .forward."},
    {"alias_maps", "hash:/etc/aliases", L,
     "Aliases files, searched in order. hash:, btree:, lmdb:, dbm: and texthash: name the text file itself: "
     "mailroom reads it directly (no .db) and rereads it when it changes."},
    {"forward_path", "$home/.forward${recipient_delimiter}${extension}, $home/.forward", L,
     ".forward files to try, first found wins ($user, $home, $shell, $recipient, $extension, $domain, $local, "
     "$recipient_delimiter are expanded per recipient; a path with an undefined name is skipped).",
     core::param_expand_at_use},
    {"forward_expansion_filter", safe_characters, S,
     "Characters allowed in $name values expanded into forward_path; others become '_'."},
    {"command_expansion_filter", safe_characters, S,
     "Characters allowed in the environment values given to commands; others become '_'."},
    {"luser_relay", "", S,
     "Where mail for unknown users in local domains goes instead of bouncing (names as in forward_path).",
     core::param_expand_at_use},
    {"allow_mail_to_commands", "alias, forward", L,
     "Where |command destinations are allowed: any of alias, forward, include."},
    {"allow_mail_to_files", "alias, forward", L, "Where /file destinations are allowed: any of alias, forward, include."},
    {"owner_request_special", "yes", B,
     "An alias with an owner-NAME companion gets owner-NAME as envelope sender; owner-* and *-request are never "
     "split at the recipient_delimiter."},
    {"expand_owner_alias", "no", B, "Use the expansion of owner-NAME, not owner-NAME itself, as the envelope sender."},
    {"duplicate_filter_limit", "1000", N, "Destinations remembered per recipient for duplicate elimination."},
    {"mailbox_command", "", S,
     "Program that delivers to local users' mailboxes instead of mailroom (run with /bin/sh -c as the user; "
     "$EXTENSION etc. are in its environment, not expanded by mailroom).",
     core::param_expand_at_use},
    {"filter_rc_path", "$home/.procmailrc", L,
     "procmailrc files to try for a mailbox delivery, first usable wins (names as in forward_path). The file must "
     "belong to the user or root and not be writable by others. Empty: no user filters.",
     core::param_expand_at_use},
    {"filter_site_rc", "", S,
     "A procmailrc run before the user's for every mailbox delivery (like /etc/procmailrc, but with the user's "
     "rights). Empty: none."},
    {"command_time_limit", "1000s", T, "Time limit for |command destinations and mailbox_command."},
    {"sendmail_path", "/usr/sbin/sendmail", S,
     "The MTA's sendmail program; forwarded mail is re-submitted with -i -f SENDER -- RECIPIENT..."},
    {"default_privs", "nobody", S,
     "User whose rights |command and /file destinations get when aliases or :include: files owned by root, or "
     "root's own .forward, name them. Never a privileged user."},
};

}  // namespace

core::ParameterTable delivery_parameters() { return parameters; }

}  // namespace mailroom::delivery
