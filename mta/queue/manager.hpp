// mta/queue/manager.hpp - the queue manager inside mailroomd (the Postfix book, chapter 5,
// qmgr): picks due messages from active/ and deferred/, hands local recipients to the
// delivery service over LMTP and remote ones to relayhost over SMTP, records each
// recipient's outcome in the queue file, defers with back-off (minimal_backoff_time growing
// with the message's age up to maximal_backoff_time), and bounces with an RFC 3464 DSN on 5xx
// or after maximal_queue_lifetime - never to the null sender -, and sends the delay warnings
// and success notices RFC 3461's NOTIFY asks for (dsn.hpp). Up to default_process_limit
// messages are delivered at once, each by its own coroutine on the manager's strand, over
// connections the connection cache keeps open between messages.
#pragma once
#include "core/net/asio.hpp"
#include "core/runtime/runtime.hpp"
#include "mta/client/connection_cache.hpp"
#include "mta/queue/queue_directory.hpp"

#include <boost/asio/strand.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <set>

namespace mailroom::mta {

class QueueManager : public std::enable_shared_from_this<QueueManager> {
public:
    QueueManager(core::Runtime& runtime, std::filesystem::path root) : runtime_(runtime), queue_(std::move(root)) {}

    const QueueDirectory& queue() const { return queue_; }

    // Starts the loop on `io`; it runs until stop(). The queue must be prepare()d already.
    void start(core::asio::io_context& io);
    void stop();
    // A message was queued: run soon (any thread).
    void wake();

    // The file whose existence asks a running manager for a queue run (mailroom queue flush).
    static std::filesystem::path flush_request(const std::filesystem::path& root) { return root / "flush"; }

private:
    core::awaitable<void> run();
    core::awaitable<void> run_queue();
    // One message's delivery attempt, as one of the concurrent deliveries.
    core::awaitable<void> deliver(std::string id);
    core::awaitable<void> process(const std::string& id);

    core::Runtime& runtime_;
    QueueDirectory queue_;
    std::optional<core::asio::strand<core::asio::io_context::executor_type>> strand_;
    std::unique_ptr<core::asio::steady_timer> timer_;        // the loop's wait; wake() cancels it
    std::unique_ptr<core::asio::steady_timer> slot_timer_;   // waiting for a free delivery slot
    ConnectionCache connections_;
    std::set<std::string> in_flight_;                        // ids being delivered now
    std::atomic<bool> wanted_{true};
    std::atomic<bool> stopping_{false};
};

// Back-off after a temporary failure of a message `age` seconds old: the age itself, kept
// between the minimum and the maximum, so the interval doubles with every retry.
std::time_t backoff_delay(std::time_t age, std::time_t minimum, std::time_t maximum);

}  // namespace mailroom::mta
