// mailstore/maildir/maildir_keywords.cpp - dovecot-keywords (see maildir_keywords.hpp).
#include "mailstore/maildir/maildir_keywords.hpp"

#include "core/util/strings.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace mailroom::mailstore::maildir {

std::vector<std::string> read_dovecot_keywords(const std::filesystem::path& maildir)
{
    std::vector<std::string> names;
    std::ifstream in(maildir / "dovecot-keywords");
    std::string line;
    while (std::getline(in, line)) {
        const auto space = line.find(' ');
        const auto index = core::parse_uint(std::string_view(line).substr(0, space));
        if (space == std::string::npos || !index || *index >= 26)
            continue;
        if (names.size() <= *index)
            names.resize(*index + 1);
        names[*index] = line.substr(space + 1);
    }
    return names;
}

Result<void> write_dovecot_keywords(const std::filesystem::path& maildir, const std::vector<std::string>& names)
{
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < 26; ++i)
        text += std::to_string(i) + " " + names[i] + "\n";
    const auto path = maildir / "dovecot-keywords";
    const auto temp = maildir / ("dovecot-keywords.tmp." + std::to_string(::getpid()));
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        return errno_error(errno, "cannot create", temp.string());
    if (auto wrote = write_all(fd.get(), text, temp.string()); !wrote) {
        ::unlink(temp.c_str());
        return wrote;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0)
        return errno_error(errno, "cannot rename into place", path.string());
    return {};
}

}  // namespace mailroom::mailstore::maildir
