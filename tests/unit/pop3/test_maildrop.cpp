// tests/unit/pop3/test_maildrop.cpp - the maildrop over both store formats: UIDLs that stay
// the same across sessions and index rebuilds, %f as the Maildir base name, and RETR output
// byte-exact against the store for every corpus message, with LIST sizes that match it
// (pop3/maildrop, RFC 1939 sections 5 and 7).
#include "pop3_driver.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mailroom::mailstore;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> uidls(StoreFixture& f, std::string_view format)
{
    std::string error;
    auto parsed = mailroom::pop3::UidlFormat::parse(format, error);
    REQUIRE(parsed);
    auto store = open_user_store(f.location, {});
    REQUIRE(store);
    auto drop = mailroom::pop3::Maildrop::open(std::move(*store), *parsed);
    REQUIRE(drop);
    std::vector<std::string> out;
    for (const auto& message : (*drop)->messages())
        out.push_back(message.uidl);
    return out;
}

std::vector<std::string> corpus_messages()
{
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(fs::path(MAILROOM_SOURCE_DIR) / "tests/corpus/messages"))
        if (entry.path().extension() == ".eml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& file : files)
        out.push_back(read_file(file));
    return out;
}

// What RETR must send for stored bytes: every LF with a CR before it, a line end at the end.
std::string crlf(std::string_view stored)
{
    std::string out;
    for (std::size_t i = 0; i < stored.size(); ++i) {
        if (stored[i] == '\n' && (i == 0 || stored[i - 1] != '\r'))
            out += '\r';
        out += stored[i];
    }
    if (!out.empty() && out.back() != '\n')
        out += "\r\n";
    return out;
}

std::string unstuff(std::string_view multiline)
{
    std::string out;
    bool line_start = true;
    for (char c : multiline) {
        if (line_start && c == '.') {
            line_start = false;
            continue;
        }
        out += c;
        line_start = c == '\n';
    }
    return out;
}

}  // namespace

TEST_CASE("UIDLs stay the same across sessions and index rebuilds")
{
    for (const MailFormat format : {MailFormat::maildir, MailFormat::mbox}) {
        CAPTURE(static_cast<int>(format));
        StoreFixture f(format);
        f.append("INBOX", "Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <1@x>\n\none\n");
        f.append("INBOX", "Received: from a by b\nMessage-ID: <2@x>\n\ntwo\n");
        f.append("INBOX", "Subject: three\n\nthree\n");
        for (const char* uidl_format : {"%08Xu%08Xv", "%f", "%m", "%v-%u-%m"}) {
            CAPTURE(uidl_format);
            const auto before = uidls(f, uidl_format);
            REQUIRE(before.size() == 3);
            CHECK(before[0] != before[1]);
            CHECK(uidls(f, uidl_format) == before);
            const fs::path index_dir = format == MailFormat::maildir ? f.location.inbox : f.location.index_root;
            for (const auto& entry : fs::recursive_directory_iterator(index_dir))
                if (const auto name = entry.path().filename().string();
                    name == "mailroom.index" || name == "mailroom.index.log" || name == "mailroom.index.cache")
                    fs::remove(entry.path());
            f.reopen();
            CHECK(uidls(f, uidl_format) == before);
        }
    }
}

TEST_CASE("%f is the Maildir file's base name, %m Dovecot's header digest")
{
    StoreFixture f;
    f.append("INBOX", "Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <a@b.example>\nSubject: x\n\nbody\n");
    const auto names = uidls(f, "%f");
    REQUIRE(names.size() == 1);
    bool found = false;
    for (const auto& entry : fs::directory_iterator(f.location.inbox / "cur"))
        found = found || entry.path().filename().string().starts_with(names[0] + ":2,");
    CHECK(found);
    CHECK(uidls(f, "%m") == std::vector<std::string>{"bd3d1259078cc56d1e6465d0aa3c6edf"});
}

TEST_CASE("every corpus message is sent byte-exact, with LIST sizes that match")
{
    const auto messages = corpus_messages();
    REQUIRE(messages.size() > 20);
    for (const MailFormat format : {MailFormat::maildir, MailFormat::mbox}) {
        CAPTURE(static_cast<int>(format));
        StoreFixture f(format);
        for (const auto& message : messages)
            f.append("INBOX", message);
        std::vector<std::string> stored;
        {
            auto view = f.open("INBOX", true);
            for (const auto& record : view->messages())
                stored.push_back(content_of(*view, record.uid));
        }
        Pop3Client client(f);
        client.send("USER ann\r\nPASS secret\r\n");
        for (std::size_t i = 0; i < stored.size(); ++i) {
            CAPTURE(i);
            const std::string number = std::to_string(i + 1);
            const std::string list = client.send("LIST " + number + "\r\n");
            const std::uint64_t size = std::stoull(list.substr(list.rfind(' ') + 1));
            const std::string retr = client.send("RETR " + number + "\r\n");
            REQUIRE(retr.starts_with("+OK " + std::to_string(size) + " octets\r\n"));
            REQUIRE(retr.ends_with(".\r\n"));
            const std::string body = unstuff(retr.substr(retr.find("\r\n") + 2, retr.size() - retr.find("\r\n") - 5));
            CHECK(body == crlf(stored[i]));
            const bool ends_with_line_end = stored[i].empty() || stored[i].back() == '\n';
            CHECK(body.size() == size + (ends_with_line_end ? 0 : 2));
        }
    }
}
