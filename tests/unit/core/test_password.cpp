// tests/unit/core/test_password.cpp - every password scheme against hashes made by other
// tools (openssl passwd, Python hashlib), and round trips of our own hashes (core/auth/password).
#include "core/auth/password.hpp"

#include <doctest/doctest.h>

using namespace mailroom::core;

TEST_CASE("hashes made by other tools verify, wrong passwords do not")
{
    const std::string_view hashes[] = {
        "{SHA512-CRYPT}$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1",
        "{SHA256-CRYPT}$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
        "{MD5-CRYPT}$1$saltsalt$9xy1btjgzLYfb7hivXtC//",
        "{BLF-CRYPT}$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
        "{CRYPT}$y$j9T$abcdefghijklmnop$3dL1LkYnZM.OVXuVdnnaKVDlLYT92dRwOzDZ5XiVCe.",
        "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1",
        "{SSHA}tCNGqyJLk/uvKpCa4vga5GB2gWoxMjM0NTY3OA==",
        "{SSHA512}iWwx8naQWtJKIoYOgnIUnOjDVRc/KB/avnmg7rvibFhiLlylVmd8s/TomzyGqQwBOpJzU5z2YBupYIJWW8egvDEyMzQ1Njc4",
        "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
        "{SHA256.HEX}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
        "{PLAIN-MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==",
        "{PLAIN}secret",
        "{CLEAR}secret",
    };
    for (auto hash : hashes) {
        CAPTURE(hash);
        CHECK(verify_password(hash, "secret") == PasswordCheck::match);
        CHECK(verify_password(hash, "Secret") == PasswordCheck::mismatch);
        CHECK(verify_password(hash, "") == PasswordCheck::mismatch);
        CHECK(verify_password(hash, "secret ") == PasswordCheck::mismatch);
    }
}

TEST_CASE("every scheme hash_password produces verifies")
{
    for (const auto& scheme : password_schemes()) {
        CAPTURE(scheme);
        const auto hash = hash_password(scheme, "pa:ss word\xc3\xa9");
        REQUIRE(hash);
        CHECK(hash->starts_with("{" + scheme + "}"));
        CHECK(verify_password(*hash, "pa:ss word\xc3\xa9") == PasswordCheck::match);
        CHECK(verify_password(*hash, "pa:ss word") == PasswordCheck::mismatch);
    }
    CHECK(hash_password("SHA512-CRYPT", "x") != hash_password("SHA512-CRYPT", "x"));   // fresh salt
}

TEST_CASE("locked, empty and unknown stored values never match")
{
    CHECK(verify_password("", "") == PasswordCheck::mismatch);
    CHECK(verify_password("{CRYPT}!", "") == PasswordCheck::mismatch);
    CHECK(verify_password("{CRYPT}*", "*") == PasswordCheck::mismatch);
    CHECK(verify_password("{CRYPT}!$6$saltsalt$TVLl", "secret") == PasswordCheck::mismatch);
    CHECK(verify_password("{NO-SUCH}abc", "abc") == PasswordCheck::unsupported_scheme);
    CHECK(verify_password("{SSHA}not base64!", "secret") == PasswordCheck::mismatch);
    CHECK(verify_password("{SHA256.HEX}zz", "secret") == PasswordCheck::mismatch);
    CHECK_FALSE(hash_password("NO-SUCH", "x"));
}

TEST_CASE("clear-text passwords are available only from clear-text schemes")
{
    CHECK(stored_plaintext("{PLAIN}abc") == "abc");
    CHECK(stored_plaintext("{clear}abc") == "abc");
    CHECK_FALSE(stored_plaintext("{SHA512-CRYPT}$6$x$y"));
    CHECK(stored_plaintext("abc", "PLAIN") == "abc");
}
