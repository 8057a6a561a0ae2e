// pop3/commands.cpp - CAPA (RFC 2449 section 5) and the TRANSACTION state's commands (RFC 1939
// section 5: STAT, LIST, RETR, DELE, NOOP, RSET; section 7: TOP, UIDL). Message numbers are
// the session's own: a deleted message keeps its number and is skipped in listings.
#include "core/auth/sasl.hpp"
#include "core/util/strings.hpp"
#include "pop3/protocol.hpp"

namespace mailroom::pop3 {

Protocol::Event Protocol::cmd_capa(std::string_view)
{
    output_ += "+OK Capability list follows\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
    if (options_.login_delay.count() > 0)
        output_ += "LOGIN-DELAY " + std::to_string(options_.login_delay.count()) + "\r\n";
    if (options_.expire_days)
        output_ += "EXPIRE " + std::to_string(*options_.expire_days) + "\r\n";
    if (state_ == State::authorization) {
        if (!plaintext_refusal()) {
            output_ += "USER\r\nSASL";
            for (const auto& mechanism : core::sasl_mechanisms())
                output_ += " " + mechanism;
            output_ += "\r\n";
        }
        if (options_.tls_available)
            output_ += "STLS\r\n";
    }
    output_ += "IMPLEMENTATION mailroom\r\n.\r\n";
    return NeedMore{};
}

std::optional<std::uint32_t> Protocol::message_number(std::string_view text, std::string& why) const
{
    text = core::trim(text);
    const auto number = core::parse_uint(text);
    if (!number) {
        why = text.empty() ? "A message number is needed." : "Invalid message number.";
        return std::nullopt;
    }
    if (*number == 0 || *number > messages_.size()) {
        why = "There is no message " + std::to_string(*number) + ".";
        return std::nullopt;
    }
    if (deleted_[*number - 1]) {
        why = "Message " + std::to_string(*number) + " is deleted.";
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(*number);
}

std::string Protocol::messages_text(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " message" : " messages");
}

std::string Protocol::maildrop_text() const
{
    return messages_text(messages_.size() - deleted_count_) + " (" + std::to_string(stats_.size - deleted_size_) +
           " octets)";
}

std::string Protocol::listing_line(std::uint32_t number, bool uidl) const
{
    const auto& message = messages_[number - 1];
    return std::to_string(number) + " " + (uidl ? message.uidl : std::to_string(message.size));
}

Protocol::Event Protocol::cmd_stat(std::string_view)
{
    return ok(std::to_string(messages_.size() - deleted_count_) + " " + std::to_string(stats_.size - deleted_size_));
}

Protocol::Event Protocol::cmd_list(std::string_view arguments)
{
    const bool uidl = false;
    if (!core::trim(arguments).empty()) {
        std::string why;
        const auto number = message_number(arguments, why);
        return number ? ok(listing_line(*number, uidl)) : error(why);
    }
    ok(maildrop_text());
    for (std::uint32_t number = 1; number <= messages_.size(); ++number)
        if (!deleted_[number - 1])
            output_ += listing_line(number, uidl) + "\r\n";
    output_ += ".\r\n";
    return NeedMore{};
}

Protocol::Event Protocol::cmd_uidl(std::string_view arguments)
{
    const bool uidl = true;
    if (!core::trim(arguments).empty()) {
        std::string why;
        const auto number = message_number(arguments, why);
        return number ? ok(listing_line(*number, uidl)) : error(why);
    }
    ok("Unique-id listing follows");
    for (std::uint32_t number = 1; number <= messages_.size(); ++number)
        if (!deleted_[number - 1])
            output_ += listing_line(number, uidl) + "\r\n";
    output_ += ".\r\n";
    return NeedMore{};
}

Protocol::Event Protocol::cmd_retr(std::string_view arguments)
{
    std::string why;
    const auto number = message_number(arguments, why);
    if (!number)
        return error(why);
    retrieving_ = Retrieve{*number, messages_[*number - 1].uid, std::nullopt};
    state_ = State::waiting;
    return *retrieving_;
}

Protocol::Event Protocol::cmd_top(std::string_view arguments)
{
    const auto text = core::trim(arguments);
    const auto space = text.find(' ');
    if (space == std::string_view::npos)
        return error("TOP needs a message number and a number of lines.");
    std::string why;
    const auto number = message_number(text.substr(0, space), why);
    if (!number)
        return error(why);
    const auto lines = core::parse_uint(core::trim(text.substr(space + 1)));
    if (!lines)
        return error("Invalid number of lines.");
    retrieving_ = Retrieve{*number, messages_[*number - 1].uid, *lines};
    state_ = State::waiting;
    return *retrieving_;
}

void Protocol::retrieve_started(RetrieveStart start)
{
    state_ = State::transaction;
    const auto& request = *retrieving_;
    if (start != RetrieveStart::ok) {
        refuse(start == RetrieveStart::expunged
                   ? "Message " + std::to_string(request.number) + " no longer exists; another session removed it."
                   : std::string("[SYS/TEMP] The message cannot be read now, please try again later."));
        retrieving_.reset();
        return;
    }
    if (request.body_lines)
        ok("Top of message follows");
    else
        ok(std::to_string(messages_[request.number - 1].size) + " octets");
}

void Protocol::retrieve_finished(std::uint64_t bytes_sent)
{
    if (!retrieving_)
        return;
    if (retrieving_->body_lines) {
        ++stats_.top_count;
        stats_.top_bytes += bytes_sent;
    } else {
        ++stats_.retr_count;
        stats_.retr_bytes += bytes_sent;
        retrieved_[retrieving_->number - 1] = true;
    }
    retrieving_.reset();
}

Protocol::Event Protocol::cmd_dele(std::string_view arguments)
{
    std::string why;
    const auto number = message_number(arguments, why);
    if (!number)
        return error(why);
    deleted_[*number - 1] = true;
    ++deleted_count_;
    deleted_size_ += messages_[*number - 1].size;
    return ok("Message " + std::to_string(*number) + " deleted.");
}

Protocol::Event Protocol::cmd_noop(std::string_view) { return ok("Still here."); }

Protocol::Event Protocol::cmd_rset(std::string_view)
{
    deleted_.assign(messages_.size(), false);
    deleted_count_ = 0;
    deleted_size_ = 0;
    return ok("Maildrop has " + maildrop_text() + ".");
}

}  // namespace mailroom::pop3
