// core/config/expansion.cpp - "$name" expansion with Postfix's conditional forms
// (postconf(5) "SYNTAX"; mac_expand(3)).
#include "core/config/expansion.hpp"

namespace mailroom::core {
namespace {

bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Finds the closing bracket matching text[open_at], honouring nesting.
std::size_t find_close(std::string_view text, std::size_t open_at, char open, char close)
{
    int depth = 0;
    for (std::size_t i = open_at; i < text.size(); ++i) {
        if (text[i] == open)
            ++depth;
        else if (text[i] == close && --depth == 0)
            return i;
    }
    return std::string_view::npos;
}

class Expander {
public:
    explicit Expander(const ExpansionLookup& lookup) : lookup_(lookup) {}

    bool expand(std::string_view text, std::string& out)
    {
        for (std::size_t i = 0; i < text.size();) {
            if (text[i] != '$') {
                const auto next = text.find('$', i);
                const auto end = next == std::string_view::npos ? text.size() : next;
                out.append(text.substr(i, end - i));
                i = end;
                continue;
            }
            if (!expand_one(text, i, out))
                return false;
        }
        return true;
    }

    std::string error;

private:
    // Expands the reference starting at text[i] == '$' and advances i past it.
    bool expand_one(std::string_view text, std::size_t& i, std::string& out)
    {
        if (i + 1 >= text.size())
            return fail("'$' at the end of the value (write $$ for a literal dollar)");
        const char next = text[i + 1];
        if (next == '$') {
            out += '$';
            i += 2;
            return true;
        }
        if (next == '{' || next == '(') {
            const char close = next == '{' ? '}' : ')';
            const auto end = find_close(text, i + 1, next, close);
            if (end == std::string_view::npos)
                return fail(std::string("unterminated $") + next);
            const bool ok = expand_braced(text.substr(i + 2, end - i - 2), out);
            i = end + 1;
            return ok;
        }
        std::size_t end = i + 1;
        while (end < text.size() && name_char(text[end]))
            ++end;
        if (end == i + 1)
            return fail("bad parameter name after '$' (write $$ for a literal dollar)");
        out += lookup_(text.substr(i + 1, end - i - 1)).value_or("");
        i = end;
        return true;
    }

    // Inside ${...}: "name", "name?text", "name:text" or "name?{text}:{text}".
    bool expand_braced(std::string_view inner, std::string& out)
    {
        std::size_t n = 0;
        while (n < inner.size() && name_char(inner[n]))
            ++n;
        if (n == 0)
            return fail("bad parameter name in ${" + std::string(inner) + "}");
        const auto value = lookup_(inner.substr(0, n));
        const bool non_empty = value && !value->empty();
        if (n == inner.size()) {
            out += value.value_or("");
            return true;
        }
        const char op = inner[n];
        std::string_view rest = inner.substr(n + 1);
        if (op != '?' && op != ':')
            return fail("unexpected '" + std::string(1, op) + "' in ${" + std::string(inner) + "}");
        if (op == '?' && rest.starts_with('{')) {
            // ${name?{when set}:{when empty}}
            const auto close = find_close(rest, 0, '{', '}');
            if (close == std::string_view::npos)
                return fail("unterminated { in ${" + std::string(inner) + "}");
            std::string_view when_set = rest.substr(1, close - 1);
            std::string_view after = rest.substr(close + 1);
            std::string_view when_empty;
            if (!after.empty()) {
                if (!after.starts_with(":{") || !after.ends_with('}'))
                    return fail("expected :{text} in ${" + std::string(inner) + "}");
                when_empty = after.substr(2, after.size() - 3);
            }
            return expand(non_empty ? when_set : when_empty, out);
        }
        if ((op == '?') == non_empty)
            return expand(rest, out);
        return true;
    }

    bool fail(std::string message)
    {
        if (error.empty())
            error = std::move(message);
        return false;
    }

    const ExpansionLookup& lookup_;
};

}  // namespace

ExpansionResult expand_variables(std::string_view text, const ExpansionLookup& lookup)
{
    Expander expander(lookup);
    ExpansionResult result;
    expander.expand(text, result.value);
    result.error = std::move(expander.error);
    return result;
}

}  // namespace mailroom::core
