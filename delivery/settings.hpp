// delivery/settings.hpp - delivery's view of one configuration snapshot: the parameters read
// once and checked (alias_maps types, allow_mail_to_* words), so a bad value is reported at
// startup with file:line instead of failing every delivery.
#pragma once
#include "core/config/config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::delivery {

// Where a destination was found; allow_mail_to_commands/files list these (Postfix's
// EXPAND_TYPE_ALIAS / _FWD / _INCL).
enum ExpansionSource : unsigned { from_alias = 1, from_forward = 2, from_include = 4 };

struct DeliverySettings {
    std::string myhostname;
    std::string myorigin;
    std::vector<std::string> mydestination;            // lower-cased
    std::vector<std::string> virtual_mailbox_domains;  // lower-cased
    std::string recipient_delimiter;                   // a set of characters; empty: no extensions
    bool local_part_case_sensitive = false;
    std::vector<std::string> alias_files;              // text files named by alias_maps, in order
    std::vector<std::string> forward_path;             // unexpanded items
    std::string forward_filter;
    std::string command_filter;
    std::string luser_relay;                           // unexpanded
    unsigned commands_allowed = from_alias | from_forward;
    unsigned files_allowed = from_alias | from_forward;
    bool owner_request_special = true;
    bool expand_owner_alias = false;
    std::size_t duplicate_filter_limit = 1000;
    std::string mailbox_command;                       // as written; the shell expands $NAMEs
    std::vector<std::string> filter_rc_path;           // unexpanded items
    std::string filter_site_rc;
    std::chrono::milliseconds command_time_limit{std::chrono::seconds(1000)};
    std::string sendmail_path;
    std::string default_privs;
    bool save_to_detail_mailbox = false;
    bool quota_tempfail = false;
    std::uint64_t message_size_limit = 0;              // 0: none
    std::uint64_t mailbox_size_limit = 0;              // 0: none
    std::string data_directory;
};

// Reads and checks the delivery parameters. nullopt and `error` ("FILE:LINE: alias_maps:
// unsupported table type ldap:") when a value cannot work.
std::optional<DeliverySettings> read_delivery_settings(const core::Config& config, std::string& error);

}  // namespace mailroom::delivery
