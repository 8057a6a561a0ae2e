// tests/unit/delivery/resolver_fixture.hpp - a configuration, a users database, homes and an
// aliases file in a scratch directory, for resolver tests. Users get the test's own uid and
// gid, so reading their files needs no privilege switch.
#pragma once
#include "core/config/core_parameters.hpp"
#include "delivery/delivery_parameters.hpp"
#include "delivery/resolve/resolver.hpp"
#include "mailstore/mailstore_parameters.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

class FakeUsers : public mailroom::core::UserDatabase {
public:
    std::map<std::string, mailroom::core::User, std::less<>> users;
    bool down = false;

    mailroom::core::UserLookup lookup(std::string_view name) override
    {
        using Status = mailroom::core::UserLookup::Status;
        if (down)
            return {Status::temporary_failure, {}, "users database down"};
        const auto it = users.find(name);
        if (it == users.end())
            return {Status::not_found, {}, {}};
        return {Status::found, it->second, {}};
    }
    std::string description() const override { return "fake"; }
};

struct ResolverFixture {
    std::filesystem::path dir;
    FakeUsers users;
    std::shared_ptr<const mailroom::core::Config> config;
    std::optional<mailroom::delivery::DeliverySettings> settings;
    mailroom::delivery::AliasMaps aliases;

    explicit ResolverFixture(std::string_view aliases_text, std::string_view extra_config = {})
    {
        char pattern[] = "/tmp/mailroom-resolver-XXXXXX";
        dir = ::mkdtemp(pattern);
        write("aliases", aliases_text);
        std::string text = "myhostname = mail.example.com\n"
                           "mydestination = $myhostname, example.com, localhost\n"
                           "virtual_mailbox_domains = virtual.example\n"
                           "recipient_delimiter = +\n"
                           "home_mailbox = Maildir/\n"
                           "alias_maps = hash:" + (dir / "aliases").string() + "\n";
        text += extra_config;
        auto loaded = mailroom::core::Config::load_text(
            text, "test.conf",
            {mailroom::core::core_parameters(), mailroom::mailstore::mailstore_parameters(),
             mailroom::delivery::delivery_parameters()});
        REQUIRE(loaded.config);
        config = loaded.config;
        std::string error;
        settings = mailroom::delivery::read_delivery_settings(*config, error);
        REQUIRE(settings);
        for (const char* name : {"rich", "katie", "admin", "postmaster-not", "ann@virtual.example"})
            add_user(name);
    }
    ~ResolverFixture() { std::filesystem::remove_all(dir); }

    void add_user(const std::string& name)
    {
        mailroom::core::User user;
        user.name = name;
        user.local_part = name.substr(0, name.find('@'));
        user.domain = name.find('@') == std::string::npos ? "" : name.substr(name.find('@') + 1);
        user.uid = ::geteuid();
        user.gid = ::getegid();
        user.home = (dir / "home" / name).string();
        user.shell = "/bin/sh";
        std::filesystem::create_directories(user.home);
        users.users[name] = user;
    }

    std::string write(const std::string& relative, std::string_view text, mode_t mode = 0644)
    {
        const auto path = dir / relative;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path, std::ios::trunc) << text;
        ::chmod(path.c_str(), mode);
        return path.string();
    }

    mailroom::delivery::Resolution resolve(std::string_view address, std::set<std::string, std::less<>> loop = {},
                                           std::string_view sender = "sender@remote.example")
    {
        mailroom::delivery::ResolverContext context{*settings, *config, users, aliases, std::move(loop)};
        return mailroom::delivery::resolve_recipient(context, address, sender);
    }
};
