// filters/dry_run.cpp - the `mailroom filter test` dry run: a FilterTrace that prints what
// the interpreter does and an ActionSink that records deliveries instead of making them.
#include "filters/dry_run.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

#include "filters/engine.hpp"

namespace mailroom::filters {
namespace {

constexpr int exit_usage = 64;

class PrintingTrace final : public FilterTrace {
public:
    void rc_file(const std::string& path) override { std::cout << "rc file " << path << "\n"; }
    void recipe(const std::string& file, int line, const std::string& flags, bool runs) override
    {
        std::cout << file << ":" << line << ": recipe :0 " << flags
                  << (runs ? "" : "  (skipped: A/a/E/e chaining)") << "\n";
    }
    void condition(int line, const std::string& text, bool matched, std::optional<double> score) override
    {
        std::cout << "    line " << line << ": * " << text << "  -> " << (matched ? "matched" : "no match");
        if (score) {
            char buf[64];
            std::snprintf(buf, sizeof buf, " (score %+g)", *score);
            std::cout << buf;
        }
        std::cout << "\n";
    }
    void action(int line, const std::string& what, bool succeeded) override
    {
        std::cout << "    " << (line > 0 ? "line " + std::to_string(line) : std::string("end of rc files"))
                  << ": action " << what << (succeeded ? "" : "  (FAILED)") << "\n";
    }
    void assignment(const std::string& file, int line, const std::string& name,
                    const std::optional<std::string>& value) override
    {
        std::cout << file << ":" << line << ": " << name;
        if (value)
            std::cout << "=" << *value;
        else
            std::cout << " (unset)";
        std::cout << "\n";
    }
};

class DryRunSink final : public ActionSink {
public:
    explicit DryRunSink(bool run_programs) : run_programs_(run_programs) {}

    SaveResult save(const SaveRequest& r) override
    {
        std::cout << "    => would " << (r.kind == FolderKind::devnull ? "discard (/dev/null)" : "store in ")
                  << (r.kind == FolderKind::devnull ? "" : std::string(to_string(r.kind)) + " " + r.path)
                  << (r.is_default ? "  [$DEFAULT]" : "") << " (" << r.message.size() << " bytes)\n";
        std::string stored = r.path;
        if (r.kind == FolderKind::maildir)
            stored += "/new/DRY-RUN";
        else if (r.kind == FolderKind::mh || r.kind == FolderKind::directory)
            stored += "/DRY-RUN";
        return {true, stored, {}};
    }
    ProgramResult run_program(const ProgramRequest& r) override
    {
        if (run_programs_) {
            std::cout << "    => running: " << r.display << "\n";
            return ActionSink::run_program(r);
        }
        std::cout << "    => would run: " << r.display << "  (not run; assumed exit 0"
                  << (r.purpose == ProgramRequest::Purpose::filter ? ", message unchanged" : "") << ")\n";
        ProgramResult res;
        res.ran = true;
        res.exit_status = 0;
        if (r.purpose == ProgramRequest::Purpose::filter)
            res.output = std::string(r.input);
        return res;
    }
    ProgramResult forward(const ProgramRequest& r) override
    {
        std::cout << "    => would forward with:";
        for (const auto& a : r.argv)
            std::cout << " " << a;
        std::cout << "\n";
        ProgramResult res;
        res.ran = true;
        res.exit_status = 0;
        return res;
    }
    void log(const std::string& logfile, std::string_view text) override
    {
        std::cout << "    LOGFILE " << logfile << ": " << text << (text.ends_with('\n') ? "" : "\n");
    }
    bool acquire_lock(const std::string&, const LockPolicy&) override { return true; }
    void release_lock(const std::string&) override {}

private:
    bool run_programs_;
};

int usage()
{
    std::cerr << "usage: mailroom filter test [--rc FILE] [--site-rc FILE] [-a ARG]... [-f SENDER]\n"
                 "                            [--home DIR] [--set NAME=VALUE]... [--run-programs] < message\n";
    return exit_usage;
}

}  // namespace

// `-a user+ext@domain`: the recipient a delivery would run the rc file for (RECIPIENT, LOCAL,
// DOMAIN, EXTENSION, and $1 = the extension, as Postfix's mailbox_command passes it);
// `-a word` without '@': procmail's own -a, an argument $1, $2...
void add_argument_or_recipient(FilterInput& input, std::string_view value)
{
    const auto at = value.rfind('@');
    if (at == std::string_view::npos) {
        input.arguments.emplace_back(value);
        return;
    }
    const std::string local(value.substr(0, at));
    const auto plus = local.find('+');
    const std::string extension = plus == std::string::npos ? std::string() : local.substr(plus + 1);
    input.variables.emplace_back("RECIPIENT", std::string(value));
    input.variables.emplace_back("LOCAL", local);
    input.variables.emplace_back("DOMAIN", std::string(value.substr(at + 1)));
    input.variables.emplace_back("EXTENSION", extension);
    input.arguments.push_back(extension);
}

int filter_test_main(int argc, char** argv)
{
    FilterInput input;
    bool run_programs = false;
    std::string home, logname;
    if (const passwd* pw = ::getpwuid(::getuid())) {
        home = pw->pw_dir;
        logname = pw->pw_name;
    }
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        const char* v = nullptr;
        if (arg == "--run-programs")
            run_programs = true;
        else if ((arg == "--rc") && (v = value()))
            input.user_rc = v;
        else if (arg == "--site-rc" && (v = value()))
            input.site_rc = v;
        else if (arg == "-a" && (v = value()))
            add_argument_or_recipient(input, v);
        else if (arg == "-f" && (v = value()))
            input.envelope_sender = v;
        else if (arg == "--home" && (v = value()))
            home = v;
        else if (arg == "--set" && (v = value()) && std::string(v).find('=') != std::string::npos) {
            const std::string s = v;
            input.variables.emplace_back(s.substr(0, s.find('=')), s.substr(s.find('=') + 1));
        } else
            return usage();
    }
    if (input.user_rc.empty())
        input.user_rc = home + "/.procmailrc";
    input.variables.insert(input.variables.begin(), {{"HOME", home}, {"LOGNAME", logname}});
    const std::string message((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    input.message = message;
    PrintingTrace trace;
    input.trace = &trace;
    DryRunSink sink(run_programs);
    Engine engine;
    const FilterOutcome out = engine.run(input, sink);
    std::cout << "\nResult: ";
    if (!out.delivered)
        std::cout << "NOT delivered (the MTA would get exit code " << out.exit_code << ")\n";
    else if (out.deliveries.empty())
        std::cout << "treated as delivered, stored nowhere\n";
    else
        std::cout << "delivered\n";
    for (const DeliveryRecord& d : out.deliveries) {
        std::cout << "  " << (d.is_default ? "$DEFAULT " : "") << (d.copy ? "copy " : "")
                  << (d.kind == DeliveryRecord::Kind::folder ? to_string(d.folder_kind)
                      : d.kind == DeliveryRecord::Kind::forward ? "forward" : "program")
                  << " " << d.destination;
        if (!d.rc_file.empty())
            std::cout << "  (" << d.rc_file << ":" << d.line << ")";
        std::cout << "\n";
    }
    for (const FilterError& e : out.errors)
        std::cout << "  error: " << (e.rc_file.empty() ? "" : e.rc_file + ":" + std::to_string(e.line) + ": ")
                  << e.text << "\n";
    return out.delivered ? 0 : out.exit_code;
}

}  // namespace mailroom::filters
