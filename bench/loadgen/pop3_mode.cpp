// bench/loadgen/pop3_mode.cpp - `pop3-retr`: STAT, UIDL and RETR of every message of one
// maildrop, one command at a time as a downloading client does (RFC 1939); nothing deleted.
// `pop3-logins`: --sessions concurrent connections (at most --window connecting at once),
// each USER/PASS (users --user-prefix0 .. N-1 of --users), STAT, QUIT. With --hold 1 every
// session stays logged in after STAT until all are: it prints {"ready":..} and waits for a line
// on stdin (bench/run measures the server's memory then) before the QUITs.
#include "modes.hpp"
#include "protocol.hpp"
#include "wait_until.hpp"

#include <iostream>

namespace mailroom::bench {
namespace {

awaitable<void> retr_all(const Options& options, std::size_t& messages, std::uint64_t& bytes)
{
    LineClient client(co_await asio::this_coro::executor);
    co_await client.connect(static_cast<std::uint16_t>(options.number("port", 110)));
    co_await pop3_login(client, options.text("user"), options.text("password"));
    co_await client.send("STAT\r\n");
    const std::string stat = co_await pop3_ok(client);   // "+OK count size"
    messages = std::stoul(stat.substr(4));
    co_await client.send("UIDL\r\n");
    if (co_await pop3_multiline(client) != messages)
        throw ProtocolError("UIDL listed another count than STAT");
    for (std::size_t i = 1; i <= messages; ++i) {
        co_await client.send("RETR " + std::to_string(i) + "\r\n");
        co_await pop3_multiline(client);
    }
    co_await client.send("QUIT\r\n");
    co_await pop3_ok(client);
    bytes = client.bytes_read();
}

struct LoginRun {
    long in_flight = 0;
    long logged_in = 0;                    // sessions past STAT
    asio::steady_timer* release = nullptr;  // --hold: cancelled when the sessions may QUIT
    long ok = 0;
    long failed = 0;
    std::string first_error;
};

awaitable<void> one_login(const Options& options, long index, LoginRun& run)
{
    bool connecting = true;
    try {
        LineClient client(co_await asio::this_coro::executor);
        co_await client.connect(static_cast<std::uint16_t>(options.number("port", 110)));
        const long users = options.number("users", 1);
        co_await pop3_login(client, options.text("user-prefix", "pop") + std::to_string(index % users),
                            options.text("password"));
        co_await client.send("STAT\r\n");
        co_await pop3_ok(client);
        ++run.logged_in;
        --run.in_flight;
        connecting = false;
        if (run.release) {
            boost::system::error_code cancelled;
            co_await run.release->async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
        }
        co_await client.send("QUIT\r\n");
        co_await pop3_ok(client);
        ++run.ok;
    } catch (const std::exception& e) {
        if (run.failed++ == 0)
            run.first_error = e.what();
        if (connecting)
            --run.in_flight;
    }
}

awaitable<void> all_logins(const Options& options, LoginRun& run)
{
    const long sessions = options.number("sessions", 100);
    const long window = options.number("window", 256);
    asio::steady_timer pause(co_await asio::this_coro::executor);
    asio::steady_timer release(co_await asio::this_coro::executor, std::chrono::steady_clock::time_point::max());
    if (options.number("hold", 0) != 0)
        run.release = &release;
    for (long i = 0; i < sessions; ++i) {
        while (run.in_flight >= window) {
            pause.expires_after(std::chrono::microseconds(200));
            co_await pause.async_wait(asio::use_awaitable);
        }
        ++run.in_flight;
        asio::co_spawn(co_await asio::this_coro::executor, one_login(options, i, run), asio::detached);
    }
    if (!run.release)
        co_return;
    const auto far = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    co_await wait_until([&] { return run.logged_in + run.failed == sessions; }, far);
    std::cout << "{\"ready\":" << run.logged_in << ",\"failed\":" << run.failed << "}" << std::endl;
    std::string line;
    std::getline(std::cin, line);   // the other sessions only wait meanwhile
    release.cancel();
}

}  // namespace

int pop3_retr_mode(const Options& options)
{
    asio::io_context io;
    std::size_t messages = 0;
    std::uint64_t bytes = 0;
    std::exception_ptr failure;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(io, retr_all(options, messages, bytes), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure)
        std::rethrow_exception(failure);
    std::cout << "{\"ms\":" << elapsed_ms(start) << ",\"messages\":" << messages << ",\"bytes\":" << bytes << "}"
              << std::endl;
    return 0;
}

int pop3_logins_mode(const Options& options)
{
    asio::io_context io;
    LoginRun run;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(io, all_logins(options, run), asio::detached);
    io.run();
    std::cout << "{\"ms\":" << elapsed_ms(start) << ",\"ok\":" << run.ok << ",\"failed\":" << run.failed
              << ",\"first_error\":\"" << (run.first_error.empty() ? "" : "see stderr") << "\"}" << std::endl;
    if (!run.first_error.empty())
        std::cerr << "pop3-logins: first failure: " << run.first_error << "\n";
    return run.failed == 0 ? 0 : 1;
}

}  // namespace mailroom::bench
