// core/auth/login_throttle.hpp - a growing delay for failed logins per client address, so
// password guessing gets slower with every miss (like Dovecot's auth_failure_delay, but
// doubling per consecutive failure up to a ceiling). Memory is bounded.
#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mailroom::core {

class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;

    LoginThrottle(std::chrono::milliseconds base_delay, std::chrono::milliseconds max_delay,
                  std::size_t max_tracked = 100000);

    // Records a failure and returns how long to wait before answering it:
    // base, 2*base, 4*base, ... up to max_delay. Failures older than forget_after() no longer count.
    std::chrono::milliseconds record_failure(const std::string& client, Clock::time_point now = Clock::now());
    // A success forgets the address's failures.
    void record_success(const std::string& client);
    std::size_t tracked() const;

    std::chrono::milliseconds forget_after() const { return max_delay_ * 10; }

private:
    struct Entry {
        unsigned failures = 0;
        Clock::time_point last;
    };
    void evict_old(Clock::time_point now);

    std::chrono::milliseconds base_delay_;
    std::chrono::milliseconds max_delay_;
    std::size_t max_tracked_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mailroom::core
