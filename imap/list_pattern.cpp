// imap/list_pattern.cpp - LIST pattern matching (see list_pattern.hpp). Matching is dynamic
// programming over pattern positions, so a pattern full of wildcards costs
// O(pattern x name), never the exponential time of naive backtracking.
#include "imap/list_pattern.hpp"

#include "core/util/strings.hpp"
#include "mailstore/mailbox_name.hpp"

#include <vector>

namespace mailroom::imap {
namespace {

// A pattern whose literal part is longer than any name can be matches nothing; keep the
// work bounded for such patterns.
constexpr std::size_t pattern_max = 2 * mailstore::max_mailbox_name_length;

std::string collapse_stars(std::string_view pattern)
{
    std::string out;
    for (char c : pattern)
        if (!(c == '*' && !out.empty() && out.back() == '*'))
            out += c;
    return out;
}

}  // namespace

ListPattern::ListPattern(std::string_view reference, std::string_view pattern)
{
    std::string combined(reference);
    if (!combined.empty() && !pattern.empty() && combined.back() != mailstore::hierarchy_separator &&
        pattern.front() != mailstore::hierarchy_separator)
        combined += mailstore::hierarchy_separator;
    combined += pattern;
    // "inbox" and "Inbox/x" name INBOX (RFC 3501 §5.1): compare its first component as the
    // store spells it.
    if (combined.size() >= 5 && core::iequals(std::string_view(combined).substr(0, 5), "INBOX") &&
        (combined.size() == 5 || combined[5] == mailstore::hierarchy_separator))
        for (std::size_t i = 0; i < 5; ++i)
            combined[i] = core::ascii_upper(combined[i]);
    pattern_ = collapse_stars(combined);
}

bool ListPattern::matches(std::string_view name) const
{
    if (pattern_.size() > pattern_max)
        return false;
    // reach[j]: the pattern prefix handled so far can end at name position j.
    std::vector<char> reach(name.size() + 1, 0), next(name.size() + 1, 0);
    reach[0] = 1;
    for (char p : pattern_) {
        std::fill(next.begin(), next.end(), 0);
        if (p == '*' || p == '%') {
            bool open = false;
            for (std::size_t j = 0; j <= name.size(); ++j) {
                open = open || reach[j];
                next[j] = open;
                if (p == '%' && j < name.size() && name[j] == mailstore::hierarchy_separator)
                    open = false;   // '%' does not cross a separator
            }
        } else {
            for (std::size_t j = 0; j < name.size(); ++j)
                next[j + 1] = reach[j] && name[j] == p;
        }
        reach.swap(next);
    }
    return reach[name.size()] != 0;
}

}  // namespace mailroom::imap
