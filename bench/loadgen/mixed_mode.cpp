// bench/loadgen/mixed_mode.cpp - `mixed` (scenario 5): --sessions IMAP sessions loop SELECT,
// UID FETCH of the UIDs they have not seen yet, and --fetches random FETCHes of headers,
// flags and size, for --seconds, while one LMTP connection delivers a message every
// --interval-ms. Counts operations and checks RFC 3501 2.3.1.1: UIDVALIDITY never changes,
// UIDNEXT never goes down, new UIDs are above every UID seen before and never repeat.
#include "modes.hpp"
#include "protocol.hpp"

#include <iostream>
#include <random>

namespace mailroom::bench {
namespace {

struct MixedRun {
    std::chrono::steady_clock::time_point deadline;
    long ops = 0;
    long violations = 0;
    long delivered = 0;
    long failed = 0;
    long running = 0;
    std::string first_problem;

    void problem(const std::string& text)
    {
        if (first_problem.empty())
            first_problem = text;
    }
};

// The number after `key` in `line` ("[UIDNEXT 42]", "(UID 42"), or -1.
long number_after(std::string_view line, std::string_view key)
{
    const std::size_t at = line.find(key);
    if (at == std::string_view::npos)
        return -1;
    std::size_t i = at + key.size();
    long value = 0;
    bool any = false;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') {
        value = value * 10 + (line[i++] - '0');
        any = true;
    }
    return any ? value : -1;
}

struct SessionState {
    long uidvalidity = -1;
    long uidnext = 0;
    long max_uid = 0;
    long exists = 0;
};

awaitable<void> select_and_check(LineClient& client, SessionState& s, MixedRun& run)
{
    long uidvalidity = -1, uidnext = -1;
    co_await imap_command(client, "S", "SELECT INBOX", [&](std::string_view line) {
        if (const long v = number_after(line, "[UIDVALIDITY "); v >= 0)
            uidvalidity = v;
        if (const long v = number_after(line, "[UIDNEXT "); v >= 0)
            uidnext = v;
        if (line.ends_with(" EXISTS"))
            s.exists = number_after(line, "* ");
    });
    ++run.ops;
    if (s.uidvalidity >= 0 && uidvalidity != s.uidvalidity) {
        ++run.violations;
        run.problem("UIDVALIDITY changed");
    }
    if (uidnext < s.uidnext) {
        ++run.violations;
        run.problem("UIDNEXT went from " + std::to_string(s.uidnext) + " to " + std::to_string(uidnext));
    }
    s.uidvalidity = uidvalidity;
    s.uidnext = uidnext;
    long highest = s.max_uid;
    const std::string fetch_new = "UID FETCH " + std::to_string(s.max_uid + 1) + ":* (UID)";
    co_await imap_command(client, "U", fetch_new, [&](std::string_view line) {
        const long uid = number_after(line, "(UID ");
        if (uid < 0 || uid == s.max_uid)
            return;   // "n:*" past the end names the last message (RFC 3501 6.4.8)
        if (uid <= highest) {
            ++run.violations;
            run.problem("UID " + std::to_string(uid) + " after " + std::to_string(highest));
        }
        highest = std::max(highest, uid);
    });
    ++run.ops;
    s.max_uid = highest;
}

awaitable<void> mixed_session(const Options& options, MixedRun& run, unsigned seed)
{
    std::mt19937 random(seed);
    try {
        LineClient client(co_await asio::this_coro::executor);
        co_await client.connect(static_cast<std::uint16_t>(options.number("port", 143)));
        if (!(co_await client.line()).starts_with("* OK"))
            throw ProtocolError("no greeting");
        co_await imap_command(client, "L", "LOGIN " + options.text("user") + " " + options.text("password"));
        SessionState state;
        const long fetches = options.number("fetches", 3);
        while (std::chrono::steady_clock::now() < run.deadline) {
            co_await select_and_check(client, state, run);
            for (long i = 0; i < fetches && state.exists > 0; ++i) {
                const long n = std::uniform_int_distribution<long>(1, state.exists)(random);
                co_await imap_command(client, "F", "FETCH " + std::to_string(n) +
                                      " (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])");
                ++run.ops;
            }
        }
        co_await imap_command(client, "Z", "LOGOUT");
    } catch (const std::exception& e) {
        ++run.failed;
        run.problem(e.what());
    }
    --run.running;
}

awaitable<void> deliveries(const Options& options, MixedRun& run)
{
    try {
        LineClient lmtp(co_await asio::this_coro::executor);
        co_await lmtp.connect(static_cast<std::uint16_t>(options.number("lmtp-port", 24)));
        co_await lmtp_hello(lmtp);
        asio::steady_timer pause(co_await asio::this_coro::executor);
        while (std::chrono::steady_clock::now() < run.deadline) {
            const std::string message = "From: loadgen@example.org\r\nSubject: arrival " +
                                        std::to_string(run.delivered) + "\r\n\r\nnew mail\r\n";
            co_await lmtp_send(lmtp, "loadgen@example.org", options.text("rcpt"), message);
            ++run.delivered;
            pause.expires_after(std::chrono::milliseconds(options.number("interval-ms", 20)));
            co_await pause.async_wait(asio::use_awaitable);
        }
    } catch (const std::exception& e) {
        ++run.failed;
        run.problem(std::string("LMTP: ") + e.what());
    }
    --run.running;
}

}  // namespace

int mixed_mode(const Options& options)
{
    asio::io_context io;
    MixedRun run;
    const auto start = std::chrono::steady_clock::now();
    run.deadline = start + std::chrono::seconds(options.number("seconds", 10));
    const long sessions = options.number("sessions", 50);
    run.running = sessions + 1;
    for (long i = 0; i < sessions; ++i)
        asio::co_spawn(io, mixed_session(options, run, static_cast<unsigned>(options.number("seed", 5) * 1000 + i)),
                       asio::detached);
    asio::co_spawn(io, deliveries(options, run), asio::detached);
    io.run();
    const double seconds = elapsed_ms(start) / 1000;
    std::cout << "{\"ops\":" << run.ops << ",\"seconds\":" << seconds << ",\"ops_per_s\":" << run.ops / seconds
              << ",\"delivered\":" << run.delivered << ",\"violations\":" << run.violations
              << ",\"failed\":" << run.failed << "}" << std::endl;
    if (!run.first_problem.empty())
        std::cerr << "mixed: first problem: " << run.first_problem << "\n";
    return run.failed == 0 ? 0 : 1;
}

}  // namespace mailroom::bench
