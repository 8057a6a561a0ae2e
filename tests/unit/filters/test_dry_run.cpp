// tests/unit/filters/test_dry_run.cpp - `mailroom filter test` (filters/dry_run.hpp): what it
// prints, that it stores and runs nothing, and its exit codes.
#include <iostream>
#include <sstream>

#include "engine_fixture.hpp"
#include "filters/dry_run.hpp"

using namespace filters_test;

namespace {
struct Captured {
    int status;
    std::string out;
};

Captured run_dry(std::vector<std::string> args, const std::string& message)
{
    std::istringstream in(message);
    std::ostringstream out;
    std::streambuf* old_in = std::cin.rdbuf(in.rdbuf());
    std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
    args.insert(args.begin(), "filter-test");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    const int status = filter_test_main(static_cast<int>(argv.size()), argv.data());
    std::cin.rdbuf(old_in);
    std::cout.rdbuf(old_out);
    return {status, out.str()};
}
}  // namespace

TEST_CASE("the dry run prints recipes, conditions and destinations and writes nothing")
{
    TempHome home;
    const std::string rc = home.write("rc",
                                      "LOGFILE=$HOME/log\n"
                                      ":0\n* ^Subject:.*guitars\n* 5^0 meeting\n{\n"
                                      "  :0 c\n  | touch $HOME/ran\n"
                                      "  :0\n  guitars/\n}\n");
    const Captured c = run_dry({"--rc", rc, "--home", home.dir, "-f", "alice@example.org"}, sample_message);
    CAPTURE(c.out);
    CHECK(c.status == 0);
    CHECK(c.out.find(rc + ":2: recipe :0 Hhb") != std::string::npos);
    CHECK(c.out.find("line 3: * ^Subject:.*guitars  -> matched") != std::string::npos);
    CHECK(c.out.find("line 4: * 5^0 meeting  -> matched (score +5)") != std::string::npos);
    CHECK(c.out.find("would run: touch $HOME/ran") != std::string::npos);
    CHECK(c.out.find("would store in maildir " + home.dir + "/guitars") != std::string::npos);
    CHECK(c.out.find("Result: delivered") != std::string::npos);
    CHECK(!std::filesystem::exists(home.dir + "/ran"));
    CHECK(!std::filesystem::exists(home.dir + "/guitars"));
    CHECK(!std::filesystem::exists(home.dir + "/log"));
}

TEST_CASE("--run-programs runs them; bad usage is 64; an undeliverable message is 73")
{
    TempHome home;
    const std::string rc = home.write("rc", ":0 c\n| touch ran\nDEFAULT=\nORGMAIL=\n");
    const Captured c = run_dry({"--rc", rc, "--home", home.dir, "--run-programs"}, sample_message);
    CHECK(std::filesystem::exists(home.dir + "/ran"));
    CHECK(c.status == ex_cantcreat);
    CHECK(c.out.find("NOT delivered") != std::string::npos);
    CHECK(run_dry({"--bogus"}, "").status == 64);
}
