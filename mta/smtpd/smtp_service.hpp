// mta/smtpd/smtp_service.hpp - mta's part of mailroomd: the queue manager and the services that
// feed it - smtp (smtp_listen), submission (submission_listen) and the local socket that
// `mailroom sendmail` talks to ($queue_directory/sendmail.sock, mode 0666, trusted to relay
// like Postfix's postdrop/pickup).
#pragma once
#include "core/net/server.hpp"
#include "core/runtime/runtime.hpp"
#include "mta/smtpd/session.hpp"

#include <filesystem>

namespace mailroom::mta {

struct MtaServices {
    std::vector<core::Service> services;
    std::shared_ptr<QueueManager> queue;   // null when queue_directory is empty
};

// Throws core::ServerError for a bad address, or smtp_listen/submission_listen without
// queue_directory, or a queue directory that cannot be created.
MtaServices mta_services(core::Runtime& runtime, RecipientCheck check_recipient);

// The socket `mailroom sendmail` connects to.
std::filesystem::path sendmail_socket(const std::filesystem::path& queue_directory);

}  // namespace mailroom::mta
