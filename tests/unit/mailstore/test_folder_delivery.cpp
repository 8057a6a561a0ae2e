// tests/unit/mailstore/test_folder_delivery.cpp - deliveries into mbox files, Maildir, MH and
// directory folders: format, locking, rollback, and Postfix's safety rules
// (mailstore/folder_delivery, mailstore/mbox, mailstore/maildir).
#include "mailstore/folder_delivery.hpp"
#include "mailstore/mbox/mbox_format.hpp"
#include "mailstore/mbox/mbox_lock.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/unit/result_printer.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

using namespace mailroom::mailstore;
namespace fs = std::filesystem;

namespace {

MboxDeliveryOptions mbox_options(std::string sender = "ann@example.com")
{
    MboxDeliveryOptions options;
    options.envelope_sender = std::move(sender);
    options.arrival_time = 1764215630;   // a fixed time: Thu Nov 27 2025
    options.lock.timeout = std::chrono::milliseconds(300);
    return options;
}

std::size_t count_files(const fs::path& dir)
{
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir))
        ++n;
    return n;
}

}  // namespace

TEST_CASE("mbox: From_ line, mboxrd quoting, final newline and separator")
{
    TempDir dir;
    const auto file = dir.path / "mbox";
    REQUIRE(deliver_to_mbox(file, "Subject: one\n\nFrom here\n>From there\nplain", mbox_options()));
    REQUIRE(deliver_to_mbox(file, "Subject: two\n\nbody\n", mbox_options("")));
    const std::string text = read_file(file);
    const std::string first_line = text.substr(0, text.find('\n'));
    CHECK(first_line.starts_with("From ann@example.com "));
    CHECK(is_mbox_from_line(first_line));
    CHECK(first_line.ends_with(" 2025"));
    CHECK(text.find("\n\n>From here\n>>From there\nplain\n\nFrom MAILER-DAEMON ") != std::string::npos);
    CHECK(text.ends_with("Subject: two\n\nbody\n\n"));
    struct stat st {};
    ::stat(file.c_str(), &st);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(fs::exists(dir.path / "mbox.lock"));
}

TEST_CASE("mbox: a message's own From_ line is replaced, and a file without a final newline is repaired")
{
    TempDir dir;
    const auto file = dir.path / "mbox";
    write_file(file, "From x Thu Jan  1 00:00:00 1970\nSubject: old\n\nno newline");
    REQUIRE(deliver_to_mbox(file, "From someone Mon Jan 1 00:00:00 2024\nSubject: new\n\nbody\n", mbox_options()));
    const std::string text = read_file(file);
    CHECK(text.find("no newline\nFrom ann@example.com ") != std::string::npos);
    CHECK(text.find("From someone") == std::string::npos);
}

TEST_CASE("mbox: unquoting reverses quoting")
{
    const std::string original = "a\nFrom x\n>From y\n>>From z\n>Fromage\nFrom";
    std::string quoted;
    append_mbox_quoted(quoted, original);
    CHECK(unquote_mbox_body(quoted) == original + "\n\n");
}

TEST_CASE("mbox: separator recognition")
{
    CHECK(is_mbox_from_line("From ann@example.com Fri Nov 27 03:53:50 2026"));
    CHECK(is_mbox_from_line("From MAILER-DAEMON Mon Jan  1 00:00:00 2024"));
    CHECK(is_mbox_from_line("From bob Sat Jan  3 01:05:34 1996 +0100"));
    CHECK_FALSE(is_mbox_from_line("From here on, we go"));
    CHECK_FALSE(is_mbox_from_line("From: ann@example.com"));
    CHECK_FALSE(is_mbox_from_line(">From ann Fri Nov 27 03:53:50 2026"));
}

TEST_CASE("mbox: a held dotlock makes delivery time out as in_use; a stale one is broken")
{
    TempDir dir;
    const auto file = dir.path / "mbox";
    write_file(dir.path / "mbox.lock", "");
    auto blocked = deliver_to_mbox(file, "Subject: x\n\nx\n", mbox_options());
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().is(Errc::in_use));
    const timespec old_times[2] = {{1000, 0}, {1000, 0}};
    ::utimensat(AT_FDCWD, (dir.path / "mbox.lock").c_str(), old_times, 0);
    CHECK(deliver_to_mbox(file, "Subject: x\n\nx\n", mbox_options()));
    CHECK_FALSE(fs::exists(dir.path / "mbox.lock"));
}

TEST_CASE("mbox: an fcntl lock held by another process makes delivery wait, then give up")
{
    TempDir dir;
    const auto file = dir.path / "mbox";
    write_file(file, "");
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t holder = ::fork();
    if (holder == 0) {
        const int fd = ::open(file.c_str(), O_RDWR);
        struct flock lock {};
        lock.l_type = F_WRLCK;
        ::fcntl(fd, F_SETLKW, &lock);
        (void)!::write(ready[1], "x", 1);
        ::sleep(5);
        ::_exit(0);
    }
    char c;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    auto blocked = deliver_to_mbox(file, "Subject: x\n\nx\n", mbox_options());
    ::kill(holder, SIGKILL);
    ::waitpid(holder, nullptr, 0);
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().is(Errc::in_use));
    CHECK(read_file(file).empty());
    CHECK_FALSE(fs::exists(dir.path / "mbox.lock"));   // our dotlock was released again
    CHECK(deliver_to_mbox(file, "Subject: x\n\nx\n", mbox_options()));
}

