// tests/unit/filters/engine_fixture.hpp - an in-memory ActionSink and temp rc files for the
// engine tests: saves are recorded, programs are answered by a table instead of being run.
#pragma once
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "filters/engine.hpp"

namespace filters_test {

using namespace mailroom::filters;

class RecordingSink final : public ActionSink {
public:
    struct Saved {
        std::string path;
        FolderKind kind;
        std::string message;
        bool is_default;
    };
    std::vector<Saved> saved;
    std::vector<ProgramRequest> programs;   // argv/env copied; input copied below
    std::vector<std::string> inputs;
    std::vector<std::string> logged;
    std::vector<std::string> fail_paths;    // saves to these fail
    // Answers a program: (display text) -> result. Default: exit 0, no output.
    std::function<ProgramResult(const ProgramRequest&)> answer;

    SaveResult save(const SaveRequest& r) override
    {
        for (const auto& f : fail_paths)
            if (r.path == f)
                return {false, {}, "injected failure"};
        saved.push_back({r.path, r.kind, std::string(r.message), r.is_default});
        return {true, r.kind == FolderKind::maildir ? r.path + "/new/1.x" : r.path, {}};
    }
    ProgramResult run_program(const ProgramRequest& r) override
    {
        programs.push_back(r);
        inputs.emplace_back(r.input);
        programs.back().input = inputs.back();
        if (answer)
            return answer(r);
        ProgramResult res;
        res.ran = true;
        res.exit_status = 0;
        return res;
    }
    void log(const std::string&, std::string_view text) override { logged.emplace_back(text); }
    bool acquire_lock(const std::string&, const LockPolicy&) override { return true; }
    void release_lock(const std::string&) override {}

    std::vector<std::string> paths() const
    {
        std::vector<std::string> p;
        for (const auto& s : saved)
            p.push_back(s.path);
        return p;
    }
};

// A temporary home with rc files in it; removed at the end of the test.
class TempHome {
public:
    TempHome()
    {
        char tmpl[] = "/tmp/mr-filters-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
    }
    ~TempHome() { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) const
    {
        const std::string path = dir + "/" + name;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    std::string dir;
};

inline const char* sample_message =
    "From: Alice <alice@example.org>\n"
    "To: mruser@example.com\n"
    "Subject: meeting about guitars\n"
    "\n"
    "Hello,\nsee you at the meeting.\n";

struct Run {
    FilterOutcome out;
    RecordingSink sink;
};

inline void run_rc(Run& run, const TempHome& home, const std::string& rc, std::string_view message = sample_message,
                   std::vector<std::pair<std::string, std::string>> extra = {})
{
    FilterInput in;
    in.message = message;
    in.envelope_sender = "alice@example.org";
    in.arrival_time = 1700000000;
    in.variables = {{"HOME", home.dir}, {"LOGNAME", "mruser"}, {"ORGMAIL", home.dir + "/Mailbox"},
                    {"SENDMAIL", "/usr/sbin/sendmail"}};
    for (auto& e : extra)
        in.variables.push_back(std::move(e));
    in.user_rc = home.write("procmailrc", rc);
    Engine engine;
    run.out = engine.run(in, run.sink);
}

}  // namespace filters_test
