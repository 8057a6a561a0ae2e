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
    return replace_file(path, text, false);
}

}  // namespace mailroom::mailstore::maildir
