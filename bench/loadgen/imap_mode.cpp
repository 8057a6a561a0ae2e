// bench/loadgen/imap_mode.cpp - `imap`: one session logs in and selects a mailbox (timed as
// open_ms), then runs each --command (several allowed) --repeat times, timing each run.
// Output: {"open_ms":..,"results":[[ms per run of command 1],...],"bytes":..,"untagged":..}.
#include "modes.hpp"
#include "protocol.hpp"

#include <iostream>

namespace mailroom::bench {
namespace {

struct Run {
    double open_ms = 0;
    std::vector<std::vector<double>> results;
    std::uint64_t untagged = 0;
    std::uint64_t bytes = 0;
};

awaitable<void> run_session(const Options& options, Run& run)
{
    LineClient client(co_await asio::this_coro::executor);
    const auto start = std::chrono::steady_clock::now();
    co_await client.connect(static_cast<std::uint16_t>(options.number("port", 143)));
    co_await imap_open(client, options.text("user"), options.text("password"), options.text("mailbox", "INBOX"));
    run.open_ms = elapsed_ms(start);
    const long repeat = options.number("repeat", 1);
    const auto count = [&run](std::string_view) { ++run.untagged; };
    int tag = 0;
    for (const std::string& command : options.list("command")) {
        std::vector<double>& times = run.results.emplace_back();
        for (long i = 0; i < repeat; ++i) {
            const auto begin = std::chrono::steady_clock::now();
            co_await imap_command(client, "C" + std::to_string(++tag), command, count);
            times.push_back(elapsed_ms(begin));
        }
    }
    co_await imap_command(client, "Z", "LOGOUT");
    run.bytes = client.bytes_read();
}

}  // namespace

int imap_mode(const Options& options)
{
    asio::io_context io;
    Run run;
    std::exception_ptr failure;
    asio::co_spawn(io, run_session(options, run), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure)
        std::rethrow_exception(failure);
    std::cout << "{\"open_ms\":" << run.open_ms << ",\"results\":[";
    for (std::size_t i = 0; i < run.results.size(); ++i)
        std::cout << (i ? "," : "") << json_array(run.results[i]);
    std::cout << "],\"bytes\":" << run.bytes << ",\"untagged\":" << run.untagged << "}" << std::endl;
    return 0;
}

}  // namespace mailroom::bench
