// pop3/settings.hpp - the POP3 service's parameters read and checked once per configuration
// snapshot: the UIDL format parsed, the RFC 1939 section 3 minimum idle time enforced.
#pragma once
#include "core/config/config.hpp"
#include "pop3/uidl_format.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace mailroom::pop3 {

struct Settings {
    UidlFormat uidl_format;
    bool mark_seen = true;
    bool enable_apop = false;
    std::chrono::milliseconds login_timeout{};
    std::chrono::milliseconds idle_timeout{};
    unsigned error_limit = 20;
    std::chrono::seconds login_delay{0};        // RFC 2449 LOGIN-DELAY; 0: none
    std::optional<unsigned> expire_days;        // RFC 2449 EXPIRE; nullopt: never
    std::string host_name;   // myhostname, for the APOP timestamp
};

// nullopt with "FILE:LINE: parameter: why" in `error` when a value cannot work.
std::optional<Settings> read_settings(const core::Config& config, std::string& error);

}  // namespace mailroom::pop3
