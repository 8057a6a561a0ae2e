// imap/idle_loop.cpp - IDLE (RFC 2177): after "+ idling" the session waits for either the
// client's DONE or a change to the selected mailbox, pushed by MailboxView::subscribe() (the
// store's own changes at once, other processes' through inotify); unwatched mailboxes are
// polled every imap_idle_poll_interval. "* OK Still here" every imap_idle_notify_interval
// keeps NAT boxes from dropping the connection.
#include "core/util/strings.hpp"
#include "imap/session_io.hpp"

namespace mailroom::imap {
namespace {

using core::awaitable;
using Clock = std::chrono::steady_clock;
using namespace boost::asio::experimental::awaitable_operators;

// Wakes the waiting session from whatever thread the store calls back on: the flag and the
// timer are only touched on the session's executor.
struct IdleWaker {
    explicit IdleWaker(core::asio::any_io_executor executor) : executor(executor), timer(executor) {}
    core::asio::any_io_executor executor;
    core::asio::steady_timer timer;
    bool pending = false;
};

std::function<void()> wake_callback(const std::shared_ptr<IdleWaker>& waker)
{
    return [weak = std::weak_ptr<IdleWaker>(waker)] {
        if (auto strong = weak.lock())
            core::asio::post(strong->executor, [strong] {
                strong->pending = true;
                strong->timer.cancel();
            });
    };
}

}  // namespace

awaitable<void> SessionIo::report_changes()
{
    co_await in_store([&] {
        std::string error;
        if (SelectedMailbox* box = session_.selected())
            box->report_changes(session_.out(), session_.condstore(), error);
        if (!error.empty())
            session_.log().warning("mailbox synchronization failed: " + error);
        return true;
    });
}

awaitable<bool> SessionIo::idle(const Command& command, Reply& reply)
{
    append_continuation(session_.out(), "idling");
    co_await send(true);
    auto waker = std::make_shared<IdleWaker>(conn_->executor());
    struct Subscription {
        std::uint64_t id = 0;
        bool watched = true;
    };
    const Subscription subscription = co_await in_store([&] {
        SelectedMailbox* box = session_.selected();
        if (!box)
            return Subscription{};
        return Subscription{box->view().subscribe(wake_callback(waker)), box->view().watched()};
    });
    const auto& settings = session_.settings();
    Clock::time_point last_output = Clock::now();
    bool done = false, open = true;
    // Changes that arrived between the command and the subscription.
    co_await report_changes();
    while (!done && open) {
        if (waker->pending) {
            waker->pending = false;
            co_await report_changes();
        }
        if (!session_.out().empty()) {
            co_await send(true);
            last_output = Clock::now();
        }
        auto wake_at = last_output + settings.idle_notify_interval;
        if (!subscription.watched && session_.selected())
            wake_at = std::min(wake_at, Clock::now() + settings.idle_poll_interval);
        // Hours may pass here: keep no buffers of our own either.
        std::string().swap(session_.out());
        std::string().swap(pending_);
        waker->timer.expires_at(wake_at);
        auto woke = co_await (conn_->wait_readable() ||
                              waker->timer.async_wait(core::asio::as_tuple(core::use_awaitable)));
        if (woke.index() == 0) {
            std::string_view line;
            if (!std::get<0>(woke) ||
                co_await conn_->read_line(line, settings.line_max) != core::Connection::ReadStatus::ok) {
                open = false;
                break;
            }
            done = true;
            if (!core::iequals(core::trim(line), "DONE"))
                reply = Reply::bad("Expected DONE.");
        } else if (!waker->pending) {
            if (Clock::now() >= last_output + settings.idle_notify_interval)
                session_.out() += "* OK Still here\r\n";
            if (!subscription.watched)
                waker->pending = true;   // poll
        }
    }
    if (subscription.id)
        co_await in_store([&] {
            if (SelectedMailbox* box = session_.selected())
                box->view().unsubscribe(subscription.id);
            return true;
        });
    if (!open) {
        end_reason_ = conn_->timed_out() ? "timeout" : conn_->shutdown_requested() ? "shutdown" : "connection closed";
        co_return false;
    }
    reply.action = Action::none;
    co_await in_store([&] {
        complete_command(session_, command, reply);
        return true;
    });
    co_await send(false);
    co_return true;
}

}  // namespace mailroom::imap
