// delivery/resolve/destination.hpp - where one copy of a message goes once a recipient is
// resolved: Postfix local(8)'s leaf nodes (deliver_mailbox, deliver_file, deliver_command,
// deliver_indirect). The resolver produces these; delivery/actions/ carries them out.
#pragma once
#include "core/auth/user.hpp"
#include "delivery/resolve/rights.hpp"

#include <memory>
#include <string>

namespace mailroom::delivery {

struct Destination {
    enum class Kind {
        mailbox,   // the user's INBOX (or detail folder), or mailbox_command for local users
        file,      // append to an mbox file, or a Maildir when the path ends in '/'
        command,   // |command through /bin/sh -c
        forward,   // re-submit to the MTA (sendmail_path)
        discard,   // accepted and dropped (postmaster without an alias, as local(8) does)
    };
    Kind kind = Kind::mailbox;

    // The address this copy is delivered for (environment RECIPIENT, log "to="), taken apart.
    std::string recipient;
    std::string local;
    std::string user;
    std::string extension;
    std::string domain;

    std::string delivered_to;   // Delivered-To: header value (the top-level recipient)
    std::string sender;         // envelope sender of this copy (an owner- alias replaces it)
    std::string origin;         // how it was reached, for logs: "alias rich (/etc/aliases:12)"

    std::shared_ptr<const core::User> owner;   // mailbox: the user; commands/files: the user context, if any
    bool local_domain = true;   // a mydestination user (mailbox_command applies) vs a virtual one
    std::string target;         // file path, command text, or forwarding address
    Rights rights;              // file and command: whose rights (default_privs when root's)

    // Duplicate elimination across the recipients of one transaction.
    std::string key() const;
};

}  // namespace mailroom::delivery
