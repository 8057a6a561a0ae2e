// imap/protocol/command_reader.cpp - the IMAP command reader (see command_reader.hpp). Input is
// collected a line at a time (a token never spans lines; only literals do), so feeding one
// byte at a time yields the same events as feeding everything at once.
#include "imap/protocol/command_reader.hpp"

#include "core/util/strings.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

namespace mailroom::imap {
namespace {

constexpr std::size_t tail_keep = 32;            // enough for "{" + 20 digits + "+}" CR LF
constexpr std::size_t line_capacity_keep = 4096; // a bigger line buffer is released between commands
constexpr std::size_t literal_digits_max = 20;

bool is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// tag = 1*<any ASTRING-CHAR except "+">: no atom-specials but ']' is fine (RFC 3501 §9).
bool is_tag_char(unsigned char c) { return c > 0x20 && c < 0x7f && !std::strchr("(){%*\"\\+", c); }

bool separator_ok(std::string_view line, std::size_t pos)
{
    return pos == line.size() || line[pos] == ' ' || line[pos] == ')';
}

struct TrailingLiteral {
    std::uint64_t size = 0;
    bool synchronizing = true;
};

// "{123}" or "{123+}" at the very end of `line` (line end already removed).
std::optional<TrailingLiteral> trailing_literal(std::string_view line)
{
    if (line.empty() || line.back() != '}')
        return std::nullopt;
    line.remove_suffix(1);
    TrailingLiteral found;
    if (!line.empty() && line.back() == '+') {
        found.synchronizing = false;
        line.remove_suffix(1);
    }
    const auto open = line.rfind('{');
    if (open == std::string_view::npos)
        return std::nullopt;
    const auto digits = line.substr(open + 1);
    if (digits.empty() || digits.size() > literal_digits_max)
        return std::nullopt;
    const auto value = core::parse_uint(digits);
    if (!value)
        return std::nullopt;
    found.size = *value;
    return found;
}

std::string_view without_line_end(std::string_view line)
{
    if (!line.empty() && line.back() == '\n')
        line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

}  // namespace

CommandReader::Event CommandReader::feed(std::string_view input, std::size_t& consumed)
{
    consumed = 0;
    while (consumed < input.size()) {
        const std::string_view rest = input.substr(consumed);
        const auto take_raw = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
        switch (mode_) {
        case Mode::paused:
            return NeedMore{};
        case Mode::literal:
            current_list().back().text.append(rest.substr(0, take_raw));
            consumed += take_raw;
            remaining_ -= take_raw;
            if (remaining_ == 0)
                mode_ = Mode::line;
            break;
        case Mode::discard_literal:
            consumed += take_raw;
            remaining_ -= take_raw;
            if (remaining_ == 0)
                mode_ = Mode::discard_line;
            break;
        case Mode::discard_line: {
            const auto lf = rest.find('\n');
            const std::size_t take = lf == std::string_view::npos ? rest.size() : lf + 1;
            tail_.append(rest.substr(0, take));
            if (tail_.size() > tail_keep)
                tail_.erase(0, tail_.size() - tail_keep);
            consumed += take;
            if (lf != std::string_view::npos)
                if (auto fatal = end_discarded_line())
                    return *fatal;
            break;
        }
        case Mode::line: {
            bool event = false;
            Event result = feed_line(input, consumed, event);
            if (event)
                return result;
            break;
        }
        }
    }
    return NeedMore{};
}

CommandReader::Event CommandReader::feed_line(std::string_view input, std::size_t& consumed, bool& event)
{
    const std::string_view rest = input.substr(consumed);
    const auto lf = rest.find('\n');
    const std::size_t take = lf == std::string_view::npos ? rest.size() : lf + 1;
    line_.append(rest.substr(0, take));
    consumed += take;
    const bool complete = lf != std::string_view::npos;
    std::size_t content = line_.size() - (complete ? 1 : 0);
    if (content > 0 && line_[content - 1] == '\r')
        --content;   // a CR here may be the first half of CRLF
    if (content > limits_.line_max) {
        // Too long: answer now, then skip the rest of the line without keeping it (but keep
        // its tail, which may announce a literal that has to be skipped too).
        event = true;
        std::string tag = command_.tag;
        if (phase_ == Phase::tag) {
            std::size_t n = 0;
            while (n < line_.size() && n < tag_max && is_tag_char(static_cast<unsigned char>(line_[n])))
                ++n;
            if (n > 0 && n < line_.size() && line_[n] == ' ')
                tag = line_.substr(0, n);
        }
        tail_ = line_.substr(line_.size() - std::min(line_.size(), tail_keep));
        clear_command();
        std::string().swap(line_);
        mode_ = Mode::discard_line;
        if (complete)
            if (auto fatal = end_discarded_line())
                return *fatal;
        return Bad{tag.empty() ? "*" : tag, "TOOBIG", "Command line too long", false};
    }
    if (!complete)
        return NeedMore{};
    used_ += line_.size();
    const std::string_view line(line_.data(), content);
    Event result = used_ > limits_.command_max ? fail("TOOBIG", "Command too long", line) : parse_line(line);
    line_.clear();
    if (line_.capacity() > line_capacity_keep)
        std::string().swap(line_);
    event = !std::holds_alternative<NeedMore>(result);
    return result;
}

CommandReader::Event CommandReader::parse_line(std::string_view line)
{
    std::size_t pos = 0;
    if (phase_ == Phase::tag) {
        if (line.empty()) {   // stray line ends between commands are harmless
            used_ = 0;
            return NeedMore{};
        }
        while (pos < line.size() && is_tag_char(static_cast<unsigned char>(line[pos])))
            ++pos;
        const bool tag_ok = pos > 0 && pos <= tag_max;
        if (tag_ok && (pos == line.size() || line[pos] == ' '))
            command_.tag = line.substr(0, pos);
        if (!tag_ok || pos == line.size() || line[pos] != ' ')
            return fail("", tag_ok ? "Missing command" : "Invalid tag", line);
        ++pos;
        phase_ = Phase::name;
    } else if (!separator_ok(line, 0)) {
        return fail("", "Missing space after literal", line);
    }
    if (line.find('\0') != std::string_view::npos)
        return fail("", "NUL byte in command", line);
    if (phase_ == Phase::name) {
        auto word = [&] {
            const std::size_t start = pos;
            while (pos < line.size() && line[pos] != ' ')
                ++pos;
            return core::to_upper(line.substr(start, pos - start));
        };
        command_.name = word();
        if (command_.name == "UID") {
            if (pos < line.size())
                ++pos;
            const std::string sub = word();
            if (sub.empty())
                return fail("", "Missing UID command", line);
            command_.name += " " + sub;
        }
        const bool valid = !command_.name.empty() &&
                           std::all_of(command_.name.begin(), command_.name.end(), [](char c) {
                               return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                                      c == '.' || c == ' ';
                           });
        if (!valid)
            return fail("", command_.name.empty() ? "Missing command" : "Invalid command name", line);
        phase_ = Phase::args;
    }
    return parse_args(line, pos);
}

CommandReader::Event CommandReader::parse_args(std::string_view line, std::size_t pos)
{
    for (;;) {
        while (pos < line.size() && line[pos] == ' ')
            ++pos;
        if (pos == line.size()) {
            if (!open_.empty())
                return fail("", "Missing ')'", line);
            Ready ready{std::move(command_)};
            clear_command();
            return ready;
        }
        const char c = line[pos];
        if (c == '{')
            return literal_announced(line, pos, pos);
        Arg arg;
        if (c == '(') {
            if (open_.size() >= list_depth_max)
                return fail("", "Lists nested too deeply", line);
            arg.kind = Arg::Kind::list;
            if (!add_arg(std::move(arg)))
                return fail("TOOBIG", "Too many arguments", line);
            open_.push_back(&current_list().back().items);
            ++pos;
            continue;
        }
        if (c == ')') {
            if (open_.empty())
                return fail("", "Unexpected ')'", line);
            open_.pop_back();
            ++pos;
        } else if (c == '"') {
            arg.kind = Arg::Kind::quoted;
            for (++pos;; ++pos) {
                if (pos == line.size())
                    return fail("", "Unterminated quoted string", line);
                char ch = line[pos];
                if (ch == '"')
                    break;
                if (ch == '\\') {
                    if (++pos == line.size() || (line[pos] != '"' && line[pos] != '\\'))
                        return fail("", "Invalid escape in quoted string", line);
                    ch = line[pos];
                }
                arg.text += ch;
            }
            ++pos;
        } else {
            // An atom. "BODY[HEADER.FIELDS (A B)]<0.10>": a '[' takes everything up to its ']'
            // (spaces and parentheses included), as FETCH's section-spec needs.
            const std::size_t start = pos;
            while (pos < line.size() && line[pos] != ' ' && line[pos] != '(' && line[pos] != ')' && line[pos] != '"') {
                if (line[pos] == '[')
                    if (const auto close = line.find(']', pos); close != std::string_view::npos) {
                        pos = close + 1;
                        continue;
                    }
                if (is_ctl(static_cast<unsigned char>(line[pos])))
                    return fail("", "Control character in command", line);
                ++pos;
            }
            if (pos == start)
                return fail("", "Invalid character in command", line);
            arg.text = line.substr(start, pos - start);
        }
        if (!separator_ok(line, pos))
            return fail("", "Missing space between arguments", line);
        if (c != ')' && !add_arg(std::move(arg)))
            return fail("TOOBIG", "Too many arguments", line);
    }
}

CommandReader::Event CommandReader::literal_announced(std::string_view line, std::size_t open, std::size_t& pos)
{
    pos = open + 1;
    const std::size_t digits_start = pos;
    while (pos < line.size() && line[pos] >= '0' && line[pos] <= '9')
        ++pos;
    const auto digits = line.substr(digits_start, pos - digits_start);
    const bool synchronizing = !(pos < line.size() && line[pos] == '+');
    if (!synchronizing)
        ++pos;
    if (digits.empty() || digits.size() > literal_digits_max || pos >= line.size() || line[pos] != '}')
        return fail("", "Invalid literal", line);
    if (++pos != line.size())
        return fail("", "A literal must end its line", line);
    const auto size = core::parse_uint(digits);
    if (!size)
        return fail("TOOBIG", "Literal too big", line);
    if (command_.name == "APPEND" && open_.empty() && !command_.args.empty()) {
        mode_ = Mode::paused;
        remaining_ = *size;
        return StreamLiteral{*size, synchronizing};
    }
    if (*size > limits_.command_max - std::min(used_, limits_.command_max))
        return fail("TOOBIG", "Literal too big", line);
    Arg arg;
    arg.kind = Arg::Kind::literal;
    arg.text.reserve(static_cast<std::size_t>(*size));
    if (!add_arg(std::move(arg)))
        return fail("TOOBIG", "Too many arguments", line);
    used_ += static_cast<std::size_t>(*size);
    remaining_ = *size;
    mode_ = remaining_ ? Mode::literal : Mode::line;
    if (synchronizing)
        return SendContinuation{};
    return NeedMore{};
}

CommandReader::Event CommandReader::fail(std::string code, std::string text, std::string_view line)
{
    Bad bad{command_.tag.empty() ? "*" : command_.tag, std::move(code), std::move(text), false};
    discard_command(line);
    if (mode_ == Mode::discard_literal && remaining_ > discard_literal_max)
        bad.fatal = true;
    return bad;
}

// The line being skipped ended (its last bytes are in tail_): a non-synchronizing literal it
// announced must be skipped as well; a synchronizing one will not be sent.
std::optional<CommandReader::Bad> CommandReader::end_discarded_line()
{
    const auto literal = trailing_literal(without_line_end(tail_));
    tail_.clear();
    mode_ = Mode::line;
    remaining_ = 0;
    if (literal && !literal->synchronizing) {
        if (literal->size > discard_literal_max)
            return Bad{"*", "TOOBIG", "Literal too big to skip", true};
        remaining_ = literal->size;
        mode_ = remaining_ ? Mode::discard_literal : Mode::discard_line;
    }
    return std::nullopt;
}

// Drops the command. If the line we gave up on announced a non-synchronizing literal, the
// client sends it anyway: skip it and whatever else of the command follows.
void CommandReader::discard_command(std::string_view last_line)
{
    clear_command();
    mode_ = Mode::line;
    remaining_ = 0;
    if (const auto literal = trailing_literal(last_line); literal && !literal->synchronizing) {
        remaining_ = literal->size;
        mode_ = remaining_ ? Mode::discard_literal : Mode::discard_line;
    }
}

std::uint64_t CommandReader::literal_remaining() const
{
    return mode_ == Mode::literal || mode_ == Mode::discard_literal ? remaining_ : 0;
}

void CommandReader::literal_streamed()
{
    if (mode_ != Mode::paused)
        return;
    Arg arg;
    arg.kind = Arg::Kind::literal;
    arg.streamed = true;
    add_arg(std::move(arg));
    mode_ = Mode::line;
    remaining_ = 0;
}

void CommandReader::literal_refused()
{
    clear_command();
    mode_ = Mode::line;
    remaining_ = 0;
}

void CommandReader::skip_literal()
{
    const std::uint64_t size = remaining_;
    clear_command();
    remaining_ = size;
    mode_ = size ? Mode::discard_literal : Mode::discard_line;
}

CommandReader::Bad CommandReader::line_too_long()
{
    Bad bad{command_.tag.empty() ? "*" : command_.tag, "TOOBIG", "Command line too long", true};
    reset();
    return bad;
}

void CommandReader::reset()
{
    clear_command();
    mode_ = Mode::line;
    remaining_ = 0;
    std::string().swap(line_);
    std::string().swap(tail_);
}

void CommandReader::clear_command()
{
    command_ = Command{};
    open_.clear();
    open_.shrink_to_fit();
    phase_ = Phase::tag;
    used_ = 0;
    arg_count_ = 0;
}

std::vector<Arg>& CommandReader::current_list() { return open_.empty() ? command_.args : *open_.back(); }

bool CommandReader::add_arg(Arg arg)
{
    if (++arg_count_ > arg_count_max)
        return false;
    current_list().push_back(std::move(arg));
    return true;
}

}  // namespace mailroom::imap
