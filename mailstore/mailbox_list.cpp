// mailstore/mailbox_list.cpp - a user's mailbox hierarchy on disk (see mailbox_list.hpp).
#include "mailstore/mailbox_list.hpp"

#include "core/util/mutf7.hpp"
#include "core/util/strings.hpp"
#include "mailstore/mailbox_name.hpp"
#include "mailstore/safe_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <fstream>
#include <set>

namespace mailroom::mailstore {
namespace {

namespace fs = std::filesystem;

bool is_maildir(const fs::path& dir)
{
    struct stat st {};
    return ::stat((dir / "cur").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_plain_file(const fs::path& path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The index directory of a mailbox when indexes do not live inside Maildirs.
fs::path separate_index_dir(const MailLocation& location, std::string_view canonical)
{
    std::string escaped;
    for (char c : core::utf8_to_mutf7(canonical).value_or(std::string(canonical))) {
        if (c == hierarchy_separator)
            escaped += "%2F";
        else
            escaped += c;
    }
    return location.index_root / ("mailbox." + escaped);
}

bool indexes_inside_maildirs(const MailLocation& location)
{
    return location.inbox_format == MailFormat::maildir && location.index_root == location.inbox;
}

void collect_mbox_tree(const fs::path& root, const std::string& prefix, int depth, std::set<std::string>& files,
                       std::set<std::string>& directories)
{
    if (depth > 20)
        return;
    DIR* dir = ::opendir(root.c_str());
    if (!dir)
        return;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view raw = entry->d_name;
        if (raw.empty() || raw.front() == '.' || raw.ends_with(".lock") || raw.find(".lock.") != std::string_view::npos)
            continue;
        const auto name = core::mutf7_to_utf8(raw);
        if (!name || !canonical_mailbox_name(*name, false))
            continue;
        const fs::path path = root / entry->d_name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0)
            continue;
        const std::string full = prefix.empty() ? *name : prefix + hierarchy_separator + *name;
        if (S_ISREG(st.st_mode)) {
            files.insert(full);
        } else if (S_ISDIR(st.st_mode)) {
            directories.insert(full);
            collect_mbox_tree(path, full, depth + 1, files, directories);
        }
    }
    ::closedir(dir);
}

std::set<std::string> maildir_folders(const fs::path& root)
{
    std::set<std::string> names;
    DIR* dir = ::opendir(root.c_str());
    if (!dir)
        return names;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = maildir_folder_name(entry->d_name);
        if (!name.empty() && is_maildir(root / entry->d_name))
            names.insert(name);
    }
    ::closedir(dir);
    return names;
}

Result<void> make_maildir(const fs::path& dir)
{
    for (const auto& sub : {dir, dir / "tmp", dir / "new", dir / "cur"})
        if (::mkdir(sub.c_str(), 0700) != 0 && errno != EEXIST)
            return errno_error(errno, "cannot create", sub.string());
    // Maildir++ marks folders so that deliveries know they are not a user's root.
    FileDescriptor marker(::open((dir / "maildirfolder").c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    return {};
}

Result<void> make_parents(const fs::path& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Error{make_error_code(classify_errno(ec.value())), "cannot create " + dir.string() + ": " + ec.message()};
    return {};
}

std::string subscriptions_file(const MailLocation& location)
{
    return (location.folder_root / (location.folder_format == MailFormat::maildir ? "subscriptions" : ".subscriptions"))
        .string();
}

}  // namespace

Result<MailboxPaths> mailbox_paths(const MailLocation& location, std::string_view name)
{
    auto canonical = canonical_mailbox_name(name, location.folder_format == MailFormat::maildir);
    if (!canonical)
        return canonical.error();
    MailboxPaths paths;
    paths.name = *canonical;
    if (*canonical == "INBOX") {
        paths.format = location.inbox_format;
        paths.mailbox = location.inbox;
        paths.index_dir = indexes_inside_maildirs(location) ? location.inbox : separate_index_dir(location, "INBOX");
        return paths;
    }
    paths.format = location.folder_format;
    paths.mailbox = paths.format == MailFormat::maildir ? maildir_folder_path(location.folder_root, *canonical)
                                                        : mbox_folder_path(location.folder_root, *canonical);
    paths.index_dir = indexes_inside_maildirs(location) && paths.format == MailFormat::maildir
                          ? paths.mailbox
                          : separate_index_dir(location, *canonical);
    return paths;
}

bool mailbox_exists(const MailboxPaths& paths)
{
    return paths.format == MailFormat::maildir ? is_maildir(paths.mailbox) : is_plain_file(paths.mailbox);
}

std::string special_use_for(std::string_view name)
{
    static constexpr std::pair<std::string_view, std::string_view> names[] = {
        {"Sent", "\\Sent"}, {"Drafts", "\\Drafts"}, {"Trash", "\\Trash"}, {"Junk", "\\Junk"}, {"Archive", "\\Archive"},
    };
    for (const auto& [folder, use] : names)
        if (core::iequals(name, folder))
            return std::string(use);
    return {};
}

Result<std::vector<MailboxListEntry>> list_mailboxes(const MailLocation& location)
{
    std::set<std::string> selectable;
    std::set<std::string> parents;
    if (location.folder_format == MailFormat::maildir)
        selectable = maildir_folders(location.folder_root);
    else
        collect_mbox_tree(location.folder_root, "", 0, selectable, parents);
    selectable.erase("INBOX");
    for (const auto& name : selectable)
        for (auto at = name.find(hierarchy_separator); at != std::string::npos; at = name.find(hierarchy_separator, at + 1))
            parents.insert(name.substr(0, at));
    const auto subscribed = read_subscriptions(location);
    const auto is_subscribed = [&](const std::string& name) {
        return std::find(subscribed.begin(), subscribed.end(), name) != subscribed.end();
    };
    std::set<std::string> all = selectable;
    all.insert(parents.begin(), parents.end());
    std::vector<MailboxListEntry> entries;
    entries.push_back({"INBOX", true, false, is_subscribed("INBOX"), ""});
    for (const auto& name : all) {
        if (name == "INBOX") {
            entries.front().has_children = true;
            continue;
        }
        MailboxListEntry entry{name, selectable.contains(name), false, is_subscribed(name), special_use_for(name)};
        const auto next = all.upper_bound(name);
        entry.has_children = next != all.end() && next->starts_with(name + hierarchy_separator);
        entries.push_back(std::move(entry));
    }
    for (const auto& name : all)
        if (name.starts_with(std::string("INBOX") + hierarchy_separator))
            entries.front().has_children = true;
    return entries;
}

Result<void> create_mailbox(const MailLocation& location, const MailboxPaths& paths)
{
    if (paths.name == "INBOX" || mailbox_exists(paths))
        return Error{make_error_code(Errc::already_exists), "mailbox " + paths.name + " already exists"};
    if (paths.format == MailFormat::maildir) {
        if (auto made = make_parents(location.folder_root); !made)
            return made;
        return make_maildir(paths.mailbox);
    }
    struct stat st {};
    if (::lstat(paths.mailbox.c_str(), &st) == 0)
        return Error{make_error_code(Errc::already_exists), "mailbox " + paths.name + " already exists (as a directory)"};
    if (auto made = make_parents(paths.mailbox.parent_path()); !made)
        return Error{made.error().code, made.error().text + " (in mbox folders a mailbox cannot also have children)"};
    FileDescriptor fd(::open(paths.mailbox.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        return errno_error(errno, "cannot create", paths.mailbox.string());
    return {};
}

Result<void> delete_mailbox(const MailLocation& location, const MailboxPaths& paths)
{
    if (paths.name == "INBOX")
        return Error{make_error_code(Errc::no_permission), "INBOX cannot be deleted"};
    auto listed = list_mailboxes(location);
    if (!listed)
        return listed.error();
    const std::string prefix = paths.name + hierarchy_separator;
    for (const auto& entry : *listed)
        if (entry.name.starts_with(prefix))
            return Error{make_error_code(Errc::has_children), "mailbox " + paths.name + " has children; delete them first"};
    if (!mailbox_exists(paths))
        return Error{make_error_code(Errc::not_found), "no mailbox " + paths.name};
    std::error_code ec;
    if (paths.format == MailFormat::maildir) {
        // Out of sight first (".." names are never folders), then gone: a crash half way
        // leaves no half-deleted mailbox behind.
        const fs::path trash = location.folder_root / ("..deleted." + std::to_string(::getpid()) + "." +
                                                       std::to_string(std::time(nullptr)));
        if (::rename(paths.mailbox.c_str(), trash.c_str()) != 0)
            return errno_error(errno, "cannot delete", paths.mailbox.string());
        fs::remove_all(trash, ec);
    } else if (::unlink(paths.mailbox.c_str()) != 0) {
        return errno_error(errno, "cannot delete", paths.mailbox.string());
    }
    if (paths.index_dir != paths.mailbox)
        fs::remove_all(paths.index_dir, ec);
    return {};
}

Result<void> rename_mailbox(const MailLocation& location, const MailboxPaths& from, const MailboxPaths& to)
{
    if (mailbox_exists(to))
        return Error{make_error_code(Errc::already_exists), "mailbox " + to.name + " already exists"};
    if (to.name.starts_with(from.name + hierarchy_separator))
        return Error{make_error_code(Errc::invalid_name), "cannot rename " + from.name + " into itself"};
    auto listed = list_mailboxes(location);
    if (!listed)
        return listed.error();
    // A name that exists only as a parent of others renames just its children.
    std::vector<std::pair<MailboxPaths, MailboxPaths>> moves;
    if (mailbox_exists(from))
        moves.emplace_back(from, to);
    for (const auto& entry : *listed) {
        if (!entry.selectable || !entry.name.starts_with(from.name + hierarchy_separator))
            continue;
        auto child_from = mailbox_paths(location, entry.name);
        auto child_to = mailbox_paths(location, to.name + entry.name.substr(from.name.size()));
        if (!child_from || !child_to)
            return child_to ? child_from.error() : child_to.error();
        moves.emplace_back(*child_from, *child_to);
    }
    if (moves.empty())
        return Error{make_error_code(Errc::not_found), "no mailbox " + from.name};
    for (const auto& [old_paths, new_paths] : moves) {
        if (auto made = make_parents(new_paths.mailbox.parent_path()); !made)
            return made;
        if (::rename(old_paths.mailbox.c_str(), new_paths.mailbox.c_str()) != 0)
            return errno_error(errno, "cannot rename", old_paths.mailbox.string());
        if (old_paths.index_dir != old_paths.mailbox)
            ::rename(old_paths.index_dir.c_str(), new_paths.index_dir.c_str());
    }
    return {};
}

std::vector<std::string> read_subscriptions(const MailLocation& location)
{
    std::vector<std::string> names;
    std::ifstream in(subscriptions_file(location));
    std::string line;
    while (std::getline(in, line))
        if (!line.empty() && std::find(names.begin(), names.end(), line) == names.end())
            names.push_back(line);
    return names;
}

Result<void> write_subscriptions(const MailLocation& location, const std::vector<std::string>& names)
{
    if (auto made = make_parents(location.folder_root); !made)
        return made;
    std::string text;
    for (const auto& name : names)
        text += name + "\n";
    const std::string path = subscriptions_file(location);
    return replace_file(path, text, false);
}

}  // namespace mailroom::mailstore
