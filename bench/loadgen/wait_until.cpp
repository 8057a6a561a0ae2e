// bench/loadgen/wait_until.cpp - polls the condition every half millisecond on a timer.
#include "wait_until.hpp"

namespace mailroom::bench {

awaitable<void> wait_until(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline)
{
    asio::steady_timer pause(co_await asio::this_coro::executor);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        pause.expires_after(std::chrono::microseconds(500));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

}  // namespace mailroom::bench
