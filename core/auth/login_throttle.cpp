// core/auth/login_throttle.cpp - per-address failed-login delay (see login_throttle.hpp).
#include "core/auth/login_throttle.hpp"

#include <algorithm>

namespace mailroom::core {

LoginThrottle::LoginThrottle(std::chrono::milliseconds base_delay, std::chrono::milliseconds max_delay,
                             std::size_t max_tracked)
    : base_delay_(base_delay), max_delay_(std::max(base_delay, max_delay)), max_tracked_(max_tracked)
{
}

std::chrono::milliseconds LoginThrottle::record_failure(const std::string& client, Clock::time_point now)
{
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_tracked_)
        evict_old(now);
    if (entries_.size() >= max_tracked_)
        entries_.clear();   // under a flood of addresses: start over rather than grow without bound
    Entry& entry = entries_[client];
    if (entry.failures > 0 && now - entry.last > forget_after())
        entry.failures = 0;
    entry.failures = std::min(entry.failures + 1, 30u);
    entry.last = now;
    auto delay = base_delay_;
    for (unsigned i = 1; i < entry.failures && delay < max_delay_; ++i)
        delay *= 2;
    return std::min(delay, max_delay_);
}

void LoginThrottle::record_success(const std::string& client)
{
    std::lock_guard lock(mutex_);
    entries_.erase(client);
}

std::size_t LoginThrottle::tracked() const
{
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void LoginThrottle::evict_old(Clock::time_point now)
{
    std::erase_if(entries_, [&](const auto& item) { return now - item.second.last > forget_after(); });
}

}  // namespace mailroom::core
