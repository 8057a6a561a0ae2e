// mta/smtpd/smtp_service.cpp - building mta's services (see smtp_service.hpp).
#include "mta/smtpd/smtp_service.hpp"

#include "core/net/service_config.hpp"

namespace mailroom::mta {

std::filesystem::path sendmail_socket(const std::filesystem::path& queue_directory)
{
    return queue_directory / "sendmail.sock";
}

MtaServices mta_services(core::Runtime& runtime, RecipientCheck check_recipient)
{
    const auto snapshot = runtime.snapshot();
    const core::Config& config = *snapshot->config;
    const std::string& root = config.get("queue_directory");
    MtaServices result;
    if (root.empty()) {
        for (const char* name : {"smtp_listen", "submission_listen"})
            if (!config.get_list(name).empty())
                throw core::ServerError(config.origin(name) + ": " + name + ": needs a queue: set queue_directory");
        return result;
    }
    result.queue = std::make_shared<QueueManager>(runtime, root);
    try {
        result.queue->queue().prepare();
    } catch (const QueueError& e) {
        throw core::ServerError(config.origin("queue_directory") + ": queue_directory: " + e.what());
    }
    const auto add = [&](std::optional<core::Service> service, SmtpdKind kind) {
        if (!service)
            return;
        service->overload_reply = "421 4.7.0 Too many connections, try again later\r\n";
        service->handler = [context = SmtpdContext{kind, &runtime, result.queue, check_recipient}](
                               std::shared_ptr<core::Connection> connection) {
            return run_smtpd_session(std::move(connection), context);
        };
        result.services.push_back(std::move(*service));
    };
    add(core::service_from_config(config, "smtp", "smtp_listen", false), SmtpdKind::smtp);
    add(core::service_from_config(config, "submission", "submission_listen", false), SmtpdKind::submission);
    core::Service sendmail;
    sendmail.name = "sendmail";
    sendmail.parameter = "queue_directory";
    core::ListenAddress address;
    address.kind = core::ListenAddress::Kind::unix_socket;
    address.path = sendmail_socket(root).string();
    address.text = "unix:" + address.path;
    sendmail.addresses.push_back(std::move(address));
    sendmail.unix_socket_mode = 0666;
    add(std::move(sendmail), SmtpdKind::sendmail);
    return result;
}

}  // namespace mailroom::mta
