// delivery/delivery_log.hpp - the per-recipient log line in Postfix's format (the Postfix
// book's chapter 13 examples; issue 2): "to=<rich@example.com>, orig_to=<rich+lists@
// example.com>, relay=local, delay=0.04, dsn=2.0.0, status=sent (delivered to maildir)".
#pragma once
#include "delivery/status.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace mailroom::delivery {

// "sent", "deferred" or "bounced".
std::string_view status_word(const Status& status);

// "0.04", "1.2", "12" (two significant decimals below ten seconds, like Postfix).
std::string format_delay(std::chrono::steady_clock::duration delay);

// orig_to is left out when empty or the same address as `to`.
std::string delivery_log_line(std::string_view to, std::string_view orig_to, std::string_view relay,
                              std::chrono::steady_clock::duration delay, const Status& status);

}  // namespace mailroom::delivery
