// bench/loadgen/modes.hpp - the load generator's modes and its command-line options. Each mode
// prints one JSON object on stdout (its measurements) and returns the exit status.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mailroom::bench {

// "--name value" pairs; a name given twice keeps every value (list()).
class Options {
public:
    void add(const std::string& name, const std::string& value) { values_[name].push_back(value); }
    std::string text(const std::string& name, const std::string& fallback = {}) const;
    long number(const std::string& name, long fallback) const;
    std::vector<std::string> list(const std::string& name) const;
    bool has(const std::string& name) const { return values_.count(name) != 0; }

private:
    std::map<std::string, std::vector<std::string>> values_;
};

// Milliseconds since `start`, as a double.
inline double elapsed_ms(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Formats a list of numbers as a JSON array.
std::string json_array(const std::vector<double>& values);

int imap_mode(const Options& options);         // timed IMAP commands in one session
int idle_mode(const Options& options);         // N sessions in IDLE, LMTP-to-EXISTS delays
int pop3_retr_mode(const Options& options);    // STAT + UIDL + RETR of a whole maildrop
int pop3_logins_mode(const Options& options);  // N concurrent POP3 logins
int mixed_mode(const Options& options);        // sessions SELECT/FETCH while mail arrives

}  // namespace mailroom::bench
