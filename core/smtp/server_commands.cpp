// core/smtp/server_commands.cpp - the SMTP and LMTP commands (RFC 5321 section 4.1.1 and
// 4.1.4 for their order; RFC 2033 section 4 for LHLO; RFC 1870 SIZE=, RFC 6152 BODY=,
// RFC 6531 SMTPUTF8, RFC 3030 BDAT, RFC 4954 section 5 AUTH=, RFC 3461 RET= ENVID= NOTIFY=
// ORCPT=). Replies carry RFC 3463 enhanced codes (RFC 2034).
#include "core/smtp/command_syntax.hpp"
#include "core/smtp/server_protocol.hpp"

#include "core/util/strings.hpp"

namespace mailroom::core::smtp {

Protocol::Event Protocol::command(std::string_view line)
{
    using Handler = Event (Protocol::*)(std::string_view);
    struct Entry {
        std::string_view verb;
        Handler handler;
    };
    static constexpr Entry table[] = {
        {"LHLO", &Protocol::cmd_lhlo}, {"MAIL", &Protocol::cmd_mail}, {"RCPT", &Protocol::cmd_rcpt},
        {"DATA", &Protocol::cmd_data}, {"BDAT", &Protocol::cmd_bdat}, {"RSET", &Protocol::cmd_rset},
        {"NOOP", &Protocol::cmd_noop}, {"QUIT", &Protocol::cmd_quit}, {"VRFY", &Protocol::cmd_vrfy},
        {"HELO", &Protocol::cmd_helo}, {"EHLO", &Protocol::cmd_ehlo}, {"HELP", &Protocol::cmd_help},
    };
    const auto space = line.find(' ');
    const std::string_view verb = line.substr(0, space);
    const std::string_view argument = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    for (const auto& entry : table)
        if (core::iequals(entry.verb, verb))
            return (this->*entry.handler)(argument);
    if (!lmtp() && (core::iequals(verb, "STARTTLS") || core::iequals(verb, "AUTH")))
        return cmd_extension(verb, argument);
    if (verb.empty())
        return error("500", "5.5.2", "Error: bad syntax");
    return error("500", "5.5.2", "Error: command not recognized");
}

Protocol::Event Protocol::cmd_lhlo(std::string_view argument)
{
    if (!lmtp())
        return error("500", "5.5.1", "Error: this is an SMTP server, use EHLO or HELO");
    return hello_done(argument, true);
}

Protocol::Event Protocol::cmd_ehlo(std::string_view argument)
{
    if (lmtp())
        return error("500", "5.5.1", "Error: this is an LMTP server, use LHLO (RFC 2033 section 4.1)");
    return hello_done(argument, true);
}

Protocol::Event Protocol::cmd_helo(std::string_view argument)
{
    if (lmtp())
        return error("500", "5.5.1", "Error: this is an LMTP server, use LHLO (RFC 2033 section 4.1)");
    return hello_done(argument, false);
}

Protocol::Event Protocol::hello_done(std::string_view argument, bool extended)
{
    const std::string_view name = core::trim(argument);
    if (name.empty())
        return error("501", "5.5.4", std::string("Syntax: ") + (lmtp() ? "LHLO" : extended ? "EHLO" : "HELO") +
                                         " hostname");
    hello_name_ = std::string(name);
    Event event = reset_transaction();   // RFC 5321 4.1.4: like RSET
    if (!extended) {
        output_ += "250 " + settings_.host_name + "\r\n";
        return event;
    }
    const auto limit = settings_.message_size_limit;
    std::vector<std::string> keywords{"PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME",
                                      "SIZE" + (limit ? " " + std::to_string(limit) : std::string()), "CHUNKING",
                                      "SMTPUTF8"};
    if (settings_.dsn)
        keywords.push_back("DSN");
    keywords.insert(keywords.end(), extra_keywords_.begin(), extra_keywords_.end());
    output_ += "250-" + settings_.host_name + "\r\n";
    for (std::size_t i = 0; i < keywords.size(); ++i)
        output_ += (i + 1 < keywords.size() ? "250-" : "250 ") + keywords[i] + "\r\n";
    return event;
}

Protocol::Event Protocol::cmd_extension(std::string_view verb, std::string_view argument)
{
    if (hello_name_.empty())
        return error("503", "5.5.1", "Error: send EHLO first");
    if (has_mail_)   // RFC 3207 section 4, RFC 4954 section 4: not inside a mail transaction
        return error("503", "5.5.1", "Error: " + core::to_upper(verb) + " not allowed during a mail transaction");
    return Extension{core::to_upper(verb), std::string(core::trim(argument))};
}

void Protocol::tls_started()
{
    reset_transaction();
    hello_name_.clear();
}

Protocol::Event Protocol::cmd_mail(std::string_view argument)
{
    if (hello_name_.empty())
        return error("503", "5.5.1", lmtp() ? "Error: send LHLO first" : "Error: send HELO/EHLO first");
    if (has_mail_)
        return error("503", "5.5.1", "Error: nested MAIL command");
    PathError why;
    auto path = parse_path_argument(argument, "FROM", why);
    if (!path)
        return error(why.enhanced == "5.1.3" ? "553" : "501", why.enhanced, why.text);
    std::uint64_t size = 0;
    MailDsn dsn;
    for (const auto& [keyword, value] : path->parameters) {
        if (settings_.dsn) {
            if (const auto taken = take_mail_parameter(dsn, keyword, value)) {
                if (!taken->empty())
                    return error("501", "5.5.4", *taken);
                continue;
            }
        }
        if (keyword == "SIZE") {
            const auto parsed = core::parse_uint(value);
            if (!parsed)
                return error("501", "5.5.4", "Error: bad SIZE syntax");
            size = *parsed;
            if (settings_.message_size_limit != 0 && size > settings_.message_size_limit)
                return error("552", "5.3.4", "Error: message size exceeds fixed limit");
        } else if (keyword == "BODY") {
            const std::string body = core::to_upper(value);
            if (body != "7BIT" && body != "8BITMIME")
                return error("501", "5.5.4", "Error: unsupported BODY value " + body);
        } else if (keyword == "AUTH" && !lmtp()) {
            // RFC 4954 section 5: the original submitter; mailroom keeps no such trust chain.
        } else if (keyword != "SMTPUTF8" || !value.empty()) {
            return error("555", "5.5.4", "Error: unsupported MAIL parameter " + keyword);
        }
    }
    if (settings_.verify_sender) {
        pending_sender_ = std::move(path->address);
        pending_size_ = size;
        pending_mail_dsn_ = std::move(dsn);
        phase_ = Phase::verifying_sender;
        return VerifySender{pending_sender_};
    }
    has_mail_ = true;
    sender_ = std::move(path->address);
    declared_size_ = size;
    mail_dsn_ = std::move(dsn);
    reply("250", "2.1.0", "Ok");
    return NeedMore{};
}

void Protocol::sender_verified(const Status& status)
{
    if (phase_ != Phase::verifying_sender)
        return;
    phase_ = Phase::command;
    if (status.ok()) {
        has_mail_ = true;
        sender_ = std::move(pending_sender_);
        declared_size_ = pending_size_;
        mail_dsn_ = std::move(pending_mail_dsn_);
        reply("250", "2.1.0", "Ok");
    } else {
        send_reply(status.reply, status.enhanced, "<" + pending_sender_ + ">: " + one_line(status.text));
    }
    pending_sender_.clear();
    pending_mail_dsn_ = {};
}

Protocol::Event Protocol::cmd_rcpt(std::string_view argument)
{
    if (!has_mail_)
        return error("503", "5.5.1", "Error: need MAIL command");
    if (message_started_)
        return error("503", "5.5.1", "Error: RCPT after BDAT");
    PathError why;
    auto path = parse_path_argument(argument, "TO", why);
    if (!path)
        return error(why.enhanced == "5.1.3" ? "553" : "501", why.enhanced, why.text);
    if (path->address.empty())
        return error("553", "5.1.3", "Error: empty recipient address");
    RcptDsn dsn;
    for (const auto& [keyword, value] : path->parameters) {
        const auto taken = settings_.dsn ? take_rcpt_parameter(dsn, keyword, value) : std::nullopt;
        if (!taken)
            return error("555", "5.5.4", "Error: unsupported RCPT parameter " + keyword);
        if (!taken->empty())
            return error("501", "5.5.4", *taken);
    }
    if (recipients_.size() >= settings_.recipient_limit) {
        reply("452", "4.5.3", "Error: too many recipients");
        return NeedMore{};
    }
    pending_recipient_ = std::move(path->address);
    pending_recipient_dsn_ = std::move(dsn);
    phase_ = Phase::verifying;
    return VerifyRecipient{pending_recipient_, declared_size_};
}

void Protocol::recipient_verified(const Status& status)
{
    if (phase_ != Phase::verifying)
        return;
    phase_ = Phase::command;
    if (status.ok()) {
        reply("250", "2.1.5", "<" + pending_recipient_ + "> " + one_line(status.text));
        recipients_.push_back(std::move(pending_recipient_));
        recipient_dsn_.push_back(std::move(pending_recipient_dsn_));
    } else {
        send_reply(status.reply, status.enhanced, "<" + pending_recipient_ + ">: " + one_line(status.text));
    }
    pending_recipient_.clear();
}

Protocol::Event Protocol::cmd_data(std::string_view argument)
{
    if (!core::trim(argument).empty())
        return error("501", "5.5.4", "Syntax: DATA");
    if (!has_mail_)
        return error("503", "5.5.1", "Error: need MAIL command");
    if (message_started_)
        return error("503", "5.5.1", "Error: DATA after BDAT");
    if (recipients_.empty())   // RFC 2033 4.2, RFC 5321 3.3: no successful RCPT, DATA fails with 503/554
        return error(lmtp() ? "503" : "554", "5.5.1", "Error: no valid recipients");
    message_started_ = true;
    phase_ = Phase::data;
    output_ += "354 End data with <CR><LF>.<CR><LF>\r\n";
    return NeedMore{};
}

Protocol::Event Protocol::cmd_bdat(std::string_view argument)
{
    const auto words = core::split_fields(core::trim(argument), ' ');
    const auto size = words.empty() ? std::nullopt : core::parse_uint(words[0]);
    const bool last = words.size() == 2 && core::iequals(words[1], "LAST");
    if (!size || words.size() > 2 || (words.size() == 2 && !last))
        return error("501", "5.5.4", "Syntax: BDAT count [LAST]");
    chunk_size_ = *size;
    chunk_remaining_ = *size;
    chunk_last_ = last;
    decoded_.clear();
    // The chunk's bytes follow the command whatever the reply: read them even to refuse.
    if (!has_mail_)
        chunk_error_ = {503, "5.5.1", "Error: need MAIL command"};
    else if (recipients_.empty())
        chunk_error_ = {503, "5.5.1", "Error: no valid recipients"};
    else
        message_started_ = true;
    phase_ = Phase::chunk;
    if (chunk_remaining_ == 0)
        return chunk_done();
    return NeedMore{};
}

Protocol::Event Protocol::cmd_rset(std::string_view)
{
    Event event = reset_transaction();
    reply("250", "2.0.0", "Ok");
    return event;
}

Protocol::Event Protocol::cmd_noop(std::string_view)
{
    reply("250", "2.0.0", "Ok");
    return NeedMore{};
}

Protocol::Event Protocol::cmd_quit(std::string_view)
{
    reply("221", "2.0.0", settings_.host_name + " closing connection");
    phase_ = Phase::closed;
    return Close{};
}

Protocol::Event Protocol::cmd_vrfy(std::string_view)
{
    // RFC 5321 3.5.3: 252 when the server will not say, but will accept mail for the name.
    reply("252", "2.0.0", "Cannot VRFY user; try RCPT to attempt delivery");
    return NeedMore{};
}

Protocol::Event Protocol::cmd_help(std::string_view)
{
    reply("214", "2.0.0", lmtp() ? "Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT"
                                 : "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT");
    return NeedMore{};
}

}  // namespace mailroom::core::smtp
