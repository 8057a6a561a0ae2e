// core/programs/services.cpp - wiring of the protocol modules into mailroomd.
#include "core/programs/services.hpp"

#include "delivery/lmtp/lmtp_service.hpp"
#include "delivery/pipeline.hpp"
#include "delivery/settings.hpp"
#include "filters/engine.hpp"
#include "imap/imap_service.hpp"
#include "mta/smtpd/smtp_service.hpp"
#include "pop3/pop3_service.hpp"

namespace mailroom::programs {

const std::vector<std::string>& listen_parameters()
{
    static const std::vector<std::string> names{"lmtp_listen", "pop3_listen",  "pop3s_listen",     "imap_listen",
                                                "imaps_listen", "smtp_listen", "submission_listen", "queue_directory"};
    return names;
}

namespace {

// mta/ checks recipients at RCPT time with delivery's resolution, from the current snapshot.
mta::RecipientCheck recipient_check(core::Runtime& runtime)
{
    auto aliases = std::make_shared<delivery::AliasMaps>();
    auto filters = std::make_shared<filters::Engine>();
    return [&runtime, aliases, filters](const std::string& address, const std::string& sender) {
        const auto snapshot = runtime.snapshot();
        std::string error;
        auto settings = delivery::read_delivery_settings(*snapshot->config, error);
        if (!settings)
            return core::smtp::Status::make("4.3.5", "mail system configuration error");
        delivery::DeliveryServices services{std::move(*settings), snapshot->config, snapshot->users, aliases, filters};
        return delivery::check_recipient(services, address, sender, 0);
    };
}

}  // namespace

ConfiguredServices configured_services(core::Runtime& runtime)
{
    ConfiguredServices configured;
    auto& services = configured.services;
    if (auto lmtp = delivery::lmtp::lmtp_service(runtime))
        services.push_back(std::move(*lmtp));
    for (auto& pop3 : pop3::pop3_services(runtime))
        services.push_back(std::move(pop3));
    for (auto& imap : imap::imap_services(runtime))
        services.push_back(std::move(imap));
    auto mta = mta::mta_services(runtime, recipient_check(runtime));
    for (auto& service : mta.services)
        services.push_back(std::move(service));
    configured.queue = std::move(mta.queue);
    return configured;
}

}  // namespace mailroom::programs
