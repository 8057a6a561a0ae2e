// mailstore/location.cpp - resolving a user's mail location (see location.hpp).
#include "mailstore/location.hpp"

#include "core/auth/mail_identity.hpp"
#include "core/util/strings.hpp"

#include <sys/stat.h>

#include <algorithm>

namespace mailroom::mailstore {
namespace {

namespace fs = std::filesystem;

Error config_error(std::string text) { return Error{make_error_code(Errc::corrupt), std::move(text)}; }

core::ExpansionLookup user_variables(const core::User& user, const std::string& home)
{
    return [&user, home](std::string_view name) -> std::optional<std::string> {
        if (name == "home")
            return home;
        if (name == "user")
            return user.name;
        if (name == "local")
            return user.local_part;
        if (name == "domain")
            return user.domain;
        return std::nullopt;
    };
}

// Dovecot's variables in a users-file mail= field: ~ at the start, %u %n %d %h %%.
std::string expand_dovecot_path(std::string_view text, const core::User& user, const std::string& home)
{
    std::string out;
    if (text.starts_with("~/") || text == "~") {
        out = home;
        text.remove_prefix(1);
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%' || i + 1 >= text.size()) {
            out += text[i];
            continue;
        }
        switch (text[++i]) {
        case 'u': out += user.name; break;
        case 'n': out += user.local_part; break;
        case 'd': out += user.domain; break;
        case 'h': out += home; break;
        case '%': out += '%'; break;
        default: out += '%'; out += text[i]; break;
        }
    }
    return out;
}

// "maildir:~/Maildir" or "mbox:~/mail:INBOX=/var/mail/%u[:INDEX=/path]".
Result<void> apply_mail_field(const std::string& field, const core::User& user, MailLocation& location)
{
    const auto parts = core::split_fields(field, ':');
    const std::string where = "users file entry for " + user.name + ": mail=" + field;
    if (parts.size() < 2 || parts[1].empty())
        return config_error(where + ": expected maildir:PATH or mbox:PATH");
    const std::string home = location.home.string();
    const fs::path root = expand_dovecot_path(parts[1], user, home);
    if (parts[0] == "maildir") {
        location.inbox_format = location.folder_format = MailFormat::maildir;
        location.inbox = location.folder_root = root;
    } else if (parts[0] == "mbox") {
        location.inbox_format = location.folder_format = MailFormat::mbox;
        location.folder_root = root;
        location.inbox = root / "inbox";
    } else {
        return config_error(where + ": unknown format \"" + std::string(parts[0]) + "\"");
    }
    for (std::size_t i = 2; i < parts.size(); ++i) {
        const std::string_view option = parts[i];
        if (option.starts_with("INBOX="))
            location.inbox = expand_dovecot_path(option.substr(6), user, home);
        else if (option.starts_with("INDEX="))
            location.index_root = expand_dovecot_path(option.substr(6), user, home);
        else
            return config_error(where + ": unknown option \"" + std::string(option) + "\"");
    }
    if (!location.inbox.is_absolute() || !location.folder_root.is_absolute())
        return config_error(where + ": paths must be absolute (use ~ for the home directory)");
    return {};
}

Result<void> apply_folders_parameter(const core::Config& config, const core::ExpansionLookup& variables,
                                     MailLocation& location)
{
    const auto expanded = config.expand(config.get("mail_folders"), variables);
    if (!expanded.error.empty())
        return config_error(config.origin("mail_folders") + ": mail_folders: " + expanded.error);
    if (expanded.value.empty()) {
        if (location.inbox_format == MailFormat::maildir) {
            location.folder_format = MailFormat::maildir;
            location.folder_root = location.inbox;
        } else {
            location.folder_format = MailFormat::mbox;
            location.folder_root = location.home / "mail";
        }
        return {};
    }
    const auto colon = expanded.value.find(':');
    const std::string format = expanded.value.substr(0, colon);
    const fs::path path = colon == std::string::npos ? fs::path() : fs::path(expanded.value.substr(colon + 1));
    if ((format != "maildir" && format != "mbox") || !path.is_absolute())
        return config_error(config.origin("mail_folders") + ": mail_folders: expected maildir:/path or mbox:/path, not \"" +
                            expanded.value + "\"");
    location.folder_format = format == "maildir" ? MailFormat::maildir : MailFormat::mbox;
    location.folder_root = path;
    return {};
}

}  // namespace

std::string user_home(const core::User& user, const core::Config& config)
{
    if (!user.home.empty())
        return user.home;
    return config.expand(config.get("virtual_home"), user_variables(user, "")).value;
}

std::string MailLocation::describe() const
{
    const auto name = [](MailFormat f) { return std::string(f == MailFormat::maildir ? "maildir:" : "mbox:"); };
    std::string text = name(inbox_format) + inbox.string();
    if (folder_root != inbox || folder_format != inbox_format)
        text += " (folders " + name(folder_format) + folder_root.string() + ")";
    return text;
}

Result<MailLocation> resolve_mail_location(const core::User& user, const core::Config& config)
{
    MailLocation location;
    location.home = user_home(user, config);
    std::string error;
    const auto owner = core::mail_credentials(user, config, error);
    if (!owner)
        return config_error(error);
    location.owner = *owner;
    const auto variables = user_variables(user, location.home.string());

    if (const std::string* field = user.extra_field("mail"); field && !field->empty()) {
        if (auto applied = apply_mail_field(*field, user, location); !applied)
            return applied.error();
    } else {
        const std::string& home_mailbox = config.get("home_mailbox");
        if (!home_mailbox.empty()) {
            location.inbox_format = home_mailbox.ends_with('/') ? MailFormat::maildir : MailFormat::mbox;
            location.inbox = location.home / home_mailbox;
        } else {
            const std::string& spool = config.get("mail_spool_directory");
            location.inbox_format = spool.ends_with('/') ? MailFormat::maildir : MailFormat::mbox;
            location.inbox = fs::path(spool) / user.local_part;
            location.inbox_in_spool = true;
        }
        if (auto folders = apply_folders_parameter(config, variables, location); !folders)
            return folders.error();
    }
    if (location.inbox.filename().empty())
        location.inbox = location.inbox.parent_path();   // "Maildir/" names the directory
    if (location.inbox_in_spool && location.inbox_format == MailFormat::mbox) {
        // Like procmail (setgid mail) and Postfix local(8): the spool directory's group is
        // needed to create the INBOX and its dotlock in /var/mail.
        struct stat spool {};
        if (::stat(location.inbox.parent_path().c_str(), &spool) == 0 && spool.st_gid != location.owner.gid &&
            std::find(location.owner.groups.begin(), location.owner.groups.end(), spool.st_gid) ==
                location.owner.groups.end())
            location.owner.groups.push_back(spool.st_gid);
    }
    if (location.folder_root.filename().empty())
        location.folder_root = location.folder_root.parent_path();
    if (location.index_root.empty()) {
        const auto configured = config.expand(config.get("mail_index_directory"), variables);
        if (!configured.error.empty())
            return config_error(config.origin("mail_index_directory") + ": mail_index_directory: " + configured.error);
        location.index_root = !configured.value.empty() ? fs::path(configured.value)
                              : location.folder_format == MailFormat::maildir && location.inbox_format == MailFormat::maildir
                                  ? location.inbox
                                  : location.home / ".mailroom";
    }
    return location;
}

}  // namespace mailroom::mailstore
