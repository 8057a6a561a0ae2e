// filters/shell_parse.cpp - procmail's sh-like word parser (procmailrc(5) "Environment" and
// BUGS: the supported substitutions). A state machine over the input: NOTHING_YET, between
// words, in a word, inside "..." or '...'; ${x:-alt} parts not taken are skipped unexpanded.
#include "filters/shell_parse.hpp"

namespace mailroom::filters {
namespace {

constexpr int eof = -1;
enum class Got { nothing_yet, skipping_space, normal, double_quoted, single_quoted };

bool at_most_normal(Got g) { return g == Got::nothing_yet || g == Got::skipping_space || g == Got::normal; }
bool at_most_skipping(Got g) { return g == Got::nothing_yet || g == Got::skipping_space; }

constexpr std::string_view regex_specials = "(|)*?+.^$[\\";

class WordParser {
public:
    WordParser(std::string_view in, SplitMode mode, ExpandContext* ctx) : in_(in), mode_(mode), ctx_(ctx) {}

    ParsedWords run();

private:
    int next() { return pos_ < in_.size() ? static_cast<unsigned char>(in_[pos_++]) : eof; }
    bool expanding() const { return ctx_ != nullptr && skip_ == 0; }
    void put(char c) { out_.push_back(c); }
    void literal(int c)
    {
        put(static_cast<char>(c));
        if (at_most_skipping(got_))
            got_ = Got::normal;
    }
    void insert_value(const std::string& value, bool split);
    void backquote();
    // Handles the character after `$`; returns a lookahead character to reprocess, or 0.
    int dollar();
    int brace_substitution();
    void finish();
    ParsedWords result() const;

