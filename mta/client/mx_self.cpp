// mta/client/mx_self.cpp - MX hosts that are this machine (see mx_self.hpp).
#include "mta/client/mx_self.hpp"

#include "core/util/strings.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

namespace mailroom::mta {
namespace {

std::string address_text(const sockaddr* address)
{
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET)
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
    else if (address->sa_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
    return text;
}

}  // namespace

void drop_self_and_worse(MxResult& mx, std::string_view domain, const std::function<bool(const std::string&)>& is_self)
{
    if (!mx.status.ok())
        return;
    const auto self = std::find_if(mx.hosts.begin(), mx.hosts.end(), [&](const MxHost& h) { return is_self(h.host); });
    if (self == mx.hosts.end())
        return;
    const unsigned limit = self->preference;   // hosts are sorted: drop this preference and worse
    std::erase_if(mx.hosts, [limit](const MxHost& h) { return h.preference >= limit; });
    if (mx.hosts.empty())
        mx.status = core::smtp::Status::make("5.4.6", "mail for " + std::string(domain) + " loops back to myself");
}

std::set<std::string> interface_addresses()
{
    std::set<std::string> addresses;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0)
        return addresses;
    const std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owner(list, ::freeifaddrs);
    for (const ifaddrs* entry = list; entry; entry = entry->ifa_next)
        if (entry->ifa_addr)
            if (std::string text = address_text(entry->ifa_addr); !text.empty())
                addresses.insert(std::move(text));
    return addresses;
}

bool host_is_this_machine(const std::string& host, std::string_view myhostname,
                          const std::set<std::string>& local_addresses)
{
    if (core::to_lower(host) == core::to_lower(myhostname))
        return true;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0)
        return false;
    const std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(found, ::freeaddrinfo);
    for (const addrinfo* entry = found; entry; entry = entry->ai_next)
        if (local_addresses.contains(address_text(entry->ai_addr)))
            return true;
    return false;
}

MxResult lookup_mx_excluding_self(std::string_view domain, std::string_view myhostname)
{
    MxResult mx = lookup_mx(domain);
    const std::set<std::string> local = interface_addresses();
    drop_self_and_worse(mx, domain, [&](const std::string& host) { return host_is_this_machine(host, myhostname, local); });
    return mx;
}

}  // namespace mailroom::mta
