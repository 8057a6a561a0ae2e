// bench/loadgen/protocol.hpp - the few IMAP (RFC 3501) and POP3 (RFC 1939) exchanges the load
// generator needs: tagged commands whose responses may carry literals, LOGIN + SELECT, POP3
// single-line and multi-line replies, and a minimal LMTP (RFC 2033) transaction.
#pragma once
#include "line_client.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mailroom::bench {

struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Sends "TAG COMMAND" and reads up to the tagged reply; every untagged line (literals skipped)
// goes to `untagged` when given. Throws ProtocolError unless the reply is OK.
awaitable<std::string> imap_command(LineClient& client, std::string_view tag, std::string_view command,
                                    const std::function<void(std::string_view)>& untagged = {});
// Reads the greeting, logs in and selects `mailbox` (SELECT unless `examine`).
awaitable<void> imap_open(LineClient& client, std::string_view user, std::string_view password,
                          std::string_view mailbox);

// POP3: one "+OK" line (throws on "-ERR"); a multi-line reply up to ".", with its line count.
awaitable<std::string> pop3_ok(LineClient& client);
awaitable<std::size_t> pop3_multiline(LineClient& client);
awaitable<void> pop3_login(LineClient& client, std::string_view user, std::string_view password);

// One LMTP transaction (LHLO once per connection is the caller's business: lmtp_hello).
awaitable<void> lmtp_hello(LineClient& client);
awaitable<void> lmtp_send(LineClient& client, std::string_view sender, std::string_view recipient,
                          std::string_view message_crlf);

}  // namespace mailroom::bench
