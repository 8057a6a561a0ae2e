// core/runtime/runtime.hpp - what every service of a running mailroomd shares: the current
// configuration snapshot and users database (swapped atomically on SIGHUP; a session keeps
// the snapshot it started with), the blocking-work pools and the failed-login throttle.
#pragma once
#include "core/auth/login_throttle.hpp"
#include "core/auth/user_database.hpp"
#include "core/config/config.hpp"
#include "core/net/blocking.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace mailroom::core {

struct RuntimeSnapshot {
    std::shared_ptr<const Config> config;
    std::shared_ptr<UserDatabase> users;
};

// Opens the users database named by the configuration; null and `error` on failure.
std::shared_ptr<const RuntimeSnapshot> make_runtime_snapshot(std::shared_ptr<const Config> config,
                                                             std::string& error);

class Runtime {
public:
    explicit Runtime(std::shared_ptr<const RuntimeSnapshot> initial);

    std::shared_ptr<const RuntimeSnapshot> snapshot() const;
    void replace(std::shared_ptr<const RuntimeSnapshot> next);

    // Threads start here, after the daemon has forked into the background.
    void start_threads();
    BlockingPool& blocking() { return *blocking_; }
    // The lane of LMTP deliveries (delivery_threads); the blocking pool when that is 0.
    BlockingPool& delivery_blocking() { return delivery_ ? *delivery_ : *blocking_; }
    void join_threads();
    LoginThrottle& throttle() { return *throttle_; }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const RuntimeSnapshot> current_;
    std::unique_ptr<BlockingPool> blocking_;
    std::unique_ptr<BlockingPool> delivery_;
    std::unique_ptr<LoginThrottle> throttle_;
};

}  // namespace mailroom::core
