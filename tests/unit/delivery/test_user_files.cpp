// tests/unit/delivery/test_user_files.cpp - .forward and :include: reading rules (Postfix
// dotforward.c and include.c): regular files owned by the user or root, not writable by
// others, no symlinks for .forward, read with the user's identity.
#include "delivery/resolve/user_files.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace mailroom::delivery;
using Status = UserFile::Status;

namespace {

struct Scratch {
    std::filesystem::path dir;
    Scratch()
    {
        char pattern[] = "/tmp/mailroom-userfiles-XXXXXX";
        dir = ::mkdtemp(pattern);
        ::chmod(dir.c_str(), 0755);
    }
    ~Scratch() { std::filesystem::remove_all(dir); }
    std::string file(const std::string& name, std::string_view text, mode_t mode)
    {
        const auto path = dir / name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path.string();
    }
};

mailroom::core::Credentials me() { return {::geteuid(), ::getegid(), {::getegid()}, "me"}; }

}  // namespace

TEST_CASE(".forward: accepted and refused files")
{
    Scratch s;
    struct Row {
        mode_t mode;
        Status status;
        std::string_view why;
    };
    const Row rows[] = {
        {0644, Status::ok, ""},
        {0600, Status::ok, ""},
        {0664, Status::refused, "group or world writable"},
        {0646, Status::refused, "group or world writable"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.mode);
        const auto path = s.file(".forward", "rich\n", row.mode);
        const UserFile file = read_forward_file(path, me());
        CHECK(file.status == row.status);
        CHECK(file.why.find(row.why) != std::string::npos);
        if (file.status == Status::ok)
            CHECK(file.text == "rich\n");
    }
    CHECK(read_forward_file((s.dir / "missing").string(), me()).status == Status::missing);
    CHECK(read_forward_file((s.dir / "missing/.forward").string(), me()).status == Status::missing);
    std::filesystem::create_directory(s.dir / "dir");
    CHECK(read_forward_file((s.dir / "dir").string(), me()).why.find("not a regular file") != std::string::npos);
    std::filesystem::create_symlink(s.dir / ".forward", s.dir / "link");
    CHECK(read_forward_file((s.dir / "link").string(), me()).why.find("symbolic link") != std::string::npos);
}

TEST_CASE(".forward owned by someone else is refused; root-owned is accepted (needs root)")
{
    if (::geteuid() != 0)
        return;
    Scratch s;
    const auto path = s.file(".forward", "rich\n", 0644);
    const mailroom::core::Credentials user{4242, 4242, {4242}, "user"};
    CHECK(read_forward_file(path, user).status == Status::ok);   // owned by root
    ::chown(path.c_str(), 4343, 4343);
    CHECK(read_forward_file(path, user).why.find("bad owner uid 4343") != std::string::npos);
    ::chown(path.c_str(), 4242, 4242);
    CHECK(read_forward_file(path, user).status == Status::ok);
    // Read with the user's identity: a file only root may read is not readable for them.
    ::chown(path.c_str(), 0, 0);
    ::chmod(path.c_str(), 0600);
    CHECK(read_forward_file(path, user).why.find("Permission denied") != std::string::npos);
}

TEST_CASE(":include: files: symlinks allowed, world-writable refused, owner reported")
{
    Scratch s;
    const auto path = s.file("members", "a\nb\n", 0644);
    UserFile file = read_include_file(path, std::nullopt);
    CHECK(file.status == Status::ok);
    CHECK(file.owner == ::geteuid());
    std::filesystem::create_symlink(path, s.dir / "link");
    CHECK(read_include_file((s.dir / "link").string(), me()).status == Status::ok);
    s.file("open", "a\n", 0666);
    CHECK(read_include_file((s.dir / "open").string(), me()).why.find("world writable") != std::string::npos);
    CHECK(read_include_file((s.dir / "none").string(), me()).status == Status::missing);
}
