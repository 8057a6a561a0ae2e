// filters/conditions.cpp - recipe conditions (procmailrc(5) "Recipes": the special
// conditions ! $ ? < > "variable ??" and \; A a E e chaining) and weighted scoring
// (procmailsc(5)), following the order in which procmail reads a condition's prefixes.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "filters/interpreter.hpp"
#include "filters/regex_translate.hpp"

namespace mailroom::filters {

namespace {
constexpr double max32 = 2147483647.0;
constexpr double min32 = -2147483647.0;

std::string ltrim(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
    return std::string(s.substr(i));
}

// procmail's stod(): optional sign, digits, '.' or ',' and a fraction. Returns the number of
// characters used (0: no number).
std::size_t parse_real(std::string_view s, double& out)
{
    std::size_t i = 0;
    bool negative = false, any = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    double acc = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        acc = acc * 10 + (s[i++] - '0'), any = true;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        for (double frac = 0.1; i < s.size() && s[i] >= '0' && s[i] <= '9'; frac /= 10)
            acc += frac * (s[i++] - '0'), any = true;
    }
    out = negative ? -acc : acc;
    return any ? i : 0;
}

// A continued regex line: drop each backslash-newline and the indentation after it.
std::string squeeze(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
            i += 2;
            while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
                ++i;
            --i;
            continue;
        }
        out.push_back(s[i]);
    }
    return out;
}
}  // namespace

SearchArea Interpreter::default_area(const RecipeFlags& flags) const
{
    if (flags.grep_body && flags.grep_header)
        return message_->whole_area();
    if (flags.grep_body)
        return message_->body_area();
    return message_->header_area();
}

bool Interpreter::conditions_match(const Recipe& r, const std::string& file, int line)
{
    const RecipeFlags& f = r.flags;
    bool ok = true;
    bool else_do = f.else_do, also_if_succeeded = f.also_if_succeeded;
    if (f.error_do) {
        ok = chain_.prevcond && !chain_.lastsucc;
        if (else_do || also_if_succeeded)
            error("Conflicting flags suppressed (e with E or a)", line);
        else_do = also_if_succeeded = false;
    }
    if (else_do)
        ok = ok && !chain_.prevcond;
    if (also_if_succeeded)
        ok = ok && chain_.lastcond && chain_.lastsucc;
    if (f.also_next)
        ok = ok && chain_.lastcond;
    if (input_->trace)
        input_->trace->recipe(file, line, f.to_string(), ok);
    double score = 0;
    bool scored = false;
    for (const ConditionLine& cond : r.conditions) {
        if (!ok)
            break;  // procmail reads but does not test the conditions after a failed one
        if (!condition(cond, f, scored, score))
            ok = false;
    }
    last_score_ = score;
    if (scored && ok && score <= 0)
        ok = false;
    return ok;
}

