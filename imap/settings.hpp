// imap/settings.hpp - the IMAP settings a session needs, read once from the configuration
// snapshot the session starts with.
#pragma once
#include "core/config/config.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace mailroom::imap {

// RFC 9051 section 5.4: the autologout timer of an authenticated client is at least 30 minutes.
inline constexpr std::chrono::minutes autologout_minimum{30};

struct ImapSettings {
    std::size_t line_max = 0;
    std::size_t command_max = 0;
    std::uint64_t literal_max = 0;
    std::chrono::milliseconds login_timeout{0};
    std::chrono::milliseconds idle_timeout{0};
    std::chrono::milliseconds idle_notify_interval{0};
    std::chrono::milliseconds idle_poll_interval{0};
    std::string hostname;

    static ImapSettings from_config(const core::Config& config);
};

}  // namespace mailroom::imap
