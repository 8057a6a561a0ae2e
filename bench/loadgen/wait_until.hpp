// bench/loadgen/wait_until.hpp - waits on the load generator's io_context (without blocking the
// other clients) until a condition over shared counters holds or a deadline passes.
#pragma once
#include "line_client.hpp"

#include <chrono>
#include <functional>

namespace mailroom::bench {

awaitable<void> wait_until(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline);

}  // namespace mailroom::bench
