// filters/rc_parser.cpp - procmailrc(5) reader, following procmail's main loop: skip blanks,
// empty lines and # comments; ':' starts a recipe, '}' ends a block, anything else is an
// assignment (NAME=value) or, without '=', the removal of NAME.
#include "filters/rc_parser.hpp"

#include <algorithm>

#include "filters/shell_parse.hpp"

namespace mailroom::filters {
namespace {

class RcParser {
public:
    RcParser(std::string_view text, std::string path) : text_(text) { program_.path = std::move(path); }
    RcProgram run();

private:
    bool eof() const { return pos_ >= text_.size(); }
    char peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
    int line_at(std::size_t pos) const
    {
        return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    }
    void skip_blanks()
    {
        while (!eof() && (peek() == ' ' || peek() == '\t'))
            ++pos_;
    }
    std::string rest_of_line()
    {
        const std::size_t nl = text_.find('\n', pos_);
        const std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
        std::string s(text_.substr(pos_, end - pos_));
        pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
        return s;
    }
    std::string continued_line();
    std::string scan_words(SplitMode mode)
    {
        const ParsedWords w = parse_words(text_.substr(pos_), mode, nullptr);
        if (w.unterminated)
            error(pos_, "Unexpected EOL");  // a quote or backquote never closed
        std::string raw(text_.substr(pos_, w.consumed));
        pos_ += w.consumed;
        return raw;
    }
    void error(std::size_t pos, std::string text) { program_.errors.push_back({line_at(pos), std::move(text)}); }
    void parse_recipe();
    bool parse_conditions(Recipe& recipe);
    bool parse_action(Recipe& recipe);
    void parse_assignment();

