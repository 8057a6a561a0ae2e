// tests/unit/delivery/test_resolver.cpp - recipient resolution as Postfix local(8) does it:
// aliases (full local part, then without extension), owner- aliases, :include:, .forward
// (with extension, \user, commands, files), luser_relay, loops, virtual domains, duplicates.
#include "resolver_fixture.hpp"

using namespace mailroom::delivery;
using Kind = Destination::Kind;

namespace {

std::vector<std::string> describe(const Resolution& r)
{
    std::vector<std::string> out;
    for (const auto& d : r.destinations) {
        switch (d.kind) {
        case Kind::mailbox: out.push_back("mailbox " + d.owner->name + (d.extension.empty() ? "" : "+" + d.extension)); break;
        case Kind::file: out.push_back("file " + d.target); break;
        case Kind::command: out.push_back("command " + d.target); break;
        case Kind::forward: out.push_back("forward " + d.target + " from " + d.sender); break;
        case Kind::discard: out.push_back("discard " + d.recipient); break;
        }
    }
    for (const auto& f : r.failures)
        out.push_back("failed " + f.enhanced + " " + f.text);
    return out;
}

using List = std::vector<std::string>;

}  // namespace

TEST_CASE("local users, extensions and unknown users")
{
    ResolverFixture f("");
    auto r = f.resolve("rich@example.com");
    CHECK(describe(r) == List{"mailbox rich"});
    CHECK(r.destinations[0].delivered_to == "rich@example.com");
    CHECK(r.destinations[0].local_domain);
    CHECK(describe(f.resolve("Rich+Lists@EXAMPLE.com")) == List{"mailbox rich+lists"});
    CHECK(describe(f.resolve("rich")) == List{"mailbox rich"});
    CHECK(f.resolve("rich").destinations[0].recipient == "rich@mail.example.com");
    CHECK(describe(f.resolve("nobody@example.com")) == List{"failed 5.1.1 unknown user: \"nobody\""});
    CHECK(describe(f.resolve("rich@elsewhere.example")) ==
          List{"failed 5.1.2 domain elsewhere.example is not in mydestination or virtual_mailbox_domains"});
    CHECK(f.resolve("nobody@example.com").summary().reply == 550);
}

TEST_CASE("aliases: full local part first, then the user without extension; every kind of target")
{
    ResolverFixture f("rich+lists: katie\n"
                      "list: rich, \"|/bin/cat -u\", /tmp/saved, bob@remote.example\n"
                      "self: self, rich\n"
                      "katie: rich\n");
    CHECK(describe(f.resolve("rich+lists@example.com")) == List{"mailbox rich"});
    CHECK(describe(f.resolve("katie+foo@example.com")) == List{"mailbox rich"});
    const auto r = f.resolve("list@example.com");
    CHECK(describe(r) == List{"mailbox rich", "command /bin/cat -u", "file /tmp/saved",
                              "forward bob@remote.example from sender@remote.example"});
    for (const auto& d : r.destinations)
        CHECK(d.delivered_to == "list@example.com");
    CHECK(r.destinations[1].origin.find("alias list (") == 0);
    // The aliases file is ours: commands get our rights, or default_privs when we are root.
    CHECK(r.destinations[1].rights.is_root() == (::geteuid() == 0));
    CHECK(r.summary().ok());
    // "self" lists itself: that means the user named self, who does not exist.
    CHECK(describe(f.resolve("self@example.com")) == List{"mailbox rich", "failed 5.1.1 unknown user: \"self\""});
}

TEST_CASE("owner- aliases become the envelope sender and lists are re-submitted")
{
    ResolverFixture f("list: rich, katie, far@remote.example\nowner-list: admin\n");
    CHECK(describe(f.resolve("list@example.com")) ==
          List{"forward rich@mail.example.com from owner-list@mail.example.com",
               "forward katie@mail.example.com from owner-list@mail.example.com",
               "forward far@remote.example from owner-list@mail.example.com"});
    ResolverFixture expanded("list: rich\nowner-list: admin@example.com\n", "expand_owner_alias = yes\n");
    CHECK(describe(expanded.resolve("list@example.com")) ==
          List{"forward rich@mail.example.com from admin@example.com"});
    ResolverFixture plain("list: rich\nowner-list: admin\n", "owner_request_special = no\n");
    CHECK(describe(plain.resolve("list@example.com")) == List{"mailbox rich"});
}

TEST_CASE("alias loops stop with 5.4.6; duplicates are delivered once")
{
    ResolverFixture f("a: b\nb: a\ndup: rich, rich@example.com, rich, katie\nkatie: rich\n");
    const auto loop = f.resolve("a@example.com");
    REQUIRE(loop.failures.size() == 1);
    CHECK(loop.failures[0].enhanced == "5.4.6");
    CHECK(loop.destinations.empty());
    CHECK(describe(f.resolve("dup@example.com")) == List{"mailbox rich"});
}

