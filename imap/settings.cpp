// imap/settings.cpp - ImapSettings from the configuration (see settings.hpp).
#include "imap/settings.hpp"

#include <algorithm>

namespace mailroom::imap {

ImapSettings ImapSettings::from_config(const core::Config& config)
{
    using std::chrono::milliseconds;
    ImapSettings settings;
    // Below RFC 7162's 8192 clients break; a zero would refuse every command.
    settings.line_max = std::max<std::size_t>(config.get_number("imap_max_line_length"), 8192);
    settings.command_max = std::max<std::size_t>(config.get_number("imap_max_command_size"), settings.line_max);
    settings.literal_max = config.get_number("imap_literal_max");
    settings.login_timeout = std::max(config.get_time("imap_login_timeout"), milliseconds(1000));
    settings.idle_timeout = std::max<milliseconds>(config.get_time("imap_idle_timeout"), autologout_minimum);
    settings.idle_notify_interval = std::max(config.get_time("imap_idle_notify_interval"), milliseconds(1000));
    settings.idle_poll_interval = std::max(config.get_time("imap_idle_poll_interval"), milliseconds(100));
    settings.hostname = config.get("myhostname");
    return settings;
}

}  // namespace mailroom::imap
