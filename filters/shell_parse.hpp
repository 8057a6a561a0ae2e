// filters/shell_parse.hpp - procmail's sh(1)-like word parser for rc files: quotes, backslashes,
// $name ${name} ${name:-x} ${name:+x} ${name-x} ${name+x} $\name $# $n $$ $? $_ $- $= "$@",
// backquotes and # comments (procmailrc(5) "Environment", BUGS; procmail's readparse()).
// The same code scans (to find where a token ends, at parse time) and expands (at run time).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::filters {

// How words are split (procmail's `sarg`).
enum class SplitMode {
    words,        // split into arguments like /bin/sh (folder names, `!` addresses, program argv)
    assignment,   // one value up to the first unquoted blank (VAR=value)
    whole,        // keep blanks, one string (conditions after `$`, lock file names)
};

// What expansion needs from the interpreter. Every method is only called when expanding.
class ExpandContext {
public:
    virtual ~ExpandContext() = default;
    // A variable, a positional parameter ("1".."9"), or nullopt when unset.
    virtual std::optional<std::string> lookup(std::string_view name) = 0;
    // $$, $?, $#, $=, $_, $- values.
    virtual std::string special(char which) = 0;
    // The positional arguments for "$@".
    virtual std::vector<std::string> arguments() = 0;
    // Runs a backquoted command (text between the backquotes, already unescaped); returns its
    // output with trailing newlines removed.
    virtual std::string backquote(std::string_view command) = 0;
    // Logs a problem ("Bad substitution of ...").
    virtual void warn(std::string_view text) = 0;
};

struct ParsedWords {
    std::vector<std::string> words;  // SplitMode::words: the arguments; else exactly one string
    std::size_t consumed = 0;        // bytes of input used, including the terminating newline
    bool unterminated = false;       // EOF inside quotes or after a backslash
};

// Parses `input` from its start up to the end of the token as procmail would. With
// `context == nullptr` nothing is expanded or run (scan mode: only `consumed` is meaningful).
ParsedWords parse_words(std::string_view input, SplitMode mode, ExpandContext* context);

// Expands a whole string as if it stood between double quotes (a `$` condition).
std::string expand_in_quotes(std::string_view text, ExpandContext& context);

// Returns true for characters procmail accepts in variable names.
inline bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace mailroom::filters
