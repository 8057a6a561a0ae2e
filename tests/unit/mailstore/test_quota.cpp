// tests/unit/mailstore/test_quota.cpp - Maildir++ maildirsize quota and mbox size quota
// (mailstore/quota).
#include "core/config/core_parameters.hpp"
#include "mailstore/folder_delivery.hpp"
#include "mailstore/mailstore_parameters.hpp"
#include "mailstore/quota.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/unit/result_printer.hpp"

#include <doctest/doctest.h>

using namespace mailroom;
using namespace mailroom::mailstore;

namespace {

std::shared_ptr<const core::Config> config(std::string_view text)
{
    auto result = core::Config::load_text(text, "test.conf", {core::core_parameters(), mailstore_parameters()});
    REQUIRE(result.config);
    return result.config;
}

MailLocation maildir_location(const std::filesystem::path& root)
{
    MailLocation location;
    location.inbox_format = location.folder_format = MailFormat::maildir;
    location.inbox = location.folder_root = location.index_root = root;
    return location;
}

}  // namespace

TEST_CASE("quota_rule from the users file, with Dovecot's units")
{
    core::User user;
    user.name = "ann";
    std::string error;
    CHECK(user_quota(user, *config("quota_storage_limit = 5m\n"), error).storage_bytes == 5u << 20);
    struct Row {
        const char* rule;
        std::uint64_t bytes;
        std::uint64_t messages;
    };
    const Row rows[] = {{"*:storage=1G", 1ull << 30, 0},
                        {"*:storage=100M:messages=10", 100ull << 20, 10},
                        {"*:storage=2048", 2048ull * 1024, 0},
                        {"*:storage=500b", 500, 0},
                        {"*:storage=0", 0, 0}};
    for (const auto& row : rows) {
        CAPTURE(row.rule);
        user.extra["quota_rule"] = row.rule;
        error.clear();
        const auto limit = user_quota(user, *config(""), error);
        CHECK(error.empty());
        CHECK(limit.storage_bytes == row.bytes);
        CHECK(limit.messages == row.messages);
    }
    user.extra["quota_rule"] = "*:storage=lots";
    user_quota(user, *config(""), error);
    CHECK(error.find("quota_rule=*:storage=lots") != std::string::npos);
}

TEST_CASE("maildirsize: created from a scan, kept up by deltas, refuses what does not fit")
{
    TempDir dir;
    const auto root = dir.path / "Maildir";
    const auto location = maildir_location(root);
    REQUIRE(deliver_to_maildir(root, std::string(1000, 'a'), {}));
    REQUIRE(deliver_to_maildir(root / ".Sent", std::string(500, 'b'), {}));
    QuotaLimit limit{2000, 0};
    auto usage = quota_usage(location, limit);
    REQUIRE(usage);
    CHECK(usage->bytes == 1500);
    CHECK(usage->messages == 2);
    CHECK(read_file(root / "maildirsize") == "2000S\n1500 2\n");
    CHECK(check_quota(location, limit, 500));
    auto full = check_quota(location, limit, 501);
    REQUIRE_FALSE(full);
    CHECK(full.error().is(Errc::over_quota));
    REQUIRE(record_quota_change(location, limit, 400, 1));
    CHECK(read_file(root / "maildirsize") == "2000S\n1500 2\n400 1\n");
    CHECK(quota_usage(location, limit)->bytes == 1900);
    CHECK(check_quota(location, QuotaLimit{0, 2}, 1).error().text.find("2 of 2 messages") != std::string::npos);
    CHECK(check_quota(location, QuotaLimit{}, 1u << 30));
}

TEST_CASE("a maildirsize written for another limit is recalculated")
{
    TempDir dir;
    const auto root = dir.path / "Maildir";
    REQUIRE(deliver_to_maildir(root, std::string(100, 'a'), {}));
    write_file(root / "maildirsize", "999S\n50000 70\n");
    CHECK(quota_usage(maildir_location(root), QuotaLimit{2000, 0})->bytes == 100);
}

TEST_CASE("mbox users are measured by their files")
{
    TempDir dir;
    MailLocation location;
    location.inbox_format = location.folder_format = MailFormat::mbox;
    location.inbox = dir.path / "inbox";
    location.folder_root = dir.path / "mail";
    write_file(location.inbox, std::string(300, 'x'));
    std::filesystem::create_directories(location.folder_root / "Lists");
    write_file(location.folder_root / "Lists" / "boost", std::string(200, 'y'));
    CHECK(quota_usage(location, QuotaLimit{1000, 0})->bytes == 500);
    CHECK_FALSE(check_quota(location, QuotaLimit{600, 0}, 101));
}
