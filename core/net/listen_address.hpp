// core/net/listen_address.hpp - the addresses a service listens on, as written in the
// *_listen parameters: "127.0.0.1:2424", "[::1]:143", "*:110" (all addresses, IPv4 and
// IPv6), "localhost:24", or "unix:/run/mailroom/lmtp" (a unix-domain socket).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

struct ListenAddress {
    enum class Kind { tcp, unix_socket } kind = Kind::tcp;
    std::string host;       // "" for "*": every address
    std::uint16_t port = 0;
    std::string path;       // for unix sockets
    std::string text;       // as written, for messages

    bool operator==(const ListenAddress& other) const { return text == other.text; }
};

// Parses one address; on failure returns nullopt and sets `error`.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

// Parses a list parameter's items; stops at the first bad one.
std::optional<std::vector<ListenAddress>> parse_listen_addresses(const std::vector<std::string>& items,
                                                                 std::string& error);

}  // namespace mailroom::core
