// imap/protocol/command_reader.hpp - splits the bytes a client sends into IMAP commands
// (RFC 3501 §2.2.1 and §4.3 literals, §9 grammar; non-synchronizing literals RFC 7888).
// Sans-I/O: it is fed bytes and returns events, never reads a socket; every limit is named
// in limits.hpp, and input it refuses is skipped without being buffered.
#pragma once
#include "imap/protocol/arg.hpp"
#include "imap/protocol/limits.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mailroom::imap {

struct ReaderLimits {
    std::size_t line_max = default_line_max;        // one line, without its line end
    std::size_t command_max = default_command_max;  // a command's lines and buffered literals together
};

class CommandReader {
public:
    struct NeedMore {};
    // A synchronizing literal {n} was announced and accepted: send a continuation request
    // ("+ ...") now, then feed its n bytes (literal_remaining() says how many are still due).
    struct SendContinuation {};
    // APPEND's message literal: the reader pauses so the caller can stream the bytes to
    // storage itself. The caller answers with literal_streamed(), literal_refused() (a
    // synchronizing literal it did not ask for) or skip_literal() (a non-synchronizing one
    // it does not want); partial() holds the command's tag, name and earlier arguments.
    struct StreamLiteral {
        std::uint64_t size = 0;
        bool synchronizing = true;
    };
    struct Ready {
        Command command;
    };
    // Syntax or limit error. tag is "*" when the command's tag is unknown; code is an RFC 5530
    // response code ("TOOBIG") or empty. fatal: the input cannot be resynchronized (a
    // non-synchronizing literal too big to skip): say BYE and close.
    struct Bad {
        std::string tag;
        std::string code;
        std::string text;
        bool fatal = false;
    };
    using Event = std::variant<NeedMore, SendContinuation, StreamLiteral, Ready, Bad>;

    explicit CommandReader(ReaderLimits limits = {}) : limits_(limits) {}

    // Consumes a prefix of `input` and returns the first event it produces; `consumed` says
    // how much was used. Bytes after an event must be fed again. Any split of the same bytes
    // into feed() calls gives the same events. Empty lines between commands are ignored.
    Event feed(std::string_view input, std::size_t& consumed);

    // Bytes of a buffered literal still expected (after SendContinuation, or while a
    // non-synchronizing literal arrives). The session reads exactly this many and feeds them.
    std::uint64_t literal_remaining() const;

    // Answers to StreamLiteral (see there).
    const Command& partial() const { return command_; }
    void literal_streamed();
    void literal_refused();
    void skip_literal();

    // The transport threw away a line longer than it reads (core::Connection::read_line). The
    // reader cannot know whether that line announced a literal, so this is fatal.
    Bad line_too_long();

    // Forgets everything (after STARTTLS: nothing sent in clear text may be executed).
    void reset();
    // True between commands.
    bool idle() const { return mode_ == Mode::line && phase_ == Phase::tag && line_.empty(); }

private:
    enum class Mode : std::uint8_t { line, literal, paused, discard_line, discard_literal };
    enum class Phase : std::uint8_t { tag, name, args };

    Event feed_line(std::string_view input, std::size_t& consumed, bool& event);
    Event parse_line(std::string_view line);
    Event parse_args(std::string_view line, std::size_t pos);
    Event literal_announced(std::string_view line, std::size_t open, std::size_t& pos);
    Event fail(std::string code, std::string text, std::string_view line);
    void discard_command(std::string_view last_line);
    std::optional<Bad> end_discarded_line();
    void clear_command();
    std::vector<Arg>& current_list();
    bool add_arg(Arg arg);

    ReaderLimits limits_;
    Mode mode_ = Mode::line;
    Phase phase_ = Phase::tag;
    std::string line_;                 // the line being collected, line end included
    std::string tail_;                 // last bytes of a line being discarded: does it end in {n+}?
    std::uint64_t remaining_ = 0;      // literal bytes still due (literal, discard_literal, paused)
    Command command_;
    std::vector<std::vector<Arg>*> open_;   // open lists, innermost last
    std::size_t used_ = 0;             // bytes this command has buffered
    std::size_t arg_count_ = 0;
};

}  // namespace mailroom::imap
