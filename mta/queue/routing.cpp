// mta/queue/routing.cpp - local or remote recipient (see routing.hpp).
#include "mta/queue/routing.hpp"

#include "core/util/strings.hpp"

namespace mailroom::mta {

std::string address_domain(std::string_view address)
{
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : core::to_lower(address.substr(at + 1));
}

bool is_local_recipient(const core::Config& config, std::string_view address)
{
    const std::string domain = address_domain(address);
    if (domain.empty())
        return true;
    for (const char* list : {"mydestination", "virtual_mailbox_domains"})
        for (const auto& item : config.get_list(list))
            if (core::iequals(item, domain))
                return true;
    return false;
}

}  // namespace mailroom::mta
