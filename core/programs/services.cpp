// core/programs/services.cpp - wiring of the protocol modules into mailroomd.
#include "core/programs/services.hpp"

#include "delivery/lmtp/lmtp_service.hpp"
#include "imap/imap_service.hpp"
#include "pop3/pop3_service.hpp"

namespace mailroom::programs {

const std::vector<std::string>& listen_parameters()
{
    static const std::vector<std::string> names{"lmtp_listen", "pop3_listen", "pop3s_listen", "imap_listen",
                                                "imaps_listen"};
    return names;
}

std::vector<core::Service> configured_services(core::Runtime& runtime)
{
    std::vector<core::Service> services;
    if (auto lmtp = delivery::lmtp::lmtp_service(runtime))
        services.push_back(std::move(*lmtp));
    for (auto& pop3 : pop3::pop3_services(runtime))
        services.push_back(std::move(pop3));
    for (auto& imap : imap::imap_services(runtime))
        services.push_back(std::move(imap));
    return services;
}

}  // namespace mailroom::programs
