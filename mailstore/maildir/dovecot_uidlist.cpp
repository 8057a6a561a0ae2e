// mailstore/maildir/dovecot_uidlist.cpp - dovecot-uidlist versions 1 and 3 (see
// dovecot_uidlist.hpp; Dovecot's doc/wiki/MailboxFormat.Maildir.txt, "IMAP UID mapping").
//   version 3:  "3 V<uidvalidity> N<uidnext> G<guid> ..." then "<uid> [W<vsize> ...] :<filename>"
//   version 1:  "1 <uidvalidity> <uidnext>" then "<uid> <filename>"
// The file name is the last one Dovecot knew (flags may have changed since); the key is the
// part before ":2,", which never changes.
#include "mailstore/maildir/dovecot_uidlist.hpp"

#include "core/util/strings.hpp"
#include "mailstore/maildir/maildir_filename.hpp"

#include <fstream>
#include <sstream>

namespace mailroom::mailstore::maildir {
namespace {

std::optional<std::uint32_t> parse_u32(std::string_view text)
{
    const auto value = core::parse_uint(text);
    if (!value || *value == 0 || *value > 0xffffffffu)
        return std::nullopt;
    return static_cast<std::uint32_t>(*value);
}

Error corrupt(const std::string& origin, int line, const std::string& what)
{
    return Error{make_error_code(Errc::corrupt), origin + ":" + std::to_string(line) + ": " + what};
}

// "<uid> [fields] :<filename>" (version 3) or "<uid> <filename>" (version 1).
std::optional<std::pair<Uid, std::string>> parse_entry(std::string_view line, bool version1)
{
    const auto space = line.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    const auto uid = parse_u32(line.substr(0, space));
    std::string_view rest = line.substr(space + 1);
    if (!version1) {
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos || (colon > 0 && rest[colon - 1] != ' '))
            return std::nullopt;
        rest.remove_prefix(colon + 1);
    }
    const std::string_view base = parse_maildir_name(rest).base;
    if (!uid || base.empty() || base.find('/') != std::string_view::npos)
        return std::nullopt;
    return std::pair<Uid, std::string>(*uid, std::string(base));
}

}  // namespace

Result<index::UidList> parse_dovecot_uidlist(std::string_view text, const std::string& origin)
{
    const std::string_view header_line = core::take_line(text);
    const auto header = core::split_list(header_line);
    index::UidList list;
    bool version1 = false;
    if (header.size() == 3 && header[0] == "1") {
        version1 = true;
        const auto validity = parse_u32(header[1]);
        const auto next = parse_u32(header[2]);
        if (!validity || !next)
            return corrupt(origin, 1, "bad version 1 header \"" + std::string(header_line) + "\"");
        list.uid_validity = *validity;
        list.uid_next = *next;
    } else if (!header.empty() && header[0] == "3") {
        for (std::size_t i = 1; i < header.size(); ++i) {
            if (header[i].size() < 2)
                continue;
            if (header[i][0] == 'V')
                list.uid_validity = parse_u32(std::string_view(header[i]).substr(1)).value_or(0);
            else if (header[i][0] == 'N')
                list.uid_next = parse_u32(std::string_view(header[i]).substr(1)).value_or(0);
        }
        if (list.uid_validity == 0 || list.uid_next == 0)
            return corrupt(origin, 1, "version 3 header without V<uidvalidity> and N<uidnext>");
    } else {
        return corrupt(origin, 1, "unknown dovecot-uidlist version in \"" + std::string(header_line) + "\"");
    }
    Uid last = 0;
    while (!text.empty()) {
        const std::string_view line = core::take_line(text);
        auto entry = parse_entry(line, version1);
        // UIDs only grow in the file; one that does not is damage, and its message gets a new UID.
        if (!entry || entry->first <= last)
            continue;
        last = entry->first;
        list.uid_next = std::max(list.uid_next, entry->first + 1);
        list.entries.push_back(std::move(*entry));
    }
    return list;
}

Result<std::optional<index::UidList>> read_dovecot_uidlist(const std::filesystem::path& maildir)
{
    const auto path = maildir / "dovecot-uidlist";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::optional<index::UidList>();
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return Error{make_error_code(Errc::temporary), "cannot read " + path.string()};
    auto list = parse_dovecot_uidlist(text.str(), path.string());
    if (!list)
        return list.error();
    return std::optional<index::UidList>(std::move(*list));
}

}  // namespace mailroom::mailstore::maildir