bool Interpreter::condition(const ConditionLine& cond, const RecipeFlags& flags, bool& scored, double& score)
{
    std::string buf = cond.text;
    bool negate = false, scoreany = false;
    double weight = 0, exponent = 0;
    SearchArea area = default_area(flags);
    std::string var_subject;   // storage for a "VAR ??" area
    auto size_check = static_cast<double>(message_->size());
    const double before = score;
    bool ok = true;
    for (;;) {
        const char c = buf.empty() ? '\0' : buf[0];
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == ',') {
            double w = 0, x = 0;
            const std::size_t wl = parse_real(buf, w);
            const std::string after = wl ? ltrim(std::string_view(buf).substr(wl)) : std::string();
            if (wl && !after.empty() && after[0] == '^') {
                if (const std::size_t xl = parse_real(std::string_view(after).substr(1), x)) {
                    if (score >= max32)
                        return true;  // plus infinity reached: weighted conditions are skipped
                    weight = w;
                    exponent = x;
                    scored = scoreany = true;
                    buf = ltrim(std::string_view(after).substr(1 + xl));
                    continue;
                }
            }
            ok = regex_condition(buf, flags, area, negate, scoreany, weight, exponent, score, cond.line);
        } else if (c == '!') {
            negate = !negate;
            buf = ltrim(std::string_view(buf).substr(1));
            continue;
        } else if (c == '$') {
            buf = ltrim(expand_in_quotes(std::string_view(buf).substr(1), *this));
            continue;
        } else if (c == '?') {
            ok = program_condition(buf.substr(1), area, negate, scoreany, weight, exponent, score);
        } else if (c == '<' || c == '>') {
            const ParsedWords w = parse_words(buf, SplitMode::whole, this);
            const std::string text = w.words.empty() ? buf : w.words.front();
            const double pivot = static_cast<double>(std::strtol(text.c_str() + 1, nullptr, 10));
            if (scoreany) {
                double f;
                if ((c == '<') != negate)
                    f = size_check ? pivot / size_check : (pivot > 0 ? INFINITY : -INFINITY);
                else
                    f = pivot ? size_check / pivot : INFINITY;
                if (std::isinf(f))
                    score = f > 0 ? max32 : min32;
                else
                    score += weight * std::pow(f, exponent);
            } else if (!((c == '<' ? size_check < pivot : size_check > pivot) != negate)) {
                ok = false;
            }
        } else if (c == '\\') {
            ok = regex_condition(buf.substr(1), flags, area, negate, scoreany, weight, exponent, score, cond.line);
        } else {
            std::size_t n = 0;
            while (n < buf.size() && is_name_char(buf[n]))
                ++n;
            const std::string rest = n ? ltrim(std::string_view(buf).substr(n)) : std::string();
            if (n && rest.starts_with("??")) {
                const std::string name = buf.substr(0, n);
                if (name == "H")
                    area = message_->header_area();
                else if (name == "B")
                    area = message_->body_area();
                else if (name == "HB" || name == "BH")
                    area = message_->whole_area();
                else {
                    var_subject = make_subject(get(name));
                    area = SearchArea{var_subject};
                }
                size_check = static_cast<double>(area.size());
                buf = ltrim(std::string_view(rest).substr(2));
                continue;
            }
            ok = regex_condition(buf, flags, area, negate, scoreany, weight, exponent, score, cond.line);
        }
        break;
    }
    if (score > max32)
        score = max32;
    if (score <= min32) {
        score = min32;
        ok = false;
    }
    if (input_->trace)
        input_->trace->condition(cond.line, cond.text, ok, scoreany ? std::optional(score - before) : std::nullopt);
    if (scoreany)
        verbose("Score: " + std::to_string(static_cast<long>(score - before)) + " " +
                std::to_string(static_cast<long>(score)) + " \"" + buf + "\"");
    else
        verbose(std::string(ok ? "Match on " : "No match on ") + (negate ? "! " : "") + "\"" + buf + "\"");
    return ok;
}

bool Interpreter::regex_condition(const std::string& text, const RecipeFlags& flags, SearchArea area, bool negate,
                                  bool scoreany, double weight, double exponent, double& score, int line)
{
    bool force_caseless = false;
    const std::string re = expand_regex_macros(squeeze(text), force_caseless);
    std::shared_ptr<const Regex> compiled;
    try {
        compiled = regexes_->get(re, force_caseless || !flags.case_sensitive);
    } catch (const std::invalid_argument& e) {
        error("Invalid regexp \"" + text + "\": " + e.what(), line);
        return false;
    }
    if (scoreany) {
        if (negate) {
            if (weight != 0 && !compiled->search(area))
                score += weight;
        } else {
            compiled->add_weighted(area, weight, exponent, score);
        }
        return true;
    }
    bool found;
    if (compiled->has_match_split()) {
        std::optional<std::string> m = compiled->search_match(area);
        found = m.has_value();
        if (found) {
            m->resize(std::min(m->size(), m->find('\0')));  // procmail's variables are C strings
            verbose("Matched \"" + *m + "\"");
            vars_["MATCH"] = std::move(*m);
        }
    } else {
        found = compiled->search(area);
    }
    return found != negate;
}

bool Interpreter::program_condition(const std::string& text, SearchArea area, bool negate, bool scoreany,
                                    double weight, double exponent, double& score)
{
    ProgramRequest req = program_request(ProgramRequest::Purpose::condition, text);
    std::string input(area.subject.substr(1, area.size()));
    if (!(input.size() >= 2 && input.ends_with("\n\n")))
        input.push_back('\n');
    req.input = input;
    const ProgramResult res = run_program(req);
    if (!res.ran)
        error("Failed to execute \"" + text + "\"" + (res.error.empty() ? "" : ": " + res.error));
    const int code = res.ran ? res.exit_status : 127;
    last_exit_ = code;
    if (scoreany && code >= 0) {
        if (negate) {
            for (int j = code; --j >= 0 && (score += weight) < max32 && score > min32;)
                weight *= exponent;
        } else {
            score += code ? exponent : weight;
        }
        return true;
    }
    return (code != 0) == negate;
}

}  // namespace mailroom::filters
