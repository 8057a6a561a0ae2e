// delivery/trace_headers.cpp - Return-Path, Delivered-To, Received, From_ (see trace_headers.hpp).
#include "delivery/trace_headers.hpp"

#include "core/util/strings.hpp"
#include "delivery/status.hpp"

#include <algorithm>
#include <ctime>

namespace mailroom::delivery {

std::string return_path_header(std::string_view sender) { return "Return-Path: <" + std::string(sender) + ">\n"; }

std::string delivered_to_header(std::string_view address) { return "Delivered-To: " + std::string(address) + "\n"; }

std::string rfc5322_date(std::time_t when)
{
    std::tm local{};
    ::localtime_r(&when, &local);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S %z", &local);
    return text;
}

std::string received_header(const TraceInfo& trace, std::string_view recipient)
{
    std::string header = "Received: ";
    if (!trace.client_address.empty()) {
        const std::string helo = one_line(trace.client_helo, 100);
        header += "from " + (helo.empty() ? std::string("unknown") : helo) + " (" +
                  (trace.client_address == "unix" ? std::string("unix socket") : "[" + trace.client_address + "]") +
                  ")\n\t";
    }
    header += "by " + trace.my_hostname + " (mailroom) with " + trace.protocol + " id " + trace.queue_id;
    if (!recipient.empty())
        header += "\n\tfor <" + one_line(recipient, 300) + ">";
    header += "; " + rfc5322_date(trace.arrival) + "\n";
    return header;
}

std::string from_line(std::string_view sender, std::time_t when)
{
    std::tm local{};
    ::localtime_r(&when, &local);
    char date[32];
    std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &local);
    return "From " + (sender.empty() ? std::string("MAILER-DAEMON") : std::string(sender)) + "  " + date + "\n";
}

bool has_leading_trace_line(std::string_view message, std::string_view line)
{
    constexpr std::string_view trace_fields[] = {"return-path:", "delivered-to:", "x-original-to:", "received:"};
    while (!message.empty()) {
        const auto end = message.find('\n');
        std::string_view current = message.substr(0, end);
        if (current.ends_with('\r'))
            current.remove_suffix(1);
        const bool continuation = current.starts_with(' ') || current.starts_with('\t');
        const bool trace = std::ranges::any_of(trace_fields, [&](std::string_view f) { return core::istarts_with(current, f); });
        if (current.empty() || (!continuation && !trace))
            return false;
        if (core::iequals(current, line))
            return true;
        if (end == std::string_view::npos)
            return false;
        message.remove_prefix(end + 1);
    }
    return false;
}

std::set<std::string, std::less<>> delivered_to_addresses(std::string_view message)
{
    constexpr std::string_view field = "delivered-to:";
    std::set<std::string, std::less<>> found;
    std::size_t pos = 0;
    while (pos < message.size()) {
        const auto end = message.find('\n', pos);
        std::string_view line = message.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (line.empty())
            break;   // end of the header section
        if (core::istarts_with(line, field)) {
            // Continuation lines of a folded value belong to it.
            std::string value(line.substr(field.size()));
            std::size_t next = end == std::string_view::npos ? message.size() : end + 1;
            while (next < message.size() && (message[next] == ' ' || message[next] == '\t')) {
                const auto more = message.find('\n', next);
                value += message.substr(next, more == std::string_view::npos ? std::string_view::npos : more - next);
                next = more == std::string_view::npos ? message.size() : more + 1;
            }
            found.insert(core::to_lower(core::trim(value)));
        }
        if (end == std::string_view::npos)
            break;
        pos = end + 1;
    }
    return found;
}

}  // namespace mailroom::delivery