    std::string_view text_;
    std::size_t pos_ = 0;
    RcProgram program_;
    std::vector<std::size_t> open_blocks_;  // indexes of recipes whose block is open
};

// procmail's getlline(): a line ending in a backslash continues on the next one; the
// backslash is kept unless it was alone on its line.
std::string RcParser::continued_line()
{
    std::string out;
    for (;;) {
        std::string line = rest_of_line();
        if (line.ends_with('\\') && pos_ <= text_.size() && !(pos_ == text_.size() && text_.back() != '\n')) {
            if (line.size() == 1)
                line.clear();
            out += line;
            out += '\n';
            continue;
        }
        out += line;
        return out;
    }
}

RcProgram RcParser::run()
{
    for (;;) {
        for (;;) {  // blanks, empty lines, comments
            skip_blanks();
            if (peek() == '\n' && !eof()) {
                ++pos_;
                continue;
            }
            if (peek() == '#' && !eof()) {
                rest_of_line();
                continue;
            }
            break;
        }
        if (eof())
            break;
        if (peek() == ':') {
            parse_recipe();
        } else if (peek() == '}') {
            if (open_blocks_.empty()) {
                error(pos_, "Closing brace unexpected");
            } else {
                Item end;
                end.kind = Item::Kind::block_end;
                end.line = line_at(pos_);
                program_.items[open_blocks_.back()].recipe.block_end = program_.items.size();
                open_blocks_.pop_back();
                program_.items.push_back(std::move(end));
            }
            ++pos_;
        } else {
            parse_assignment();
        }
    }
    while (!open_blocks_.empty()) {
        program_.errors.push_back({program_.items[open_blocks_.back()].line, "Missing closing brace"});
        Item end;
        end.kind = Item::Kind::block_end;
        end.line = line_at(text_.size());
        program_.items[open_blocks_.back()].recipe.block_end = program_.items.size();
        open_blocks_.pop_back();
        program_.items.push_back(std::move(end));
    }
    return std::move(program_);
}

void RcParser::parse_recipe()
{
    const std::size_t start = pos_;
    ++pos_;  // ':'
    Item item;
    item.kind = Item::Kind::recipe;
    item.line = line_at(start);
    const std::size_t header_start = pos_;
    std::string header = scan_words(SplitMode::words);
    item.recipe.header_text = header;
    const ParsedWords words = parse_words(text_.substr(header_start, header.size()), SplitMode::words, nullptr);
    const RecipeHeader parsed = parse_recipe_header(words.words);
    item.recipe.flags = parsed.flags;
    item.recipe.local_lock = parsed.local_lock;
    if (!parsed.leftovers.empty())
        error(start, "Skipped: \"" + parsed.leftovers + "\"");
    if (!parse_conditions(item.recipe))
        return;
    if (!parse_action(item.recipe))
        return;
    program_.items.push_back(std::move(item));
    if (program_.items.back().recipe.action == ActionKind::block)
        open_blocks_.push_back(program_.items.size() - 1);
}

bool RcParser::parse_conditions(Recipe& recipe)
{
    bool skipped_empty = false;
    for (;;) {
        skip_blanks();
        if (eof())
            return true;
        const char c = peek();
        if (c == '*') {
            const int line = line_at(pos_);
            ++pos_;
            skip_blanks();
            std::string cond = continued_line();
            while (!cond.empty() && (cond.back() == ' ' || cond.back() == '\t'))
                cond.pop_back();
            recipe.conditions.push_back({std::move(cond), line});
        } else if (c == '#') {
            rest_of_line();
        } else if (c == '\n') {
            ++pos_;
            skipped_empty = true;
        } else if (skipped_empty && c == ':') {
            error(pos_, "Missing action");
            return false;
        } else {
            return true;
        }
    }
}

bool RcParser::parse_action(Recipe& recipe)
{
    skip_blanks();
    recipe.action_line = line_at(pos_);
    if (eof()) {
        error(pos_, "Incomplete recipe");
        return false;
    }
    const std::size_t start = pos_;
    if (peek() == '!') {
        ++pos_;
        recipe.action = ActionKind::forward;
        recipe.action_text = scan_words(SplitMode::words);
        return true;
    }
    if (peek() == '|') {
        ++pos_;
        recipe.action = ActionKind::pipe;
        recipe.action_text = continued_line();
        return true;
    }
    std::size_t p = pos_;
    while (p < text_.size() && is_name_char(text_[p]))
        ++p;
    if (p > pos_) {
        std::size_t q = p;
        while (q < text_.size() && (text_[q] == ' ' || text_[q] == '\t'))
            ++q;
        if (q < text_.size() && text_[q] == '=') {
            std::size_t r = q + 1;
            while (r < text_.size() && (text_[r] == ' ' || text_[r] == '\t'))
                ++r;
            if (r < text_.size() && (text_[r] == '|' || text_[r] == '!')) {
                recipe.capture_variable.assign(text_.substr(pos_, p - pos_));
                pos_ = r + 1;
                recipe.action = text_[r] == '|' ? ActionKind::pipe : ActionKind::forward;
                recipe.action_text =
                    recipe.action == ActionKind::pipe ? continued_line() : scan_words(SplitMode::words);
                return true;
            }
        }
    } else if (peek() == '{' && (peek(1) == ' ' || peek(1) == '\t' || peek(1) == '\n')) {
        pos_ += 2;
        recipe.action = ActionKind::block;
        return true;
    }
    pos_ = start;
    recipe.action = ActionKind::folder;
    recipe.action_text = scan_words(SplitMode::words);
    return true;
}

void RcParser::parse_assignment()
{
    const std::size_t start = pos_;
    std::size_t p = pos_;
    while (p < text_.size() && is_name_char(text_[p]))
        ++p;
    if (p == pos_) {
        error(start, "Skipped: \"" + rest_of_line() + "\"");
        return;
    }
    Item item;
    item.kind = Item::Kind::assignment;
    item.line = line_at(start);
    item.name.assign(text_.substr(pos_, p - pos_));
    pos_ = p;
    skip_blanks();
    if (peek() == '=' && !eof()) {
        ++pos_;
        skip_blanks();
        item.value_text = scan_words(SplitMode::assignment);
    }
    program_.items.push_back(std::move(item));
}

}  // namespace

RcProgram parse_rc(std::string_view text, std::string path)
{
    return RcParser(text, std::move(path)).run();
}

}  // namespace mailroom::filters
