// filters/rc_program.hpp - an rc file parsed into a flat list of items (procmailrc(5):
// assignments, recipes ":0 [flags] [:[lockfile]]" with conditions and one action, and the
// braces of nesting blocks). Values, conditions and actions keep their source text: they are
// expanded each time they run, as procmail expands them while reading.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::filters {

struct RecipeFlags {
    bool grep_header = false;      // H
    bool grep_body = false;        // B
    bool case_sensitive = false;   // D
    bool also_next = false;        // A
    bool also_if_succeeded = false;  // a
    bool else_do = false;          // E
    bool error_do = false;         // e
    bool pass_header = false;      // h
    bool pass_body = false;        // b
    bool filter = false;           // f
    bool copy = false;             // c
    bool wait = false;             // w
    bool wait_quiet = false;       // W
    bool ignore_write_errors = false;  // i
    bool raw = false;              // r

    // Applies procmail's defaults: H when neither H nor B, h and b when neither is given.
    void apply_defaults();
    std::string to_string() const;  // "HBc..." for the dry run
};

enum class ActionKind { folder, forward, pipe, block };

struct ConditionLine {
    std::string text;  // after the '*', leading blanks and trailing blanks removed
    int line = 0;
};

struct Recipe {
    RecipeFlags flags;
    std::string header_text;         // the text after ":" up to the end of the line (flags, lock)
    bool local_lock = false;         // a second ':' was given
    std::vector<ConditionLine> conditions;
    ActionKind action = ActionKind::folder;
    std::string action_text;         // after '!' or '|', or the folder text; empty for blocks
    std::string capture_variable;    // VAR=| command
    int action_line = 0;
    std::size_t block_end = 0;       // ActionKind::block: index of the matching block_end item
};

struct Item {
    enum class Kind { assignment, recipe, block_end };
    Kind kind = Kind::assignment;
    int line = 0;
    std::string name;                      // assignment: variable name
    std::optional<std::string> value_text; // assignment: source text of the value; nullopt unsets
    Recipe recipe;
};

struct ParseError {
    int line = 0;
    std::string text;
};

struct RcProgram {
    std::string path;
    std::vector<Item> items;
    std::vector<ParseError> errors;
};

// The flags, lock request and lock file found in a recipe header's words (procmail reads
// flags across words, a ':' asks for a local lock and the rest is the lock file name).
struct RecipeHeader {
    RecipeFlags flags;
    bool local_lock = false;
    std::string lockfile;     // empty: derive it from the destination
    std::string leftovers;    // characters that are neither flags nor the lock: "Skipped"
};
RecipeHeader parse_recipe_header(const std::vector<std::string>& words);

}  // namespace mailroom::filters
