// filters/regex.cpp - PCRE2 matching for procmail conditions (procmailrc(5) "Extended regular
// expressions", procmailsc(5)). Boolean searches and MATCH use pcre2_match (JIT-compiled);
// weighted counting uses the DFA matcher with PCRE2_DFA_SHORTEST, because procmail counts
// leftmost shortest matches.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "filters/regex.hpp"

#include "filters/regex_translate.hpp"

#include <pcre2.h>

#include <stdexcept>
#include <vector>

namespace mailroom::filters {

namespace {
constexpr double max32 = 2147483647.0;
constexpr double min32 = -2147483647.0;
constexpr std::size_t dfa_workspace_ints = 1000;
}  // namespace

struct Regex::Code {
    pcre2_code* code = nullptr;
    ~Code() { pcre2_code_free(code); }
};

std::string make_subject(std::string_view text)
{
    std::string s;
    s.reserve(text.size() + 2);
    s.push_back('\n');
    s.append(text);
    s.push_back('\n');
    return s;
}

Regex::Regex(std::string_view procmail_regex, bool caseless) : code_(std::make_unique<Code>())
{
    const TranslatedRegex t = translate_regex(procmail_regex, caseless);
    has_split_ = t.has_match_split;
    int error = 0;
    PCRE2_SIZE offset = 0;
    const uint32_t options = caseless ? PCRE2_CASELESS : 0;
    code_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(t.pattern.data()), t.pattern.size(), options,
                                &error, &offset, nullptr);
    if (!code_->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw std::invalid_argument(reinterpret_cast<const char*>(message));
    }
    pcre2_jit_compile(code_->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter on failure
}

Regex::~Regex() = default;

namespace {
struct MatchData {
    pcre2_match_data* data;
    MatchData() : data(pcre2_match_data_create(4, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(data); }
};
pcre2_match_data* thread_match_data()
{
    thread_local MatchData md;
    return md.data;
}
}  // namespace

bool Regex::search(SearchArea area) const
{
    const int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(area.subject.data()), area.subject.size(),
                               0, 0, thread_match_data(), nullptr);
    return rc >= 0;
}

std::optional<std::string> Regex::search_match(SearchArea area) const
{
    pcre2_match_data* md = thread_match_data();
    const int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(area.subject.data()), area.subject.size(),
                               0, 0, md, nullptr);
    if (rc < 0)
        return std::nullopt;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    if (rc < 2 || ov[2] == PCRE2_UNSET)
        return std::string();
    // Subject offsets are one past area offsets; the virtual newlines are not part of MATCH.
    const std::size_t start = ov[2] == 0 ? 0 : ov[2] - 1;
    const std::size_t end = std::min<std::size_t>(ov[3] == 0 ? 0 : ov[3] - 1, area.size());
    if (end <= start)
        return std::string();
    return std::string(area.subject.substr(start + 1, end - start));
}

void Regex::add_weighted(SearchArea area, double weight, double exponent, double& score) const
{
    std::vector<int> workspace(dfa_workspace_ints);
    pcre2_match_data* md = thread_match_data();
    const std::size_t len = area.size();
    double oweight = weight * weight;
    std::size_t pos = 0;
    while (weight != 0 && min32 < score && score < max32 && pos <= len) {
        // A search that starts right after a newline sees that newline again (procmail's
        // "beginning of line hooks"); the subject offset of area byte pos-1 is pos.
        const std::size_t offset = (pos == 0 || area.subject[pos] == '\n') ? pos : pos + 1;
        const int rc = pcre2_dfa_match(code_->code, reinterpret_cast<PCRE2_SPTR>(area.subject.data()),
                                       area.subject.size(), offset, PCRE2_DFA_SHORTEST, md, nullptr,
                                       workspace.data(), workspace.size());
        if (rc < 0)
            break;
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        const std::size_t end = ov[1] == 0 ? 0 : ov[1] - 1;
        score += weight;
        weight *= exponent;
        if (pos >= end) {  // an empty match would repeat forever: add the limit of the series
            if (0 < exponent && exponent < 1)
                score += weight / (1 - exponent);
            else if (exponent >= 1 && weight != 0)
                score += weight < 0 ? min32 : max32;
            break;
        }
        const double nweight = weight * weight;
        if (nweight < oweight && oweight < 1)
            break;
        oweight = nweight;
        pos = end;
    }
}

std::shared_ptr<const Regex> RegexCache::get(const std::string& procmail_regex, bool caseless)
{
    std::string key = procmail_regex;
    key.push_back(caseless ? '\1' : '\0');
    std::lock_guard lock(mutex_);
    if (auto it = map_.find(key); it != map_.end())
        return it->second;
    if (map_.size() >= max_entries)
        map_.clear();
    auto compiled = std::make_shared<const Regex>(procmail_regex, caseless);
    map_.emplace(std::move(key), compiled);
    return compiled;
}

}  // namespace mailroom::filters
