// tests/integration/filters/filter_driver.cpp - runs mailroom's procmailrc engine like
// `procmail -m` for the differential test: message on stdin, NAME=value assignments, the rc
// file, then $1... arguments. Folders are written in procmail's own formats (mbox with its
// From_ line and ">From " quoting of "From " lines, Maildir, MH, msg.* directories) so that
// the comparison sees the engine's decisions, not a storage layer's format choices.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <dirent.h>
#include <iostream>
#include <iterator>
#include <string>

#include "filters/engine.hpp"

namespace {

using namespace mailroom::filters;

bool write_file(const std::string& path, std::string_view data, int flags)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600);
    if (fd < 0)
        return false;
    bool ok = true;
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n <= 0) {
            ok = false;
            break;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return ::close(fd) == 0 && ok;
}

std::string mbox_quote(std::string_view message)
{
    std::string out;
    out.reserve(message.size() + 16);
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (i > 0 && message[i - 1] == '\n' && message.substr(i).starts_with("From "))
            out.push_back('>');
        out.push_back(message[i]);
    }
    return out;
}

class TestSink final : public ActionSink {
public:
    SaveResult save(const SaveRequest& r) override
    {
        switch (r.kind) {
        case FolderKind::devnull: return {true, "/dev/null", {}};
        case FolderKind::mbox:
        {
            const std::string quoted = r.raw ? std::string(r.message) : mbox_quote(r.message);
            if (!write_file(r.path, quoted, O_APPEND))
                return {false, {}, "cannot append to " + r.path};
            return {true, r.path, {}, quoted.size()};
        }
        case FolderKind::maildir: {
            for (const char* sub : {"", "/tmp", "/new", "/cur"})
                ::mkdir((r.path + sub).c_str(), 0700);
            const std::string name = r.path + "/new/" + std::to_string(std::time(nullptr)) + "." +
                                      std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".test";
            if (!write_file(name, r.message, O_EXCL))
                return {false, {}, "cannot write " + name};
            return {true, name, {}};
        }
        case FolderKind::mh: {
            ::mkdir(r.path.c_str(), 0700);
            long highest = 0;
            if (DIR* d = ::opendir(r.path.c_str())) {
                while (const dirent* e = ::readdir(d)) {
                    char* end = nullptr;
                    const long n = std::strtol(e->d_name, &end, 10);
                    if (end && *end == '\0' && n > highest)
                        highest = n;
                }
                ::closedir(d);
            }
            const std::string name = r.path + "/" + std::to_string(highest + 1);
            if (!write_file(name, r.message, O_EXCL))
                return {false, {}, "cannot write " + name};
            return {true, name, {}};
        }
        case FolderKind::directory: {
            const std::string name = r.path + "/msg.T" + std::to_string(counter_++);
            if (!write_file(name, r.message, O_EXCL))
                return {false, {}, "cannot write " + name};
            return {true, name, {}};
        }
        }
        return {};
    }

private:
    int counter_ = 0;
};

}  // namespace

int main(int argc, char** argv)
{
    FilterInput input;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-f" && i + 1 < argc) {
            input.envelope_sender = argv[++i];
            continue;
        }
        const auto eq = arg.find('=');
        if (eq == std::string::npos || eq == 0)
            break;
        input.variables.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
    }
    if (i >= argc) {
        std::cerr << "usage: filter_driver [-f sender] [NAME=value]... rcfile [arg]... < message\n";
        return 64;
    }
    input.user_rc = argv[i++];
    for (; i < argc; ++i)
        input.arguments.emplace_back(argv[i]);
    const std::string message((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    input.message = message;
    TestSink sink;
    Engine engine;
    const FilterOutcome out = engine.run(input, sink);
    for (const FilterError& e : out.errors)
        std::cerr << "filter_driver: " << e.rc_file << ":" << e.line << ": " << e.text << "\n";
    return out.exit_code;
}
