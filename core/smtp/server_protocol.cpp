// core/smtp/server_protocol.cpp - input framing, message content and the replies after it
// (one per message for SMTP, RFC 5321 4.1.1.4; one per recipient for LMTP, RFC 2033 4.2;
// RFC 3030, RFC 2920). The commands themselves are in server_commands.cpp.
#include "core/smtp/server_protocol.hpp"

#include <algorithm>
#include <utility>

namespace mailroom::core::smtp {

std::string Protocol::greeting() const
{
    return "220 " + (settings_.banner.empty() ? settings_.host_name + " LMTP server ready" : settings_.banner) + "\r\n";
}

std::string Protocol::take_output()
{
    std::string out;
    out.swap(output_);
    return out;
}

void Protocol::reply(std::string_view code, std::string_view enhanced, std::string_view text)
{
    output_.append(code).append(" ").append(enhanced).append(" ").append(text).append("\r\n");
}

void Protocol::send_reply(int code, std::string_view enhanced, std::string_view text)
{
    reply(std::to_string(code), enhanced, text);
}

Protocol::Event Protocol::error(std::string_view code, std::string_view enhanced, std::string_view text)
{
    reply(code, enhanced, text);
    if (++errors_ < hard_error_limit)
        return NeedMore{};
    reply("421", "4.7.0", settings_.host_name + " Error: too many errors");
    phase_ = Phase::closed;
    return Close{};
}

Protocol::Event Protocol::feed(std::string_view input, std::size_t& consumed)
{
    consumed = 0;
    for (;;) {
        std::size_t used = 0;
        Event event = step(input.substr(consumed), used);
        consumed += used;
        // Go on while commands only produce replies: a client may pipeline many (RFC 2920).
        if (!std::holds_alternative<NeedMore>(event) || consumed >= input.size() || used == 0)
            return event;
    }
}

Protocol::Event Protocol::step(std::string_view input, std::size_t& consumed)
{
    consumed = 0;
    if (end_pending_) {
        end_pending_ = false;
        Event ended = phase_ == Phase::data ? end_of_data() : end_of_chunk();
        if (!std::holds_alternative<NeedMore>(ended))
            return ended;
        // Only replies came of it: go on with the input that follows.
    }
    switch (phase_) {
    case Phase::command: return feed_line(input, consumed);
    case Phase::data: return feed_data(input, consumed);
    case Phase::chunk: return feed_chunk(input, consumed);
    case Phase::closed: return Close{};
    case Phase::verifying_sender:
    case Phase::verifying:
    case Phase::delivering: break;   // waiting for the caller's answer
    }
    return NeedMore{};
}

Protocol::Event Protocol::feed_line(std::string_view input, std::size_t& consumed)
{
    const auto newline = input.find('\n');
    const std::string_view piece = input.substr(0, newline);
    consumed = newline == std::string_view::npos ? input.size() : newline + 1;
    if (!discarding_ && line_.size() + piece.size() > command_line_max + 1) {   // +1: the CR
        discarding_ = true;
        line_.clear();
    }
    if (!discarding_)
        line_.append(piece);
    if (newline == std::string_view::npos)
        return NeedMore{};
    if (discarding_) {
        discarding_ = false;
        return error("500", "5.5.2", "Error: line too long");
    }
    std::string line;
    line.swap(line_);
    if (line.ends_with('\r'))
        line.pop_back();
    return command(line);
}

Protocol::Event Protocol::line_too_long()
{
    if (phase_ == Phase::data) {
        if (refuse(Status::make("5.6.0", "Error: message contains a line that is too long")))
            return MessageDiscard{};
        return NeedMore{};
    }
    return error("500", "5.5.2", "Error: line too long");
}

bool Protocol::refuse(Status why)
{
    if (refused())
        return false;
    refusal_ = std::move(why);
    decoded_.clear();
    return true;
}

bool Protocol::count(std::uint64_t bytes)
{
    message_size_ += bytes;
    const auto limit = settings_.message_size_limit;
    return limit != 0 && message_size_ > limit &&
           refuse(Status::make("5.3.4", "Error: message size exceeds fixed limit of " + std::to_string(limit) + " bytes"));
}

Protocol::Event Protocol::feed_data(std::string_view input, std::size_t& consumed)
{
    decoded_.clear();
    consumed = dots_.decode(input, decoded_);
    const bool newly_refused = count(consumed);
    if (refused())
        decoded_.clear();
    end_pending_ = dots_.done();
    if (newly_refused)
        return MessageDiscard{};
    if (!decoded_.empty())
        return MessageData{decoded_};
    if (end_pending_) {
        end_pending_ = false;
        return end_of_data();
    }
    return NeedMore{};
}

Protocol::Event Protocol::end_of_data()
{
    if (!refused()) {
        phase_ = Phase::delivering;
        return MessageEnd{};
    }
    // LMTP: one reply per accepted recipient even when the content is refused (RFC 2033 4.2).
    if (!lmtp())
        send_reply(refusal_.reply, refusal_.enhanced, refusal_.text);
    else
        for (const auto& recipient : recipients_)
            send_reply(refusal_.reply, refusal_.enhanced, "<" + recipient + "> " + refusal_.text);
    return reset_transaction();
}

Protocol::Event Protocol::feed_chunk(std::string_view input, std::size_t& consumed)
{
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_remaining_, input.size()));
    consumed = take;
    chunk_remaining_ -= take;
    decoded_.clear();
    if (chunk_error_.ok()) {
        const bool newly_refused = count(take);
        if (!refused())
            chunks_.decode(input.substr(0, take), decoded_);
        if (newly_refused) {
            end_pending_ = chunk_remaining_ == 0;
            return MessageDiscard{};
        }
    }
    if (chunk_remaining_ == 0)
        return chunk_done();
    return decoded_.empty() ? Event(NeedMore{}) : Event(MessageData{decoded_});
}

