// tests/unit/imap/test_transcripts.cpp - golden transcripts (Postfix's .in/.ref habit):
// each tests/unit/imap/transcripts/NAME.in is replayed against sessions over a temp-dir
// store, once with Maildir and once with mbox, and must give NAME.ref byte for byte.
// MAILROOM_UPDATE_GOLDENS=1 rewrites the .ref files from the Maildir run (review the diff!).
#include "transcript_driver.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string read_all(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The first line where the two differ, for the failure message.
std::string first_difference(const std::string& expected, const std::string& actual)
{
    std::istringstream a(expected), b(actual);
    std::string x, y;
    for (int n = 1;; ++n) {
        const bool more_a = static_cast<bool>(std::getline(a, x));
        const bool more_b = static_cast<bool>(std::getline(b, y));
        if (!more_a && !more_b)
            return "";
        if (x != y || more_a != more_b)
            return "line " + std::to_string(n) + ":\n  expected: " + (more_a ? x : "<end>") +
                   "\n  actual:   " + (more_b ? y : "<end>");
    }
}

}  // namespace

TEST_CASE("golden transcripts")
{
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    const std::filesystem::path dir = std::filesystem::path(MAILROOM_SOURCE_DIR) / "tests/unit/imap/transcripts";
    const bool update = std::getenv("MAILROOM_UPDATE_GOLDENS") != nullptr;
    std::vector<std::filesystem::path> scripts;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".in")
            scripts.push_back(entry.path());
    std::sort(scripts.begin(), scripts.end());
    REQUIRE(!scripts.empty());
    for (const auto& script : scripts) {
        const std::string text = read_all(script);
        auto ref_path = script;
        ref_path.replace_extension(".ref");
        for (const bool mbox : {false, true}) {
            if (mbox && text.find("# maildir only") != std::string::npos)
                continue;
            CAPTURE(script.filename().string());
            CAPTURE(mbox);
            const std::string actual = imaptest::run_transcript(text, mbox);
            if (update && !mbox)
                std::ofstream(ref_path, std::ios::binary) << actual;
            const std::string expected = read_all(ref_path);
            const std::string difference = first_difference(expected, actual);
            CAPTURE(difference);
            CHECK(difference.empty());
        }
    }
}
