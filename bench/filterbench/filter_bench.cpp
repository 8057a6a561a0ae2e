// bench/filterbench/filter_bench.cpp - mailroom-filterbench: messages/s through an rc file with
// mailroom's filter engine (filters/engine.hpp) in one process, folders written by mailstore's
// writers with fsync, as a delivery does; bench/run compares it with `procmail -m RCFILE`.
// Usage: mailroom-filterbench --rc FILE --home DIR MESSAGE-FILE...
// Prints {"messages":..,"seconds":..,"cpu_s":..,"failed":..}.
#include "filters/engine.hpp"
#include "mailstore/folder_delivery.hpp"

#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using mailroom::filters::FolderKind;

// Writes folders the way delivery's filter step does (delivery/actions/filter.cpp).
class StoreSink : public mailroom::filters::ActionSink {
public:
    mailroom::filters::SaveResult save(const mailroom::filters::SaveRequest& request) override
    {
        namespace ms = mailroom::mailstore;
        if (request.kind == FolderKind::devnull)
            return {true, "/dev/null", {}};
        ms::Result<ms::FolderDelivery> done = [&] {
            if (request.kind == FolderKind::maildir)
                return ms::deliver_to_maildir(request.path, request.message, {});
            ms::MboxDeliveryOptions options;
            options.envelope_sender = request.envelope_sender;
            return ms::deliver_to_mbox(request.path, request.message, options);
        }();
        if (!done)
            return {false, {}, done.error().text};
        return {true, done->path.string(), {}};
    }
};

double cpu_seconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

int main(int argc, char** argv)
{
    std::string rc, home;
    std::vector<std::string> messages;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--rc" || arg == "--home") && i + 1 < argc)
            (arg == "--rc" ? rc : home) = argv[++i];
        else
            messages.push_back(read_file(arg));
    }
    if (rc.empty() || home.empty() || messages.empty()) {
        std::cerr << "usage: mailroom-filterbench --rc FILE --home DIR MESSAGE-FILE...\n";
        return 64;
    }
    mailroom::filters::Engine engine;
    StoreSink sink;
    long failed = 0;
    const double cpu_before = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& message : messages) {
        mailroom::filters::FilterInput input;
        input.message = message;
        input.envelope_sender = "bench@example.org";
        input.variables = {{"HOME", home}, {"LOGNAME", "bench"}, {"SHELL", "/bin/sh"}, {"ORGMAIL", home + "/Maildir/"}};
        input.user_rc = rc;
        if (!engine.run(input, sink).delivered)
            ++failed;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "{\"messages\":" << messages.size() << ",\"seconds\":" << seconds
              << ",\"cpu_s\":" << cpu_seconds() - cpu_before << ",\"failed\":" << failed << "}" << std::endl;
    return failed == 0 ? 0 : 1;
}
