// filters/regex_translate.hpp - procmail's egrep dialect (procmailrc(5) "Extended regular
// expressions", MISCELLANEOUS: the ^TO_, ^TO, ^FROM_DAEMON, ^FROM_MAILER macros) translated
// into PCRE2 patterns that run over "\n" + search area + "\n".
#pragma once
#include <string>
#include <string_view>

namespace mailroom::filters {

// Replaces the macros procmail expands inside a condition (not when preceded by a backslash).
// `force_caseless` is set when ^FROM_DAEMON was expanded: procmail then ignores the D flag.
std::string expand_regex_macros(std::string_view pattern, bool& force_caseless);

struct TranslatedRegex {
    std::string pattern;     // PCRE2 syntax; compile without PCRE2_MULTILINE/DOTALL/UTF
    bool has_match_split = false;  // the pattern contained \/ (capture group 1 is MATCH)
};

// Translates a procmail regex (macros already expanded). The result is meant to be matched
// against subject = "\n" + area + "\n": procmail's ^ and $ match a newline character (the area
// is treated as if a newline stood before and after it), ^^ anchors at the start or end of the
// area, . and [^...] never match a newline, \< and \> match one non-word character or newline,
// a quantifier with nothing to repeat is a literal character, { and } are literal, and
// backslash escapes are literal characters. Before \/ quantifiers are lazy and after it greedy,
// so that MATCH gets procmail's "leftmost left part, longest right part".
// With `caseless`, bracket expressions are folded before negation as procmail does ([^a-z]
// then excludes A-Z too); compile the result with PCRE2_CASELESS in that case.
TranslatedRegex translate_regex(std::string_view procmail_regex, bool caseless);

}  // namespace mailroom::filters
