// filters/rc_program.cpp - recipe header flags (procmailrc(5) "Recipes": H B D A a E e h b f c
// w W i r, and the local lockfile after a second ':').
#include "filters/rc_program.hpp"

namespace mailroom::filters {

void RecipeFlags::apply_defaults()
{
    if (!grep_header && !grep_body)
        grep_header = true;
    if (!pass_header && !pass_body)
        pass_header = pass_body = true;
}

std::string RecipeFlags::to_string() const
{
    std::string s;
    const std::pair<bool, char> all[] = {{grep_header, 'H'}, {grep_body, 'B'},   {case_sensitive, 'D'},
                                         {also_next, 'A'},   {also_if_succeeded, 'a'}, {else_do, 'E'},
                                         {error_do, 'e'},    {pass_header, 'h'}, {pass_body, 'b'},
                                         {filter, 'f'},      {copy, 'c'},        {wait, 'w'},
                                         {wait_quiet, 'W'},  {ignore_write_errors, 'i'}, {raw, 'r'}};
    for (const auto& [on, letter] : all)
        if (on)
            s.push_back(letter);
    return s;
}

namespace {
bool set_flag(RecipeFlags& f, char c)
{
    switch (c) {
    case 'H': f.grep_header = true; return true;
    case 'B': f.grep_body = true; return true;
    case 'D': f.case_sensitive = true; return true;
    case 'A': f.also_next = true; return true;
    case 'a': f.also_if_succeeded = true; return true;
    case 'E': f.else_do = true; return true;
    case 'e': f.error_do = true; return true;
    case 'h': f.pass_header = true; return true;
    case 'b': f.pass_body = true; return true;
    case 'f': f.filter = true; return true;
    case 'c': f.copy = true; return true;
    case 'w': f.wait = true; return true;
    case 'W': f.wait_quiet = true; return true;
    case 'i': f.ignore_write_errors = true; return true;
    case 'r': f.raw = true; return true;
    default: return false;
    }
}

std::string join_from(const std::vector<std::string>& words, std::size_t w, std::size_t offset)
{
    std::string s;
    for (; w < words.size(); ++w, offset = 0) {
        if (!s.empty())
            s.push_back(' ');
        s += words[w].substr(offset);
    }
    return s;
}
}  // namespace

RecipeHeader parse_recipe_header(const std::vector<std::string>& words)
{
    RecipeHeader h;
    std::size_t w = 0, i = 0;
    if (!words.empty()) {  // the "0" of ":0" (old syntax: a condition count)
        while (i < words[0].size() && words[0][i] >= '0' && words[0][i] <= '9')
            ++i;
    }
    for (; w < words.size(); ++w, i = 0) {
        for (; i < words[w].size(); ++i) {
            const char c = words[w][i];
            if (set_flag(h.flags, c))
                continue;
            if (c == ':') {
                h.local_lock = true;
                if (i + 1 < words[w].size()) {
                    h.lockfile = words[w].substr(i + 1);
                    h.leftovers = join_from(words, w + 1, 0);
                } else if (w + 1 < words.size()) {
                    h.lockfile = words[w + 1];
                    h.leftovers = join_from(words, w + 2, 0);
                }
                h.flags.apply_defaults();
                return h;
            }
            h.leftovers = join_from(words, w, i);
            h.flags.apply_defaults();
            return h;
        }
    }
    h.flags.apply_defaults();
    return h;
}

}  // namespace mailroom::filters
