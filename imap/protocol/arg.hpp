// imap/protocol/arg.hpp - one parsed IMAP command and its arguments (RFC 3501 §9: atom,
// quoted string, literal, parenthesized list). NIL and numbers are atoms: what an atom means
// depends on the command, so the handlers decide (imap/arg_reader.hpp).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::imap {

struct Arg {
    enum class Kind : std::uint8_t { atom, quoted, literal, list };

    Kind kind = Kind::atom;
    // A literal the session streamed to storage (APPEND) instead of buffering: text is empty.
    bool streamed = false;
    std::string text;          // atom text, or the string's bytes (quoted: unescaped)
    std::vector<Arg> items;    // list members

    bool is_atom() const { return kind == Kind::atom; }
    bool is_string() const { return kind == Kind::quoted || kind == Kind::literal; }
    bool is_list() const { return kind == Kind::list; }
    bool is_nil() const;       // the atom NIL, any case
};

struct Command {
    std::string tag;
    std::string name;          // upper case; "UID FETCH" is one name
    std::vector<Arg> args;
};

// The command written back as IMAP text for verbose logs; strings the command carries as
// secrets (LOGIN's password) are replaced by "<hidden>", literals longer than 80 bytes by
// their size.
std::string describe_command(const Command& command);

}  // namespace mailroom::imap
