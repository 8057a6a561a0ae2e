// delivery/settings.cpp - reading and checking delivery's parameters (see settings.hpp).
#include "delivery/settings.hpp"

#include "core/util/strings.hpp"

namespace mailroom::delivery {
namespace {

// Lookup table types whose source is a plain aliases(5) text file. Postfix compiles these into
// .db files with postalias; mailroom reads the text file directly, so "hash:/etc/aliases"
// from an existing main.cf means /etc/aliases.
constexpr std::string_view text_table_types[] = {"hash:", "btree:", "lmdb:", "dbm:", "cdb:", "texthash:"};

std::optional<std::string> alias_file(std::string_view item)
{
    for (const auto type : text_table_types)
        if (item.starts_with(type))
            return std::string(item.substr(type.size()));
    if (item.starts_with('/'))
        return std::string(item);
    return std::nullopt;
}

std::optional<unsigned> source_mask(const std::vector<std::string>& words)
{
    unsigned mask = 0;
    for (const auto& word : words) {
        const std::string w = core::to_lower(word);
        if (w == "alias")
            mask |= from_alias;
        else if (w == "forward")
            mask |= from_forward;
        else if (w == "include")
            mask |= from_include;
        else
            return std::nullopt;
    }
    return mask;
}

std::vector<std::string> lowered(const std::vector<std::string>& items)
{
    std::vector<std::string> out;
    for (const auto& item : items)
        out.push_back(core::to_lower(item));
    return out;
}

}  // namespace

std::optional<DeliverySettings> read_delivery_settings(const core::Config& config, std::string& error)
{
    DeliverySettings s;
    s.myhostname = config.get("myhostname");
    s.myorigin = config.get("myorigin");
    s.mydestination = lowered(config.get_list("mydestination"));
    s.virtual_mailbox_domains = lowered(config.get_list("virtual_mailbox_domains"));
    s.recipient_delimiter = config.get("recipient_delimiter");
    s.local_part_case_sensitive = config.get_bool("local_part_case_sensitive");
    for (const auto& item : config.get_list("alias_maps")) {
        auto file = alias_file(item);
        if (!file || file->empty() || !file->starts_with('/')) {
            error = config.origin("alias_maps") + ": alias_maps: \"" + item +
                    "\" is not an aliases text file (use hash:/path or /path)";
            return std::nullopt;
        }
        s.alias_files.push_back(std::move(*file));
    }
    s.forward_path = core::split_list(config.get("forward_path"));
    s.forward_filter = config.get("forward_expansion_filter");
    s.command_filter = config.get("command_expansion_filter");
    s.luser_relay = std::string(core::trim(config.get("luser_relay")));
    for (const char* name : {"allow_mail_to_commands", "allow_mail_to_files"}) {
        const auto mask = source_mask(config.get_list(name));
        if (!mask) {
            error = config.origin(name) + ": " + name + ": expected words from alias, forward, include";
            return std::nullopt;
        }
        (std::string_view(name) == "allow_mail_to_commands" ? s.commands_allowed : s.files_allowed) = *mask;
    }
    s.owner_request_special = config.get_bool("owner_request_special");
    s.expand_owner_alias = config.get_bool("expand_owner_alias");
    s.duplicate_filter_limit = config.get_number("duplicate_filter_limit");
    s.mailbox_command = std::string(core::trim(config.get("mailbox_command")));
    s.filter_rc_path = core::split_list(config.get("filter_rc_path"));
    s.filter_site_rc = std::string(core::trim(config.get("filter_site_rc")));
    s.command_time_limit = config.get_time("command_time_limit");
    s.sendmail_path = config.get("sendmail_path");
    s.default_privs = config.get("default_privs");
    s.save_to_detail_mailbox = config.get_bool("lmtp_save_to_detail_mailbox");
    s.quota_tempfail = config.get_bool("quota_full_tempfail");
    s.message_size_limit = config.get_number("message_size_limit");
    s.mailbox_size_limit = config.get_number("mailbox_size_limit");
    s.data_directory = config.get("data_directory");
    return s;
}

}  // namespace mailroom::delivery
