// mta/smtpd/session.hpp - one SMTP connection on the shared SMTP-family loop
// (core/smtp/server_session): the SMTP service (RFC 5321, mail from other hosts), submission
// (RFC 6409: STARTTLS, then AUTH PLAIN/LOGIN per RFC 4954, then relaying and the sender
// check) and the local sendmail socket (trusted like Postfix's pickup). Recipients are
// checked at RCPT time; the message goes into the queue, with its RFC 3461 DSN requests, and
// 250 follows its fsync.
#pragma once
#include "core/net/connection.hpp"
#include "core/runtime/runtime.hpp"
#include "core/smtp/status.hpp"
#include "mta/queue/manager.hpp"

#include <functional>
#include <memory>

namespace mailroom::mta {

enum class SmtpdKind { smtp, submission, sendmail };

// delivery's recipient resolution, given to mta/ by the program that links both (mta/ talks
// to delivery only over LMTP): 250 for a local recipient that exists, 550 5.1.1 otherwise.
using RecipientCheck = std::function<core::smtp::Status(const std::string& address, const std::string& sender)>;

struct SmtpdContext {
    SmtpdKind kind = SmtpdKind::smtp;
    core::Runtime* runtime = nullptr;
    std::shared_ptr<QueueManager> queue;
    RecipientCheck check_recipient;
};

core::awaitable<void> run_smtpd_session(std::shared_ptr<core::Connection> connection, const SmtpdContext& context);

}  // namespace mailroom::mta
