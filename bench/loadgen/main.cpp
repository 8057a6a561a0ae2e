// bench/loadgen/main.cpp - mailroom-loadgen: IMAP and POP3 load for bench/run, against
// mailroomd or Dovecot on 127.0.0.1. Usage: mailroom-loadgen MODE --name value ...
// (modes: imap, idle, mixed, pop3-retr, pop3-logins; see modes.hpp and bench/README.md).
#include "modes.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <sstream>
#include <string_view>

namespace mailroom::bench {

std::string Options::text(const std::string& name, const std::string& fallback) const
{
    const auto found = values_.find(name);
    return found == values_.end() ? fallback : found->second.back();
}

long Options::number(const std::string& name, long fallback) const
{
    const auto found = values_.find(name);
    return found == values_.end() ? fallback : std::stol(found->second.back());
}

std::vector<std::string> Options::list(const std::string& name) const
{
    const auto found = values_.find(name);
    return found == values_.end() ? std::vector<std::string>{} : found->second;
}

std::string json_array(const std::vector<double>& values)
{
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < values.size(); ++i)
        out << (i ? "," : "") << values[i];
    out << ']';
    return out.str();
}

}  // namespace mailroom::bench

int main(int argc, char** argv)
{
    using namespace mailroom::bench;
    if (argc < 2) {
        std::cerr << "usage: mailroom-loadgen imap|idle|mixed|pop3-retr|pop3-logins --name value ...\n";
        return 64;
    }
    Options options;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        if (!name.starts_with("--")) {
            std::cerr << "mailroom-loadgen: expected --name, got " << name << "\n";
            return 64;
        }
        options.add(std::string(name.substr(2)), argv[i + 1]);
    }
    const std::string_view mode = argv[1];
    try {
        if (mode == "imap")
            return imap_mode(options);
        if (mode == "idle")
            return idle_mode(options);
        if (mode == "pop3-retr")
            return pop3_retr_mode(options);
        if (mode == "pop3-logins")
            return pop3_logins_mode(options);
        if (mode == "mixed")
            return mixed_mode(options);
    } catch (const std::exception& e) {
        std::cerr << "mailroom-loadgen " << mode << ": " << e.what() << "\n";
        return 1;
    }
    std::cerr << "mailroom-loadgen: unknown mode " << mode << "\n";
    return 64;
}
