// bench/loadgen/idle_mode.cpp - `idle`: opens --sessions IMAP sessions (at most --window
// connecting at once) that log in, SELECT and IDLE (RFC 2177); prints {"ready":..} and, with
// --wait-stdin 1, waits for a line on stdin (bench/run measures the server's memory then).
// Then delivers --deliveries messages over LMTP one by one and times, for every session, the
// delay from the end of the LMTP DATA to the "* N EXISTS" push. A push that does not come
// within --timeout seconds counts as missing (and as the timeout in the percentiles).
#include "modes.hpp"
#include "protocol.hpp"
#include "wait_until.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

namespace mailroom::bench {
namespace {

struct IdleRun {
    long in_flight = 0;
    long open = 0;
    long failed = 0;
    long lost = 0;          // sessions closed by the server after IDLE began
    std::string first_error;
    int delivery = -1;      // the delivery being waited for
    long seen = 0;          // sessions that saw it
    std::chrono::steady_clock::time_point sent;
    std::vector<double> delays;
};

awaitable<void> idle_session(const Options& options, IdleRun& run)
{
    auto client = std::make_unique<LineClient>(co_await asio::this_coro::executor);
    bool idling = false;
    try {
        co_await client->connect(static_cast<std::uint16_t>(options.number("port", 143)));
        co_await imap_open(*client, options.text("user"), options.text("password"), "INBOX");
        co_await client->send("I IDLE\r\n");
        while (!(co_await client->line()).starts_with("+"))
            ;
        idling = true;
        ++run.open;
        --run.in_flight;
        int last_seen = -1;
        for (;;) {
            const std::string line = co_await client->line();
            if (line.starts_with("* ") && line.ends_with(" EXISTS") && run.delivery > last_seen) {
                last_seen = run.delivery;
                run.delays.push_back(elapsed_ms(run.sent));
                ++run.seen;
            }
        }
    } catch (const std::exception& e) {
        if (idling) {
            ++run.lost;
            co_return;
        }
        if (run.failed++ == 0)
            run.first_error = e.what();
        --run.in_flight;
    }
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

// Delivers the messages one at a time and waits for every open session to see each.
awaitable<void> deliver_all(const Options& options, IdleRun& run)
{
    LineClient lmtp(co_await asio::this_coro::executor);
    co_await lmtp.connect(static_cast<std::uint16_t>(options.number("lmtp-port", 24)));
    co_await lmtp_hello(lmtp);
    const long deliveries = options.number("deliveries", 5);
    const auto timeout = std::chrono::seconds(options.number("timeout", 30));
    long missing = 0;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (long d = 0; d < deliveries; ++d) {
        const std::string message = "From: loadgen@example.org\r\nTo: " + options.text("rcpt") +
                                    "\r\nSubject: push " + std::to_string(d) + "\r\n\r\nIDLE push test\r\n";
        run.seen = 0;
        run.delivery = static_cast<int>(d);
        run.sent = std::chrono::steady_clock::now();
        co_await lmtp_send(lmtp, "loadgen@example.org", options.text("rcpt"), message);
        const long expected = run.open - run.lost;
        co_await wait_until([&] { return run.seen >= expected; }, run.sent + timeout);
        missing += std::max(0L, expected - run.seen);
        for (long m = run.seen; m < expected; ++m)
            run.delays.push_back(std::chrono::duration<double, std::milli>(timeout).count());
        pause.expires_after(std::chrono::milliseconds(200));
        co_await pause.async_wait(asio::use_awaitable);
    }
    std::cout << "{\"sessions\":" << run.open << ",\"failed\":" << run.failed << ",\"lost\":" << run.lost
              << ",\"deliveries\":" << deliveries << ",\"missing\":" << missing
              << ",\"p50_ms\":" << percentile(run.delays, 50) << ",\"p99_ms\":" << percentile(run.delays, 99)
              << ",\"max_ms\":" << percentile(run.delays, 100) << "}" << std::endl;
}

awaitable<void> drive(const Options& options, IdleRun& run, asio::io_context& io)
{
    const long sessions = options.number("sessions", 100);
    const long window = options.number("window", 64);
    const auto start = std::chrono::steady_clock::now();
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (long i = 0; i < sessions; ++i) {
        while (run.in_flight >= window) {
            pause.expires_after(std::chrono::microseconds(200));
            co_await pause.async_wait(asio::use_awaitable);
        }
        ++run.in_flight;
        asio::co_spawn(io, idle_session(options, run), asio::detached);
    }
    const auto far = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    co_await wait_until([&] { return run.open + run.failed == sessions; }, far);
    std::cout << "{\"ready\":" << run.open << ",\"failed\":" << run.failed << ",\"open_s\":" << elapsed_ms(start) / 1000
              << "}" << std::endl;
    if (!run.first_error.empty())
        std::cerr << "idle: first failure: " << run.first_error << "\n";
    if (options.number("wait-stdin", 0) != 0) {
        std::string line;
        std::getline(std::cin, line);
    }
    co_await deliver_all(options, run);
}

}  // namespace

int idle_mode(const Options& options)
{
    asio::io_context io;
    IdleRun run;
    std::exception_ptr failure;
    asio::co_spawn(io, drive(options, run, io), [&](std::exception_ptr e) {
        failure = e;
        io.stop();   // the idle sessions would wait forever
    });
    io.run();
    if (failure)
        std::rethrow_exception(failure);
    return run.failed == 0 ? 0 : 1;
}

}  // namespace mailroom::bench
