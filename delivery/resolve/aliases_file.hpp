// delivery/resolve/aliases_file.hpp - the sendmail/Postfix aliases(5) text format: "name:
// value, value", a line starting with white space continues the previous one, lines whose
// first non-blank character is '#' are comments, names are folded to lower case and may be
// double-quoted. There is no .db: the text is parsed into memory (see alias_maps.hpp).
#pragma once
#include <sys/types.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::delivery {

struct AliasEntry {
    std::string name;    // lower case
    std::string value;   // right-hand side, continuation lines joined with a space
    int line = 0;        // where the entry starts
};

struct AliasProblem {
    int line = 0;
    std::string text;    // "need \"name: value\"", "duplicate alias root (first on line 3)" ...
};

struct AliasTable {
    std::string file;
    uid_t owner = 0;     // the file's owner: |command and /file run with these rights (root: default_privs)
    std::map<std::string, AliasEntry, std::less<>> entries;
    std::vector<AliasProblem> problems;   // in line order; an entry with a syntax error is left out

    const AliasEntry* find(std::string_view lower_name) const;
};

// Parses the text of an aliases file; problems in the right-hand sides (unterminated quotes,
// relative :include: paths) are reported too, but such entries are kept.
AliasTable parse_aliases(std::string_view text, std::string file_name);

}  // namespace mailroom::delivery
