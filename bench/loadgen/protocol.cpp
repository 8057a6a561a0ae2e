// bench/loadgen/protocol.cpp - IMAP, POP3 and LMTP client exchanges (see protocol.hpp).
#include "protocol.hpp"

#include <charconv>

namespace mailroom::bench {
namespace {

// "... {123}" or "... {123+}": the literal's size, or npos when the line announces none.
std::size_t literal_size(std::string_view line)
{
    if (line.empty() || line.back() != '}')
        return std::string_view::npos;
    const std::size_t open = line.rfind('{');
    if (open == std::string_view::npos)
        return std::string_view::npos;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+')
        digits.remove_suffix(1);
    std::size_t n = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (error != std::errc{} || end != digits.data() + digits.size())
        return std::string_view::npos;
    return n;
}

awaitable<std::string> smtp_reply(LineClient& client, char expected)
{
    for (;;) {
        std::string line = co_await client.line();
        if (line.size() >= 4 && line[3] == '-')
            continue;
        if (line.empty() || line[0] != expected)
            throw ProtocolError("LMTP: " + line);
        co_return line;
    }
}

}  // namespace

awaitable<std::string> imap_command(LineClient& client, std::string_view tag, std::string_view command,
                                    const std::function<void(std::string_view)>& untagged)
{
    std::string request;
    request.append(tag).append(" ").append(command).append("\r\n");
    co_await client.send(request);
    const std::string prefix = std::string(tag) + " ";
    for (;;) {
        std::string line = co_await client.line();
        if (line.starts_with(prefix)) {
            if (line.compare(prefix.size(), 3, "OK ") != 0)
                throw ProtocolError("IMAP " + std::string(command) + ": " + line);
            co_return line;
        }
        if (untagged)
            untagged(line);
        for (std::size_t n = literal_size(line); n != std::string_view::npos; n = literal_size(line)) {
            co_await client.skip(n);
            line = co_await client.line();
        }
    }
}

awaitable<void> imap_open(LineClient& client, std::string_view user, std::string_view password,
                          std::string_view mailbox)
{
    const std::string greeting = co_await client.line();
    if (!greeting.starts_with("* OK"))
        throw ProtocolError("IMAP greeting: " + greeting);
    co_await imap_command(client, "L", "LOGIN " + std::string(user) + " " + std::string(password));
    co_await imap_command(client, "S", "SELECT " + std::string(mailbox));
}

awaitable<std::string> pop3_ok(LineClient& client)
{
    std::string line = co_await client.line();
    if (!line.starts_with("+OK"))
        throw ProtocolError("POP3: " + line);
    co_return line;
}

awaitable<std::size_t> pop3_multiline(LineClient& client)
{
    co_await pop3_ok(client);
    std::size_t lines = 0;
    for (;;) {
        const std::string line = co_await client.line();
        if (line == ".")
            co_return lines;
        ++lines;
    }
}

awaitable<void> pop3_login(LineClient& client, std::string_view user, std::string_view password)
{
    co_await pop3_ok(client);
    co_await client.send("USER " + std::string(user) + "\r\n");
    co_await pop3_ok(client);
    co_await client.send("PASS " + std::string(password) + "\r\n");
    co_await pop3_ok(client);
}

awaitable<void> lmtp_hello(LineClient& client)
{
    co_await smtp_reply(client, '2');
    co_await client.send("LHLO loadgen.example.org\r\n");
    co_await smtp_reply(client, '2');
}

awaitable<void> lmtp_send(LineClient& client, std::string_view sender, std::string_view recipient,
                          std::string_view message_crlf)
{
    co_await client.send("MAIL FROM:<" + std::string(sender) + ">\r\nRCPT TO:<" + std::string(recipient) +
                         ">\r\nDATA\r\n");
    co_await smtp_reply(client, '2');
    co_await smtp_reply(client, '2');
    co_await smtp_reply(client, '3');
    co_await client.send(message_crlf);
    co_await client.send(".\r\n");
    co_await smtp_reply(client, '2');
}

}  // namespace mailroom::bench