    std::string_view in_;
    SplitMode mode_;
    ExpandContext* ctx_;
    std::size_t pos_ = 0;
    std::string out_;                // words separated by '\0' in SplitMode::words
    Got got_ = Got::nothing_yet;
    int bracelev_ = 0, qbracelev_ = 0;
    int skip_ = 0;                   // > 0 while inside a ${x:-alt} branch that is not taken
    struct Skipped { std::size_t out_size; int bracelev; std::optional<std::string> value; Got got; };
    std::vector<Skipped> skipped_;
    bool unterminated_ = false;
};

void WordParser::insert_value(const std::string& value, bool split)
{
    if (split && mode_ == SplitMode::words) {  // unquoted expansion: split on blanks
        for (char c : value) {
            if (c == ' ' || c == '\t' || c == '\n') {
                if (got_ == Got::normal) {
                    put('\0');
                    got_ = Got::skipping_space;
                }
                continue;
            }
            put(c);
            got_ = Got::normal;
        }
        return;
    }
    out_ += value;
    if (at_most_skipping(got_))
        got_ = Got::normal;
}

void WordParser::backquote()
{
    std::string command;
    int c;
    for (;;) {
        c = next();
        if (c == eof || c == '`' || (c == '"' && got_ == Got::double_quoted))
            break;
        if (c == '\\') {
            c = next();
            if (c == eof) {
                unterminated_ = true;
                break;
            }
            if (c == '\n')
                continue;
            if (!(c == '\\' || c == '$' || c == '`' || (c == '"' && got_ == Got::double_quoted)))
                command.push_back('\\');
        }
        command.push_back(static_cast<char>(c));
    }
    std::string output = expanding() ? ctx_->backquote(command) : std::string();
    if (got_ != Got::double_quoted) {
        insert_value(output, true);
        return;
    }
    out_ += output;
    if (c == '"')  // a missing closing backquote ends the double quotes too
        got_ = Got::normal;
}

int WordParser::brace_substitution()
{
    std::string name;
    int c;
    while ((c = next()) != eof && is_name_char(static_cast<char>(c)))
        name.push_back(static_cast<char>(c));
    std::optional<std::string> value;
    if (expanding())
        value = ctx_->lookup(name);
    const bool bad_name = !name.empty() && name[0] >= '0' && name[0] <= '9' && name.size() > 1;
    auto bad = [&] {
        if (expanding())
            ctx_->warn("Bad substitution of \"" + name + "\"");
        return 0;
    };
    if (bad_name)
        return bad();
    bool take_alternative;
    switch (c) {
    case '}':
        insert_value(value.value_or(""), got_ != Got::double_quoted);
        return 0;
    case ':':
        c = next();
        if (c == '-')
            take_alternative = !(value && !value->empty());
        else if (c == '+')
            take_alternative = value && !value->empty();
        else
            return bad();
        break;
    case '+': take_alternative = value.has_value(); break;
    case '-': take_alternative = !value.has_value(); break;
    default: return bad();
    }
    if (!take_alternative && skip_ == 0) {
        // Skip the alternative text; the closing brace inserts the variable's value.
        skipped_.push_back({out_.size(), bracelev_, value, got_});
        ++skip_;
    } else if (!take_alternative) {
        skipped_.push_back({out_.size(), bracelev_, std::nullopt, got_});
        ++skip_;
    }
    ++bracelev_;
    return 0;
}

int WordParser::dollar()
{
    int c = next();
    switch (c) {
    case eof:
        put('$');
        got_ = Got::normal;
        return 0;
    case '@':
        if (got_ != Got::double_quoted)
            return '@';  // procmail drops the '$' and keeps the '@'
        if (expanding()) {
            const auto args = ctx_->arguments();
            for (std::size_t i = 0; i < args.size(); ++i) {
                if (i)
                    put(mode_ == SplitMode::words ? '\0' : ' ');
                out_ += args[i];
            }
        }
        return 0;
    case '{':
        return brace_substitution();
    case '$': case '?': case '#': case '=':
        insert_value(expanding() ? ctx_->special(static_cast<char>(c)) : std::string(), false);
        return 0;
    case '_': case '-':
        insert_value(expanding() ? ctx_->special(static_cast<char>(c)) : std::string(),
                     got_ != Got::double_quoted);
        return 0;
    default: break;
    }
    if (c >= '0' && c <= '9') {
        const std::string name(1, static_cast<char>(c));
        insert_value(expanding() ? ctx_->lookup(name).value_or("") : std::string(), got_ != Got::double_quoted);
        return 0;
    }
    bool quoted = false;
    if (c == '\\') {
        quoted = true;
        c = next();
    }
    if (c != eof && is_name_char(static_cast<char>(c))) {
        std::string name;
        do
            name.push_back(static_cast<char>(c));
        while ((c = next()) != eof && is_name_char(static_cast<char>(c)));
        const std::string value = expanding() ? ctx_->lookup(name).value_or("") : std::string();
        if (!quoted) {
            insert_value(value, got_ != Got::double_quoted);
            return c == eof ? 0 : c;
        }
        // $\name: the value with every regex special disarmed, behind "()" so that a
        // leading character cannot combine with what precedes it.
        out_ += "()";
        for (char v : value) {
            if (regex_specials.find(v) != std::string_view::npos)
                put('\\');
            put(v);
        }
        if (at_most_skipping(got_))
            got_ = Got::normal;
        return c == eof ? 0 : c;
    }
    put('$');
    if (at_most_skipping(got_))
        got_ = Got::normal;
    if (quoted) {  // "$\" followed by a non-name: the backslash quotes that character
        if (c == eof) {
            unterminated_ = true;
            return 0;
        }
        put(static_cast<char>(c));
        return 0;
    }
    return c == eof ? 0 : c;
}

ParsedWords WordParser::run()
{
    int c = 0, lookahead = 0;
    for (;;) {
        c = lookahead ? lookahead : next();
        lookahead = 0;
        switch (c) {
        case eof:
            if (mode_ != SplitMode::whole && !at_most_normal(got_))
                unterminated_ = true;
            finish();
            return result();
        case '\\': {
            if (got_ == Got::single_quoted)
                break;
            c = next();
            if (c == eof) {
                unterminated_ = true;
                finish();
                return result();
            }
            if (c == '\n')
                continue;
            bool echo_backslash = got_ == Got::double_quoted;
            switch (c) {
            case '#':
                if (got_ == Got::normal || got_ == Got::double_quoted || got_ == Got::single_quoted) {
                    echo_backslash = true;
                    break;
                }
                [[fallthrough]];
            case ' ': case '\t': case '\'':
                if (got_ == Got::double_quoted) {
                    echo_backslash = true;
                    break;
                }
                [[fallthrough]];
            case '"': case '\\': case '$': case '`':
                echo_backslash = false;
                break;
            case '}':
                if ((at_most_normal(got_) && bracelev_) || (got_ == Got::double_quoted && bracelev_ > qbracelev_))
                    echo_backslash = false;
                break;
            default: break;
            }
            if (echo_backslash)
                put('\\');
            literal(c);
            continue;
        }
        case '`':
            if (got_ == Got::single_quoted)
                break;
            backquote();
            continue;
        case '"':
            if (got_ == Got::double_quoted) {
                if (qbracelev_ < bracelev_)
                    break;
                got_ = Got::normal;
                continue;
            }
            if (got_ == Got::single_quoted)
                break;
            qbracelev_ = bracelev_;
            got_ = Got::double_quoted;
            continue;
        case '\'':
            if (got_ == Got::double_quoted)
                break;
            got_ = got_ == Got::single_quoted ? Got::normal : Got::single_quoted;
            continue;
        case '}':
            if ((at_most_normal(got_) && bracelev_) || (got_ == Got::double_quoted && bracelev_ > qbracelev_)) {
                --bracelev_;
                if (!skipped_.empty() && skipped_.back().bracelev == bracelev_) {
                    Skipped s = skipped_.back();
                    skipped_.pop_back();
                    --skip_;
                    out_.resize(s.out_size);
                    got_ = s.got;
                    insert_value(s.value.value_or(""), got_ != Got::double_quoted);
                }
                continue;
            }
            break;
        case '#':
            if (!at_most_skipping(got_))
                break;
            while ((c = next()) != eof && c != '\n') {
            }
            finish();
            return result();
        case '$':
            if (got_ == Got::single_quoted)
                break;
            lookahead = dollar();
            continue;
        case ' ': case '\t':
            if (got_ == Got::normal) {
                if (mode_ == SplitMode::assignment) {
                    finish();
                    return result();
                }
                got_ = Got::skipping_space;
                put(mode_ == SplitMode::words ? '\0' : ' ');
                continue;
            }
            if (at_most_skipping(got_))
                continue;
            break;
        case '\n':
            if (at_most_normal(got_)) {
                finish();
                return result();
            }
            break;
        default: break;
        }
        literal(c);
    }
}

void WordParser::finish()
{
    if (mode_ == SplitMode::words && got_ == Got::skipping_space && !out_.empty())
        out_.pop_back();  // the last separator ends nothing
}

ParsedWords WordParser::result() const
{
    ParsedWords r;
    r.consumed = pos_;
    r.unterminated = unterminated_;
    if (mode_ != SplitMode::words) {
        r.words.push_back(out_);
        return r;
    }
    if (out_.empty() && got_ == Got::nothing_yet)
        return r;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = out_.find('\0', start);
        r.words.push_back(out_.substr(start, end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return r;
}

}  // namespace

ParsedWords parse_words(std::string_view input, SplitMode mode, ExpandContext* context)
{
    WordParser parser(input, mode, context);
    return parser.run();
}

std::string expand_in_quotes(std::string_view text, ExpandContext& context)
{
    std::string quoted = "\"";
    quoted.append(text);
    auto parsed = parse_words(quoted, SplitMode::whole, &context);
    return parsed.words.empty() ? std::string() : parsed.words.front();
}

}  // namespace mailroom::filters
