// pop3/protocol.cpp - line framing, dispatch by state, and the AUTHORIZATION state: USER, PASS,
// APOP (RFC 1939 section 7), AUTH (RFC 5034 section 4), STLS (RFC 2595 section 4), QUIT.
// The TRANSACTION commands and CAPA are in commands.cpp.
#include "pop3/protocol.hpp"

#include "core/util/strings.hpp"
#include "pop3/limits.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace mailroom::pop3 {
namespace {

// Client input is never echoed into replies: it may hold anything.
bool has_control_characters(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

bool is_keyword(std::string_view word)
{
    return !word.empty() && word.size() <= keyword_max &&
           std::all_of(word.begin(), word.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

bool is_apop_digest(std::string_view digest)
{
    return digest.size() == 32 &&
           std::all_of(digest.begin(), digest.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

const Protocol::Command Protocol::commands_[] = {
    {"CAPA", &Protocol::cmd_capa, true, true},  {"USER", &Protocol::cmd_user, true, false},
    {"PASS", &Protocol::cmd_pass, true, false}, {"APOP", &Protocol::cmd_apop, true, false},
    {"AUTH", &Protocol::cmd_auth, true, false}, {"STLS", &Protocol::cmd_stls, true, false},
    {"QUIT", &Protocol::cmd_quit, true, true},  {"STAT", &Protocol::cmd_stat, false, true},
    {"LIST", &Protocol::cmd_list, false, true}, {"RETR", &Protocol::cmd_retr, false, true},
    {"TOP", &Protocol::cmd_top, false, true},   {"DELE", &Protocol::cmd_dele, false, true},
    {"NOOP", &Protocol::cmd_noop, false, true}, {"RSET", &Protocol::cmd_rset, false, true},
    {"UIDL", &Protocol::cmd_uidl, false, true},
};

std::string Protocol::greeting() const
{
    if (options_.apop_timestamp.empty())
        return "+OK mailroom POP3 server ready.\r\n";
    return "+OK mailroom POP3 server ready. " + options_.apop_timestamp + "\r\n";
}

std::size_t Protocol::line_limit() const { return sasl_ ? sasl_line_max : command_line_max; }

Protocol::Event Protocol::feed(std::string_view input, std::size_t& consumed)
{
    const auto newline = input.find('\n');
    consumed = newline == std::string_view::npos ? input.size() : newline + 1;
    if (!discarding_) {
        line_.append(input.substr(0, std::min(newline, input.size())));
        if (line_.size() > line_limit() + 1) {   // +1: the CR of a CRLF may be here already
            discarding_ = true;
            line_.clear();
        }
    }
    if (newline == std::string_view::npos)
        return NeedMore{};
    std::string text = std::move(line_);
    line_.clear();
    if (std::exchange(discarding_, false))
        return line_too_long();
    if (!text.empty() && text.back() == '\r')
        text.pop_back();
    if (text.size() > line_limit())
        return line_too_long();
    return line(text);
}

Protocol::Event Protocol::line_too_long()
{
    if (sasl_) {
        sasl_.reset();
        return error("[AUTH] Authentication failed: response too long.");
    }
    return error("Line too long (RFC 2449 allows 255 octets).");
}

Protocol::Event Protocol::line(std::string_view text)
{
    if (state_ != State::authorization && state_ != State::transaction)
        return NeedMore{};   // the caller has an event to finish first
    if (sasl_)
        return sasl_response(text);
    if (has_control_characters(text))
        return error("Invalid characters in the command.");
    const auto space = text.find(' ');
    const std::string keyword = core::to_upper(text.substr(0, space));
    const std::string_view arguments = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (!is_keyword(keyword))
        return error(keyword.empty() ? "Empty command." : "Unknown command.");
    for (const Command& command : commands_) {
        if (command.name != keyword)
            continue;
        if (state_ == State::authorization && !command.before_login)
            return error("Log in first: " + keyword + " is valid only in the TRANSACTION state.");
        if (state_ == State::transaction && !command.after_login)
            return error("Already logged in: " + keyword + " is valid only in the AUTHORIZATION state.");
        return (this->*command.handler)(arguments);
    }
    return error("Unknown command.");
}

Protocol::Event Protocol::ok(std::string_view text)
{
    output_ += "+OK ";
    output_ += text;
    output_ += "\r\n";
    return NeedMore{};
}

Protocol::Event Protocol::refuse(std::string_view text)
{
    output_ += "-ERR ";
    output_ += text;
    output_ += "\r\n";
    return NeedMore{};
}

Protocol::Event Protocol::error(std::string_view text)
{
    refuse(text);
    if (++errors_ < options_.error_limit)
        return NeedMore{};
    state_ = State::closed;
    return Close{"Too many bad commands"};
}

std::string Protocol::take_output() { return std::exchange(output_, {}); }

std::optional<std::string> Protocol::plaintext_refusal() const
{
    if (options_.plaintext_auth_allowed)
        return std::nullopt;
    return std::string("[AUTH] Plaintext authentication is disabled on this connection") +
           (options_.tls_available ? "; use STLS first." : ".");
}

Protocol::Event Protocol::cmd_user(std::string_view arguments)
{
    if (auto refusal = plaintext_refusal())
        return error(*refusal);
    const auto name = core::trim(arguments);
    if (name.empty() || name.find(' ') != std::string_view::npos)
        return error("USER needs one argument, the user name.");
    user_name_ = std::string(name);
    return ok("Send the password with PASS.");
}

Protocol::Event Protocol::cmd_pass(std::string_view arguments)
{
    if (auto refusal = plaintext_refusal())
        return error(*refusal);
    if (!user_name_)
        return error("Send USER first.");
    // RFC 1939 section 7: spaces belong to the password, so the rest of the line is taken as is.
    if (arguments.empty())
        return error("PASS needs the password.");
    state_ = State::waiting;
    return Login{*std::exchange(user_name_, std::nullopt), std::string(arguments), {}, "USER"};
}

Protocol::Event Protocol::cmd_apop(std::string_view arguments)
{
    if (options_.apop_timestamp.empty())
        return error("APOP is not enabled on this server.");
    const auto text = core::trim(arguments);
    const auto space = text.rfind(' ');
    if (space == std::string_view::npos || !is_apop_digest(text.substr(space + 1)) ||
        core::trim(text.substr(0, space)).empty())
        return error("APOP needs a user name and a 32-digit MD5 digest.");
    state_ = State::waiting;
    return Login{std::string(core::trim(text.substr(0, space))), core::to_lower(text.substr(space + 1)), {}, "APOP"};
}

Protocol::Event Protocol::cmd_auth(std::string_view arguments)
{
    const auto text = core::trim(arguments);
    if (text.empty()) {   // the mechanism list of the AUTH drafts, which some clients still ask for
        output_ += "+OK Authentication mechanisms follow\r\n";
        if (!plaintext_refusal())
            for (const auto& mechanism : core::sasl_mechanisms())
                output_ += mechanism + "\r\n";
        output_ += ".\r\n";
        return NeedMore{};
    }
    if (auto refusal = plaintext_refusal())
        return error(*refusal);
    const auto space = text.find(' ');
    const auto mechanism = text.substr(0, space);
    std::optional<std::string_view> initial;
    if (space != std::string_view::npos)
        initial = core::trim(text.substr(space + 1));
    sasl_ = core::start_sasl(mechanism);
    if (!sasl_)
        return error("Unsupported authentication mechanism.");
    sasl_method_ = core::to_upper(mechanism);
    return sasl_step(sasl_->start(initial));
}

Protocol::Event Protocol::sasl_response(std::string_view text) { return sasl_step(sasl_->respond(text)); }

Protocol::Event Protocol::sasl_step(core::SaslStep step)
{
    switch (step.kind) {
    case core::SaslStep::Kind::challenge:
        output_ += "+ " + step.challenge + "\r\n";   // RFC 5034 section 4: "+" SP base64
        return NeedMore{};
    case core::SaslStep::Kind::credentials:
        sasl_.reset();
        state_ = State::waiting;
        return Login{std::move(step.authcid), std::move(step.password), std::move(step.authzid), sasl_method_};
    case core::SaslStep::Kind::failed:
        break;
    }
    sasl_.reset();
    return error("[AUTH] Authentication failed: " + step.error + ".");
}

Protocol::Event Protocol::cmd_stls(std::string_view)
{
    if (!options_.tls_available)
        return error("STLS is not available on this connection.");
    ok("Begin TLS negotiation.");
    return StartTls{};
}

void Protocol::tls_started(bool plaintext_auth_allowed)
{
    // RFC 2595 section 4: forget what the client said before TLS (a USER name, say).
    options_.tls_available = false;
    options_.plaintext_auth_allowed = plaintext_auth_allowed;
    user_name_.reset();
}

Protocol::Event Protocol::login_failed(LoginFailure why)
{
    state_ = State::authorization;
    switch (why) {
    case LoginFailure::credentials:
        return error("[AUTH] Authentication failed.");
    case LoginFailure::temporary:
        return refuse("[SYS/TEMP] Temporary failure, please try again later.");
    case LoginFailure::permanent:
        return refuse("[SYS/PERM] The maildrop cannot be opened; please contact the administrator.");
    case LoginFailure::login_delay:
        return refuse("[LOGIN-DELAY] Logins are allowed once every " + std::to_string(options_.login_delay.count()) +
                      " seconds, please try again later.");
    case LoginFailure::in_use:
        break;
    }
    return refuse("[IN-USE] The maildrop is in use by another POP3 session, please try again later.");
}

void Protocol::logged_in(const std::string& user, std::vector<MaildropMessage> messages)
{
    user_ = user;
    messages_ = std::move(messages);
    deleted_.assign(messages_.size(), false);
    retrieved_.assign(messages_.size(), false);
    for (const auto& message : messages_)
        stats_.size += message.size;
    stats_.left = static_cast<std::uint32_t>(messages_.size());
    state_ = State::transaction;
    ok("Logged in, maildrop has " + maildrop_text() + ".");
}

Protocol::Event Protocol::cmd_quit(std::string_view)
{
    if (state_ == State::authorization) {
        state_ = State::closed;
        ok("Logging out.");
        return Close{"Logged out"};
    }
    // RFC 1939 section 6: the UPDATE state; only now do deletions take effect.
    state_ = State::update;
    Update update;
    const bool expire_at_once = options_.expire_days == 0u;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        if (deleted_[i] || (retrieved_[i] && expire_at_once)) {
            update.expunge.push_back(messages_[i].uid);
            continue;
        }
        if (retrieved_[i] && options_.mark_seen && !messages_[i].seen)
            update.seen.push_back(messages_[i].uid);
        if (retrieved_[i])
            update.retrieved.push_back(messages_[i].uid);
    }
    return update;
}

Protocol::Event Protocol::update_finished(std::optional<std::size_t> expunged)
{
    state_ = State::closed;
    if (!expunged) {
        refuse("[SYS/TEMP] The deleted messages could not be removed; they stay in the maildrop.");
        return Close{"Storage error during logout"};
    }
    stats_.deleted = static_cast<std::uint32_t>(*expunged);
    stats_.left = static_cast<std::uint32_t>(messages_.size() - std::min(messages_.size(), *expunged));
    ok(*expunged == 0 ? std::string("Logging out.") : "Logging out, " + messages_text(*expunged) + " deleted.");
    return Close{"Logged out"};
}

}  // namespace mailroom::pop3