TEST_CASE("mbox: a write that fails half way leaves the file exactly as it was")
{
    TempDir dir;
    const auto file = dir.path / "mbox";
    REQUIRE(deliver_to_mbox(file, "Subject: first\n\nbody\n", mbox_options()));
    const std::string before = read_file(file);
    const pid_t child = ::fork();
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{static_cast<rlim_t>(before.size() + 100), static_cast<rlim_t>(before.size() + 100)};
        ::setrlimit(RLIMIT_FSIZE, &limit);   // the write hits EFBIG after 100 bytes
        auto result = deliver_to_mbox(file, std::string(100000, 'x'), mbox_options());
        ::_exit(!result && result.error().is(Errc::over_quota) ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(read_file(file) == before);
}

TEST_CASE("mbox: symlinks, hard links and unsafe directories are refused")
{
    TempDir dir;
    write_file(dir.path / "target", "");
    fs::create_symlink(dir.path / "target", dir.path / "link");
    auto via_symlink = deliver_to_mbox(dir.path / "link", "x\n", mbox_options());
    REQUIRE_FALSE(via_symlink);
    CHECK(via_symlink.error().is(Errc::unsafe_path));

    fs::create_hard_link(dir.path / "target", dir.path / "hard");
    auto via_hard_link = deliver_to_mbox(dir.path / "hard", "x\n", mbox_options());
    REQUIRE_FALSE(via_hard_link);
    CHECK(via_hard_link.error().is(Errc::unsafe_path));

    fs::create_directory(dir.path / "open");
    ::chmod((dir.path / "open").c_str(), 0777);
    auto in_open_dir = deliver_to_mbox(dir.path / "open" / "mbox", "x\n", mbox_options());
    REQUIRE_FALSE(in_open_dir);
    CHECK(in_open_dir.error().is(Errc::unsafe_path));
    ::chmod((dir.path / "open").c_str(), 01777);   // sticky, like /tmp: allowed
    CHECK(deliver_to_mbox(dir.path / "open" / "mbox", "x\n", mbox_options()));
    CHECK(read_file(dir.path / "target").empty());
}

TEST_CASE("maildir: tmp -> new with sizes in the name, exact bytes, creating the directories")
{
    TempDir dir;
    const auto maildir = dir.path / "Maildir";
    const std::string message = "Subject: hi\n\nline\r\nline2\n";
    auto delivered = deliver_to_maildir(maildir, message, {});
    REQUIRE(delivered);
    CHECK(delivered->path.parent_path() == maildir / "new");
    const std::string name = delivered->path.filename().string();
    CHECK(name.find(",S=" + std::to_string(message.size()) + ",W=" + std::to_string(message.size() + 3)) !=
          std::string::npos);
    CHECK(read_file(delivered->path) == message);
    CHECK(count_files(maildir / "tmp") == 0);
    CHECK(fs::is_directory(maildir / "cur"));

    MaildirDeliveryOptions seen;
    seen.info = ":2,S";
    auto into_cur = deliver_to_maildir(maildir, message, seen);
    REQUIRE(into_cur);
    CHECK(into_cur->path.parent_path() == maildir / "cur");
    CHECK(into_cur->path.filename().string().ends_with(":2,S"));
    CHECK(delivered->path.filename() != into_cur->path.filename());
}

TEST_CASE("MH and directory folders")
{
    TempDir dir;
    const auto mh = dir.path / "mh";
    REQUIRE(deliver_to_mh(mh, "one\n"));
    write_file(mh / "7", "seven\n");
    auto next = deliver_to_mh(mh, "eight\n");
    REQUIRE(next);
    CHECK(next->path.filename() == "8");
    CHECK(read_file(mh / "1") == "one\n");

    auto plain = deliver_to_msg_directory(dir.path / "plain", "msg\n");
    REQUIRE(plain);
    CHECK(plain->path.filename().string().starts_with("msg."));
    CHECK(read_file(plain->path) == "msg\n");
}

TEST_CASE("mbox: a message half written by a killed writer is cut out by the next writer")
{
    TempDir dir;
    const auto file = dir.path / "mbox";
    REQUIRE(deliver_to_mbox(file, "Subject: first\n\nbody\n", mbox_options()));
    const std::string intact = read_file(file);
    // What a writer killed in the middle of its write leaves: its note and half a message.
    const std::string intended = "From killed Thu Nov 27 03:53:50 2025\nSubject: half\n\n" + std::string(100, 'x') + "\n\n";
    write_file(dir.path / ".mbox.mailroom-append", std::to_string(intact.size()) + " " +
                                                       std::to_string(intact.size() + intended.size()) + " 12345\n");
    write_file(file, intact + intended.substr(0, 60));
    SUBCASE("nothing after it")
    {
        REQUIRE(deliver_to_mbox(file, "Subject: next\n\nbody\n", mbox_options()));
        const std::string text = read_file(file);
        CHECK(text.starts_with(intact + "From ann@example.com "));
        CHECK(text.find("Subject: half") == std::string::npos);
    }
    SUBCASE("another program appended after it")
    {
        const std::string other = "\nFrom procmail Thu Nov 27 03:53:51 2025\nSubject: other\n\nkept\n\n";
        write_file(file, intact + intended.substr(0, 60) + other);
        REQUIRE(deliver_to_mbox(file, "Subject: next\n\nbody\n", mbox_options()));
        const std::string text = read_file(file);
        CHECK(text.starts_with(intact + other.substr(1) + "From ann@example.com "));
        CHECK(text.find("Subject: half") == std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.path / ".mbox.mailroom-append"));
}
