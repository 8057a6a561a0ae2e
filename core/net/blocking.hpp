// core/net/blocking.hpp - runs blocking work (fsync, directory scans, reading or rewriting a
// mailbox, running a program) on a bounded thread pool and lets a session coroutine await
// the result, so no I/O thread stalls the other sessions (architecture.md "Concurrency").
#pragma once
#include "core/net/asio.hpp"
#include "core/priv/fs_identity.hpp"

#include <boost/asio/thread_pool.hpp>

#include <type_traits>
#include <utility>

namespace mailroom::core {

class BlockingPool {
public:
    explicit BlockingPool(std::size_t threads) : pool_(threads) {}
    ~BlockingPool() { pool_.join(); }

    // Runs fn() on a pool thread; the awaiting coroutine resumes on its own executor with
    // the result (or the exception fn threw).
    template <class Fn>
    auto run(Fn fn) -> awaitable<std::invoke_result_t<Fn&>>
    {
        using Result = std::invoke_result_t<Fn&>;
        // Named, not a temporary inside the co_await expression: g++ 12 destroys such
        // temporaries twice when they own something (GCC bug 101367).
        auto task = [fn = std::move(fn)]() mutable -> awaitable<Result> { co_return fn(); };
        co_return co_await asio::co_spawn(pool_.get_executor(), std::move(task), use_awaitable);
    }

    // Runs fn() on a pool thread with the file-system identity of `who` (ScopedFsIdentity),
    // so files it creates belong to that user and the kernel checks that user's rights.
    template <class Fn>
    auto run_as(const Credentials& who, Fn fn) -> awaitable<std::invoke_result_t<Fn&>>
    {
        auto task = [who, fn = std::move(fn)]() mutable {   // named: see run()
            ScopedFsIdentity identity(who);
            return fn();
        };
        co_return co_await run(std::move(task));
    }

    void stop() { pool_.stop(); }
    void join() { pool_.join(); }

private:
    asio::thread_pool pool_;
};

}  // namespace mailroom::core