Protocol::Event Protocol::chunk_done()
{
    if (chunk_last_ && chunk_error_.ok() && !refused())
        chunks_.finish(decoded_);
    if (!decoded_.empty()) {
        end_pending_ = true;
        return MessageData{decoded_};
    }
    return end_of_chunk();
}

Protocol::Event Protocol::end_of_chunk()
{
    phase_ = Phase::command;
    if (!chunk_error_.ok()) {
        const Status failed = std::exchange(chunk_error_, Status{});
        return error(std::to_string(failed.reply), failed.enhanced, failed.text);
    }
    if (refused()) {
        // The transaction is over after a refused chunk (RFC 3030 section 2); with LAST,
        // LMTP owes one reply per recipient.
        const std::size_t replies = chunk_last_ && lmtp() ? recipients_.size() : 1;
        for (std::size_t i = 0; i < replies; ++i)
            reply(std::to_string(refusal_.reply), refusal_.enhanced,
                  (chunk_last_ && lmtp() ? "<" + recipients_[i] + "> " : std::string()) + refusal_.text);
        reset_transaction();
        return NeedMore{};
    }
    if (!chunk_last_) {
        reply("250", "2.0.0", std::to_string(chunk_size_) + " octets received");
        return NeedMore{};
    }
    phase_ = Phase::delivering;
    return MessageEnd{};
}

void Protocol::recipient_delivered(const Status& status)
{
    if (phase_ != Phase::delivering || delivered_count_ >= recipients_.size())
        return;
    if (!lmtp()) {   // SMTP: one reply for the message (RFC 5321 section 4.1.1.4)
        send_reply(status.reply, status.enhanced, one_line(status.text));
        reset_transaction();
        return;
    }
    const std::string& recipient = recipients_[delivered_count_++];
    reply(std::to_string(status.reply), status.enhanced, "<" + recipient + "> " + one_line(status.text));
    if (delivered_count_ == recipients_.size())
        reset_transaction();
}

Protocol::Event Protocol::reset_transaction()
{
    const bool had_content = message_started_;
    has_mail_ = false;
    sender_.clear();
    pending_sender_.clear();
    declared_size_ = 0;
    recipients_.clear();
    mail_dsn_ = {};
    pending_mail_dsn_ = {};
    recipient_dsn_.clear();
    delivered_count_ = 0;
    message_started_ = false;
    message_size_ = 0;
    refusal_ = Status{};
    dots_.reset();
    chunks_.reset();
    end_pending_ = false;
    phase_ = Phase::command;
    if (had_content)
        return MessageDiscard{};
    return NeedMore{};
}

}  // namespace mailroom::core::smtp
