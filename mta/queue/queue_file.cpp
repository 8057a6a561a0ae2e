// mta/queue/queue_file.cpp - the queue file's envelope records (see queue_file.hpp).
#include "mta/queue/queue_file.hpp"

#include "core/util/strings.hpp"

namespace mailroom::mta {
namespace {

constexpr std::string_view magic = "mailroom-queue 1\n";

bool safe_value(std::string_view value) { return value.find_first_of("\r\n") == std::string_view::npos; }

std::string ret_text(core::smtp::DsnReturn ret) { return ret == core::smtp::DsnReturn::full ? "FULL" : "HDRS"; }

}  // namespace

std::string format_envelope(const Envelope& envelope)
{
    if (!safe_value(envelope.sender) || !safe_value(envelope.client))
        throw QueueError("queue file " + envelope.id + ": line break in an envelope field");
    std::string out(magic);
    out += "id " + envelope.id + "\n";
    out += "arrival " + std::to_string(envelope.arrival) + "\n";
    out += "client " + envelope.client + "\n";
    out += "sender " + envelope.sender + "\n";
    if (!envelope.handoff.empty())
        out += "handoff " + envelope.handoff + "\n";
    out += envelope.warned ? "warned Y\n" : "warned N\n";
    if (envelope.dsn.ret != core::smtp::DsnReturn::unspecified)
        out += "ret " + ret_text(envelope.dsn.ret) + "\n";
    if (!envelope.dsn.envid.empty())
        out += "envid " + core::smtp::xtext_encode(envelope.dsn.envid) + "\n";
    for (const auto& recipient : envelope.recipients) {
        if (!safe_value(recipient.address) || !safe_value(recipient.dsn.orcpt_type))
            throw QueueError("queue file " + envelope.id + ": line break in a recipient");
        out += "rcpt ";
        out += static_cast<char>(recipient.state);
        out += " " + recipient.address + "\n";
        if (recipient.dsn.notify != 0)
            out += "notify " + core::smtp::notify_text(recipient.dsn.notify) + "\n";
        if (!recipient.dsn.orcpt_type.empty())
            out += "orcpt " + recipient.dsn.orcpt_type + ";" + core::smtp::xtext_encode(recipient.dsn.orcpt) + "\n";
    }
    out += "data\n";
    return out;
}

Envelope parse_envelope(std::string_view file, std::string_view path, std::uint64_t& data_offset)
{
    const auto fail = [&](std::string_view why) { return QueueError("queue file " + std::string(path) + ": " + std::string(why)); };
    if (!file.starts_with(magic))
        throw fail("not a mailroom queue file");
    Envelope envelope;
    std::size_t pos = magic.size();
    for (;;) {
        const std::size_t end = file.find('\n', pos);
        if (end == std::string_view::npos)
            throw fail("envelope ends before the message (truncated file)");
        const std::string_view line = file.substr(pos, end - pos);
        const std::size_t line_start = pos;
        pos = end + 1;
        if (line == "data")
            break;
        const auto space = line.find(' ');
        const std::string_view key = line.substr(0, space);
        const std::string_view value = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        if (key == "id")
            envelope.id = value;
        else if (key == "arrival") {
            const auto parsed = core::parse_uint(value);
            if (!parsed)
                throw fail("bad arrival time \"" + std::string(value) + "\"");
            envelope.arrival = static_cast<std::time_t>(*parsed);
        } else if (key == "client")
            envelope.client = value;
        else if (key == "sender")
            envelope.sender = value;
        else if (key == "handoff")
            envelope.handoff = value;
        else if (key == "warned") {
            if (value != "Y" && value != "N")
                throw fail("bad warned record \"" + std::string(line) + "\"");
            envelope.warned = value == "Y";
            envelope.warned_offset = line_start + 7;
        }
        else if (key == "ret") {
            if (value != "FULL" && value != "HDRS")
                throw fail("bad ret record \"" + std::string(line) + "\"");
            envelope.dsn.ret = value == "FULL" ? core::smtp::DsnReturn::full : core::smtp::DsnReturn::headers;
        } else if (key == "envid") {
            const auto decoded = core::smtp::xtext_decode(value);
            if (!decoded || decoded->empty())
                throw fail("bad envid record \"" + std::string(line) + "\"");
            envelope.dsn.envid = *decoded;
        } else if (key == "notify") {
            const auto notify = core::smtp::parse_notify(value);
            if (envelope.recipients.empty() || !notify || *notify == 0)
                throw fail("bad notify record \"" + std::string(line) + "\"");
            envelope.recipients.back().dsn.notify = *notify;
        } else if (key == "orcpt") {
            // The ORCPT value as RFC 3461 4.2 sends it: addr-type ";" xtext.
            const auto semicolon = value.find(';');
            const auto address = semicolon == std::string_view::npos ? std::nullopt
                                                                     : core::smtp::xtext_decode(value.substr(semicolon + 1));
            if (envelope.recipients.empty() || semicolon == 0 || !address)
                throw fail("bad orcpt record \"" + std::string(line) + "\"");
            envelope.recipients.back().dsn.orcpt_type = value.substr(0, semicolon);
            envelope.recipients.back().dsn.orcpt = *address;
        } else if (key == "rcpt") {
            const char state = value.empty() ? '\0' : value.front();
            if (value.size() < 3 || value[1] != ' ' || (state != 'P' && state != 'D' && state != 'B'))
                throw fail("bad recipient record \"" + std::string(line) + "\"");
            envelope.recipients.push_back({std::string(value.substr(2)), static_cast<RecipientState>(state),
                                           line_start + 5});
        } else
            throw fail("unknown record \"" + std::string(key) + "\"");
    }
    if (envelope.id.empty() || envelope.recipients.empty())
        throw fail("envelope without id or recipients");
    data_offset = pos;
    return envelope;
}

}  // namespace mailroom::mta
