// pop3/settings.cpp - reading and checking the POP3 parameters (see settings.hpp).
#include "pop3/settings.hpp"

#include "core/util/strings.hpp"

namespace mailroom::pop3 {
namespace {

constexpr auto idle_timeout_min = std::chrono::minutes(10);   // RFC 1939 section 3
constexpr std::uint64_t max_expire_days = 36500;

}  // namespace

std::optional<Settings> read_settings(const core::Config& config, std::string& error)
{
    std::string why;
    auto format = UidlFormat::parse(config.get("pop3_uidl_format"), why);
    if (!format) {
        error = config.origin("pop3_uidl_format") + ": pop3_uidl_format: " + why;
        return std::nullopt;
    }
    Settings settings;
    settings.uidl_format = std::move(*format);
    settings.mark_seen = config.get_bool("pop3_mark_seen");
    settings.enable_apop = config.get_bool("pop3_enable_apop");
    settings.login_timeout = config.get_time("pop3_login_timeout");
    settings.idle_timeout = config.get_time("pop3_idle_timeout");
    settings.host_name = config.get("myhostname");
    if (settings.idle_timeout < idle_timeout_min) {
        error = config.origin("pop3_idle_timeout") +
                ": pop3_idle_timeout: must be at least 10m (RFC 1939 section 3 requires 10 minutes)";
        return std::nullopt;
    }
    if (settings.login_timeout.count() == 0) {
        error = config.origin("pop3_login_timeout") + ": pop3_login_timeout: must be more than 0";
        return std::nullopt;
    }
    const auto limit = config.get_number("pop3_error_limit");
    if (limit == 0 || limit > 1000) {
        error = config.origin("pop3_error_limit") + ": pop3_error_limit: expected 1 to 1000";
        return std::nullopt;
    }
    settings.error_limit = static_cast<unsigned>(limit);
    settings.login_delay = std::chrono::duration_cast<std::chrono::seconds>(config.get_time("pop3_login_delay"));
    const std::string expire = config.get("pop3_expire");
    if (expire != "never") {
        const auto days = core::parse_uint(expire);
        if (!days || *days > max_expire_days) {
            error = config.origin("pop3_expire") + ": pop3_expire: expected never or a number of days (0 to " +
                    std::to_string(max_expire_days) + ")";
            return std::nullopt;
        }
        settings.expire_days = static_cast<unsigned>(*days);
    }
    return settings;
}

}  // namespace mailroom::pop3
