// core/runtime/runtime.cpp - the shared, reloadable state of a running daemon (see runtime.hpp).
#include "core/runtime/runtime.hpp"

namespace mailroom::core {

std::shared_ptr<const RuntimeSnapshot> make_runtime_snapshot(std::shared_ptr<const Config> config,
                                                             std::string& error)
{
    auto snapshot = std::make_shared<RuntimeSnapshot>();
    UserDatabaseOptions options;
    options.local_part_case_sensitive = config->get_bool("local_part_case_sensitive");
    std::string why;
    snapshot->users = open_user_database(config->get("user_database"), options, why);
    if (!snapshot->users) {
        error = config->origin("user_database") + ": user_database: " + why;
        return nullptr;
    }
    snapshot->config = std::move(config);
    return snapshot;
}

Runtime::Runtime(std::shared_ptr<const RuntimeSnapshot> initial) : current_(std::move(initial))
{
    const Config& config = *current_->config;
    throttle_ = std::make_unique<LoginThrottle>(config.get_time("login_failure_delay"),
                                                config.get_time("login_failure_delay_max"));
}

std::shared_ptr<const RuntimeSnapshot> Runtime::snapshot() const
{
    std::lock_guard lock(mutex_);
    return current_;
}

void Runtime::replace(std::shared_ptr<const RuntimeSnapshot> next)
{
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
}

void Runtime::start_threads()
{
    const Config& config = *snapshot()->config;
    const auto threads = config.get_number("blocking_threads");
    blocking_ = std::make_unique<BlockingPool>(threads == 0 ? 1 : threads);
    // Deliveries wait on fsync, IMAP and POP3 work mostly on the CPU: in one FIFO pool a
    // delivery queues behind every session's pending step (docs/performance.md, "Deliveries
    // under IMAP load").
    if (const auto delivery_threads = config.get_number("delivery_threads"); delivery_threads > 0)
        delivery_ = std::make_unique<BlockingPool>(delivery_threads);
}

void Runtime::join_threads()
{
    if (delivery_)
        delivery_->join();
    blocking_->join();
}

}  // namespace mailroom::core
