// delivery/delivery_log.cpp - Postfix-style delivery log lines (see delivery_log.hpp).
#include "delivery/delivery_log.hpp"

#include "core/util/strings.hpp"

#include <cstdio>

namespace mailroom::delivery {

std::string_view status_word(const Status& status)
{
    return status.ok() ? "sent" : status.temporary() ? "deferred" : "bounced";
}

std::string format_delay(std::chrono::steady_clock::duration delay)
{
    const double seconds = std::chrono::duration<double>(delay).count();
    char text[32];
    if (seconds >= 10)
        std::snprintf(text, sizeof text, "%.0f", seconds);
    else if (seconds >= 1)
        std::snprintf(text, sizeof text, "%.1f", seconds);
    else
        std::snprintf(text, sizeof text, "%.2f", seconds);
    return text;
}

std::string delivery_log_line(std::string_view to, std::string_view orig_to, std::string_view relay,
                              std::chrono::steady_clock::duration delay, const Status& status)
{
    std::string line = "to=<" + std::string(to) + ">";
    if (!orig_to.empty() && !core::iequals(orig_to, to))
        line += ", orig_to=<" + std::string(orig_to) + ">";
    line += ", relay=" + std::string(relay) + ", delay=" + format_delay(delay) + ", dsn=" + status.enhanced +
            ", status=" + std::string(status_word(status)) + " (" + one_line(status.text) + ")";
    return line;
}

}  // namespace mailroom::delivery
