// pop3/login_delay.hpp - RFC 2449 section 6.5 LOGIN-DELAY: the minimum time between two
// logins of the same user. The last successful login of each user is remembered by the daemon
// (all of its POP3 sessions share one LoginDelay; a restart forgets); pop3_login_delay sets the
// delay, which a configuration reload may change.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mailroom::pop3 {

class LoginDelay {
public:
    using Clock = std::chrono::steady_clock;

    // true, and the login is recorded, when `user` last logged in at least `delay` ago (or
    // never); false leaves the record as it was. Always true when the delay is 0.
    bool admit(const std::string& user, std::chrono::seconds delay, Clock::time_point now = Clock::now());

private:
    void forget_old(std::chrono::seconds delay, Clock::time_point now);

    std::mutex mutex_;
    std::unordered_map<std::string, Clock::time_point> last_login_;
    std::size_t prune_at_ = 1024;   // the map's size at which records older than the delay go
};

}  // namespace mailroom::pop3
