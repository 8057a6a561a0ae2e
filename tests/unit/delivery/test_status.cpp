// tests/unit/delivery/test_status.cpp - RFC 3463 statuses: storage errors (Postfix's
// mbox_dsn), program exits (sys_exits.c), reply codes, sysexits for the LDA.
#include "delivery/status.hpp"

#include <doctest/doctest.h>

#include <sysexits.h>

using namespace mailroom::delivery;
using mailroom::mailstore::Errc;

TEST_CASE("storage errors map to enhanced status codes")
{
    struct Row {
        Errc errc;
        bool tempfail;
        std::string_view enhanced;
        int reply;
    };
    const Row rows[] = {
        {Errc::temporary, false, "4.3.0", 451},  {Errc::in_use, false, "4.2.0", 450},
        {Errc::over_quota, false, "5.2.2", 552}, {Errc::over_quota, true, "4.2.2", 452},
        {Errc::too_big, false, "5.2.3", 552},    {Errc::corrupt, false, "4.3.5", 451},
        {Errc::no_permission, false, "5.2.0", 550}, {Errc::unsafe_path, false, "5.2.0", 550},
        {Errc::not_found, false, "5.2.0", 550},
    };
    for (const auto& row : rows) {
        CAPTURE(static_cast<int>(row.errc));
        const Status status = status_from_store_error({make_error_code(row.errc), "why"}, row.tempfail);
        CHECK(status.enhanced == row.enhanced);
        CHECK(status.reply == row.reply);
        CHECK(status.text == "why");
    }
    CHECK(status_from_store_error(mailroom::mailstore::errno_error(ENOSPC, "cannot write", "/x"), false).enhanced == "4.3.0");
    CHECK(status_from_store_error(mailroom::mailstore::errno_error(EIO, "cannot write", "/x"), false).enhanced == "4.3.0");
    CHECK(status_from_store_error(mailroom::mailstore::errno_error(EDQUOT, "cannot write", "/x"), false).enhanced == "5.2.2");
}

TEST_CASE("program exits: sysexits table, enhanced codes in the output, unknown statuses")
{
    struct Row {
        int exit_status;
        std::string_view output;
        std::string_view enhanced;
        std::string_view text;
    };
    const Row rows[] = {
        {EX_TEMPFAIL, "", "4.3.0", "temporary failure"},
        {EX_TEMPFAIL, "disk\nfull\n", "4.3.0", "temporary failure. Command output: disk full"},
        {EX_NOUSER, "", "5.1.1", "user unknown"},
        {EX_OSERR, "", "4.3.0", "system resource problem"},
        {EX_UNAVAILABLE, "usage: x", "5.3.0", "service unavailable. Command output: usage: x"},
        {EX_CANTCREAT, "", "5.2.0", "can't create user output file"},
        {EX_CONFIG, "", "5.3.5", "local configuration error"},
        {1, "", "5.3.0", "Command died with status 1: \"cmd\""},
        {1, "4.2.2 mailbox full", "4.2.2", "mailbox full"},
        {EX_NOUSER, "5.2.1 mailbox disabled\n", "5.2.1", "mailbox disabled"},
        {1, "4.2 not a code", "5.3.0", "Command died with status 1: \"cmd\". Command output: 4.2 not a code"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.exit_status);
        CAPTURE(row.output);
        const Status status = status_from_exit(row.exit_status, "cmd", row.output);
        CHECK(status.enhanced == row.enhanced);
        CHECK(status.text == row.text);
    }
}

TEST_CASE("reply codes, enhanced code syntax and sysexits for mailroom deliver")
{
    CHECK(reply_code_for("2.1.5") == 250);
    CHECK(reply_code_for("4.4.1") == 451);
    CHECK(reply_code_for("5.1.1") == 550);
    CHECK(reply_code_for("5.4.6") == 554);
    CHECK(reply_code_for("5.3.4") == 552);
    CHECK(is_enhanced_code("2.0.0"));
    CHECK(is_enhanced_code("5.123.456"));
    CHECK_FALSE(is_enhanced_code("3.0.0"));
    CHECK_FALSE(is_enhanced_code("5.0"));
    CHECK_FALSE(is_enhanced_code("5.0.0.0"));
    CHECK_FALSE(is_enhanced_code("5.1234.0"));
    CHECK_FALSE(is_enhanced_code("5..0"));
    struct Row {
        std::string_view enhanced;
        int code;
    };
    const Row rows[] = {{"2.0.0", EX_OK},        {"4.2.2", EX_TEMPFAIL}, {"5.1.1", EX_NOUSER},
                        {"5.1.2", EX_NOHOST},    {"5.2.2", EX_CANTCREAT}, {"5.3.5", EX_CONFIG},
                        {"5.6.0", EX_DATAERR},   {"5.7.1", EX_NOPERM},   {"5.4.6", EX_UNAVAILABLE}};
    for (const auto& row : rows)
        CHECK(exit_code_for(Status::make(row.enhanced, "x")) == row.code);
}

TEST_CASE("one_line makes program output safe for a reply")
{
    CHECK(one_line("  a\r\nb\tc  ") == "a b c");
    CHECK(one_line(std::string_view("x\0y", 3)) == "x y");
    CHECK(one_line(std::string(1000, 'z'), 10).size() == 10);
    CHECK(one_line("").empty());
}
