// core/net/network_list.cpp - address/prefix matching (see network_list.hpp).
#include "core/net/network_list.hpp"

#include "core/util/strings.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace mailroom::core {

std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text)
{
    std::array<std::uint8_t, 16> bytes{};
    const std::string s(text);
    in_addr v4{};
    if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        bytes[10] = bytes[11] = 0xff;
        std::memcpy(bytes.data() + 12, &v4, 4);
        return bytes;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(bytes.data(), &v6, 16);
        return bytes;
    }
    return std::nullopt;
}

std::optional<NetworkList> NetworkList::parse(const std::vector<std::string>& items, std::string& error)
{
    NetworkList list;
    for (const auto& item : items) {
        std::string_view text = item;
        const auto slash = text.find('/');
        std::string_view address = text.substr(0, slash);
        if (address.starts_with('[') && address.ends_with(']'))
            address = address.substr(1, address.size() - 2);
        const auto bytes = parse_ip_address(address);
        if (!bytes) {
            error = "\"" + item + "\" is not an IP address or network";
            return std::nullopt;
        }
        Network network;
        network.bytes = *bytes;
        const bool is_v4 = address.find(':') == std::string_view::npos;
        if (slash != std::string_view::npos) {
            const auto prefix = parse_uint(text.substr(slash + 1));
            if (!prefix || *prefix > (is_v4 ? 32u : 128u)) {
                error = "\"" + item + "\" has a bad prefix length";
                return std::nullopt;
            }
            network.prefix = static_cast<unsigned>(*prefix) + (is_v4 ? 96u : 0u);
        }
        list.networks_.push_back(network);
    }
    return list;
}

bool NetworkList::contains(std::string_view address) const
{
    const auto bytes = parse_ip_address(address);
    if (!bytes)
        return false;
    for (const auto& network : networks_) {
        unsigned bits = network.prefix;
        bool match = true;
        for (std::size_t i = 0; i < 16 && bits > 0 && match; ++i, bits = bits >= 8 ? bits - 8 : 0) {
            const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
            match = ((*bytes)[i] & mask) == (network.bytes[i] & mask);
        }
        if (match)
            return true;
    }
    return false;
}

}  // namespace mailroom::core
