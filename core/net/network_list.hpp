// core/net/network_list.hpp - address/prefix lists such as mynetworks and debug_peer_list:
// "127.0.0.0/8 [::1]/128 192.0.2.7 2001:db8::/32". IPv4-mapped IPv6 peers match IPv4 entries.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

class NetworkList {
public:
    // Parses list items; returns nullopt and sets `error` on the first bad one.
    static std::optional<NetworkList> parse(const std::vector<std::string>& items, std::string& error);

    // `address` is a textual IPv4 or IPv6 address; anything else never matches.
    bool contains(std::string_view address) const;
    bool empty() const { return networks_.empty(); }

private:
    struct Network {
        std::array<std::uint8_t, 16> bytes{};   // IPv4 stored as IPv4-mapped IPv6
        unsigned prefix = 128;
    };
    std::vector<Network> networks_;
};

// Parses an IPv4 or IPv6 address into 16 bytes (IPv4 as ::ffff:a.b.c.d).
std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text);

}  // namespace mailroom::core
