// pop3/login_delay.cpp - the LOGIN-DELAY record of last logins (see login_delay.hpp).
#include "pop3/login_delay.hpp"

#include <algorithm>

namespace mailroom::pop3 {

bool LoginDelay::admit(const std::string& user, std::chrono::seconds delay, Clock::time_point now)
{
    if (delay.count() == 0)
        return true;
    std::lock_guard lock(mutex_);
    const auto [it, inserted] = last_login_.try_emplace(user, now);
    if (!inserted) {
        if (now - it->second < delay)
            return false;
        it->second = now;
    }
    if (last_login_.size() >= prune_at_)
        forget_old(delay, now);
    return true;
}

// Keeps the map at the size of the users who logged in within the delay: a record older than
// that no longer refuses anyone.
void LoginDelay::forget_old(std::chrono::seconds delay, Clock::time_point now)
{
    std::erase_if(last_login_, [&](const auto& entry) { return now - entry.second >= delay; });
    prune_at_ = std::max<std::size_t>(1024, 2 * last_login_.size());
}

}  // namespace mailroom::pop3
