// core/net/listen_address.cpp - parsing of *_listen values (see listen_address.hpp).
#include "core/net/listen_address.hpp"

#include "core/util/strings.hpp"

namespace mailroom::core {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error)
{
    ListenAddress address;
    address.text = std::string(text);
    if (text.starts_with("unix:")) {
        address.kind = ListenAddress::Kind::unix_socket;
        address.path = std::string(text.substr(5));
        if (address.path.empty() || address.path.front() != '/') {
            error = "\"" + std::string(text) + "\": a unix socket needs an absolute path (unix:/path)";
            return std::nullopt;
        }
        if (address.path.size() >= 108) {
            error = "\"" + std::string(text) + "\": unix socket path too long (at most 107 bytes)";
            return std::nullopt;
        }
        return address;
    }
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            error = "\"" + std::string(text) + "\": expected [ipv6-address]:port";
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            error = "\"" + std::string(text) + "\": expected host:port, [ipv6]:port or unix:/path";
            return std::nullopt;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            error = "\"" + std::string(text) + "\": write IPv6 addresses in brackets, [::1]:port";
            return std::nullopt;
        }
    }
    const auto number = parse_uint(port);
    if (!number || *number == 0 || *number > 65535) {
        error = "\"" + std::string(text) + "\": bad port \"" + std::string(port) + "\"";
        return std::nullopt;
    }
    address.port = static_cast<std::uint16_t>(*number);
    address.host = host == "*" ? std::string() : std::string(host);
    if (host.empty()) {
        error = "\"" + std::string(text) + "\": missing host (use * for every address)";
        return std::nullopt;
    }
    return address;
}

std::optional<std::vector<ListenAddress>> parse_listen_addresses(const std::vector<std::string>& items,
                                                                 std::string& error)
{
    std::vector<ListenAddress> addresses;
    for (const auto& item : items) {
        auto address = parse_listen_address(item, error);
        if (!address)
            return std::nullopt;
        addresses.push_back(std::move(*address));
    }
    return addresses;
}

}  // namespace mailroom::core
