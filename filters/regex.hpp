// filters/regex.hpp - compiled procmail conditions on PCRE2 (JIT where available): plain
// search, MATCH extraction for \/, and the weighted match counting of procmailsc(5)
// "Weighted regular expression conditions". Compiled patterns are cached per engine.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mailroom::filters {

// A search area as procmail sees it: `subject` is "\n" + area + "\n" (see regex_translate.hpp).
struct SearchArea {
    std::string_view subject;
    std::size_t size() const { return subject.size() - 2; }  // bytes in the area itself
};

// Builds "\n" + text + "\n".
std::string make_subject(std::string_view text);

class Regex {
public:
    // Compiles a procmail regex (macros already expanded). Throws std::invalid_argument with
    // PCRE2's message if the translation does not compile.
    Regex(std::string_view procmail_regex, bool caseless);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    bool search(SearchArea area) const;
    // When the pattern has \/: the text matched by the right part, or nullopt on no match.
    std::optional<std::string> search_match(SearchArea area) const;
    bool has_match_split() const { return has_split_; }

    // procmailsc(5): adds w, w*x, w*x*x... for successive matches (leftmost shortest, each
    // search starting where the previous match ended). `score` is updated in place and
    // clamped by the caller.
    void add_weighted(SearchArea area, double weight, double exponent, double& score) const;

private:
    struct Code;
    std::unique_ptr<Code> code_;
    bool has_split_ = false;
};

// Thread-safe cache of compiled patterns keyed by (pattern, caseless). Bounded: when full
// it is emptied (patterns of one rc file are few; `$` conditions can make many).
class RegexCache {
public:
    std::shared_ptr<const Regex> get(const std::string& procmail_regex, bool caseless);

private:
    static constexpr std::size_t max_entries = 4096;
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const Regex>> map_;
};

}  // namespace mailroom::filters