TEST_CASE(":include: files: addresses are re-submitted, commands and files need 'include'")
{
    ResolverFixture f("");
    const std::string members = f.write("lists/members", "rich\n# comment\nfar@remote.example\n|/bin/true\n/tmp/x\n");
    f.write("aliases", "list: :include:" + members + "\nnone: :include:/nonexistent/file\n");
    CHECK(describe(f.resolve("list@example.com")) ==
          List{"forward rich@mail.example.com from sender@remote.example",
               "forward far@remote.example from sender@remote.example",
               "failed 5.7.1 mail to command is restricted: /bin/true (:include:" + members + ")",
               "failed 5.7.1 mail to file is restricted: /tmp/x (:include:" + members + ")"});
    CHECK(describe(f.resolve("none@example.com")) ==
          List{"failed 5.3.5 mail system configuration error: :include: file /nonexistent/file not found"});

    ResolverFixture allowed("", "allow_mail_to_commands = alias, forward, include\n");
    const std::string cmd = allowed.write("lists/cmd", "|/bin/true\n");
    allowed.write("aliases", "list: :include:" + cmd + "\n");
    CHECK(describe(allowed.resolve("list@example.com")) == List{"command /bin/true"});

    ResolverFixture writable("");
    const std::string open = writable.write("lists/open", "rich\n", 0666);
    writable.write("aliases", "list: :include:" + open + "\n");
    CHECK(describe(writable.resolve("list@example.com")).front().find("world writable") != std::string::npos);
}

TEST_CASE(".forward: addresses are re-submitted, \\user and the user's own name mean the mailbox")
{
    ResolverFixture f("");
    f.write("home/rich/.forward", "katie, \\rich\n\"|/usr/bin/procmail -a $EXTENSION\"\n/tmp/saved-rich\n~/saved\n");
    const auto r = f.resolve("rich@example.com");
    CHECK(describe(r) == List{"forward katie@mail.example.com from sender@remote.example", "mailbox rich",
                              "command /usr/bin/procmail -a $EXTENSION", "file /tmp/saved-rich",
                              "file " + (f.dir / "home/rich/saved").string()});
    REQUIRE(r.destinations[2].rights.credentials);
    CHECK(r.destinations[2].rights.credentials->uid == ::geteuid());
    CHECK(r.destinations[2].rights.home == (f.dir / "home/rich").string());
    CHECK(r.destinations[2].origin == (f.dir / "home/rich/.forward").string());

    f.write("home/katie/.forward", "katie\nrich@remote.example\n");
    CHECK(describe(f.resolve("katie@example.com")) ==
          List{"mailbox katie", "forward rich@remote.example from sender@remote.example"});
}

TEST_CASE(".forward+extension is tried first; an empty .forward means the mailbox")
{
    ResolverFixture f("");
    f.write("home/rich/.forward+lists", "far@remote.example\n");
    f.write("home/rich/.forward", "other@remote.example\n");
    CHECK(describe(f.resolve("rich+lists@example.com")) ==
          List{"forward far@remote.example from sender@remote.example"});
    CHECK(describe(f.resolve("rich+other@example.com")) ==
          List{"forward other@remote.example from sender@remote.example"});
    f.write("home/katie/.forward", "# nothing but a comment\n\n");
    CHECK(describe(f.resolve("katie@example.com")) == List{"mailbox katie"});
}

TEST_CASE(".forward files others could have written are ignored")
{
    ResolverFixture f("");
    f.write("home/rich/.forward", "far@remote.example\n", 0664);
    auto r = f.resolve("rich@example.com");
    CHECK(describe(r) == List{"mailbox rich"});
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("group or world writable") != std::string::npos);
    std::filesystem::remove(f.dir / "home/rich/.forward");
    std::filesystem::create_symlink(f.dir / "aliases", f.dir / "home/rich/.forward");
    r = f.resolve("rich@example.com");
    CHECK(describe(r) == List{"mailbox rich"});
    CHECK(r.warnings.at(0).find("symbolic link") != std::string::npos);
}

TEST_CASE("luser_relay catches unknown users; postmaster without an alias is discarded")
{
    ResolverFixture f("", "luser_relay = admin+$local\n");
    const auto r = f.resolve("zed@example.com");
    CHECK(describe(r) == List{"mailbox admin+zed"});
    CHECK(r.destinations[0].extension == "zed");
    ResolverFixture g("");
    const auto p = g.resolve("postmaster@example.com");
    CHECK(describe(p) == List{"discard postmaster@example.com"});
    CHECK(p.warnings == List{"required alias not found: postmaster"});
}

TEST_CASE("Delivered-To: loops, virtual domains and a users database that is down")
{
    ResolverFixture f("list: rich\n");
    CHECK(describe(f.resolve("rich@example.com", {"rich@example.com"})) ==
          List{"failed 5.4.6 mail forwarding loop for rich@example.com"});
    CHECK(describe(f.resolve("list@example.com", {"rich@mail.example.com"})) ==
          List{"failed 5.4.6 mail forwarding loop for rich@mail.example.com"});
    const auto v = f.resolve("Ann+Spam@Virtual.Example");
    CHECK(describe(v) == List{"mailbox ann@virtual.example+spam"});
    CHECK_FALSE(v.destinations[0].local_domain);
    CHECK(describe(f.resolve("list@virtual.example")) == List{"failed 5.1.1 unknown user: \"list@virtual.example\""});
    f.users.down = true;
    const auto down = f.resolve("rich@example.com");
    CHECK(down.summary().enhanced == "4.3.0");
    CHECK(down.summary().reply == 451);
}

TEST_CASE("an aliases file that cannot be read defers; a broken alias is a configuration error")
{
    ResolverFixture f("broken: \"|unterminated\n");
    CHECK(f.resolve("broken@example.com").summary().enhanced == "4.3.5");
    std::filesystem::remove(f.dir / "aliases");
    const auto r = f.resolve("rich@example.com");
    CHECK(r.summary().enhanced == "4.3.0");
    CHECK(r.summary().text.find("alias database unavailable") == 0);
}
