// tests/unit/filters/test_flags.cpp - every recipe flag (procmailrc(5) "Recipes"): H B D A a
// E e h b f c w W i r, with the message and program answers of engine_fixture.hpp.
#include "engine_fixture.hpp"

using namespace filters_test;

TEST_CASE("H, B, HB choose the search area; D makes it case-sensitive")
{
    struct Row {
        const char* rc;
        bool delivered_to_x;
    } rows[] = {
        {":0\n* ^Subject:.*guitars\nx\n", true},
        {":0 B\n* ^Subject:.*guitars\nx\n", false},
        {":0 B\n* see you\nx\n", true},
        {":0 H\n* see you\nx\n", false},
        {":0 HB\n* see you\nx\n", true},
        {":0 HB\n* ^Subject:.*guitars\nx\n", true},
        {":0 D\n* ^Subject:.*GUITARS\nx\n", false},
        {":0\n* ^Subject:.*GUITARS\nx\n", true},
        {":0\n* B ?? see you\nx\n", true},
        {":0 B\n* H ?? ^To:.*mruser\nx\n", true},
    };
    for (const Row& r : rows) {
        const std::string rc_text = r.rc;
        CAPTURE(rc_text);
        TempHome home;
        Run run;
        run_rc(run, home, r.rc);
        REQUIRE(run.sink.saved.size() == 1);
        CHECK((run.sink.saved[0].path == home.dir + "/x") == r.delivered_to_x);
        CHECK(run.out.delivered);
    }
}

TEST_CASE("A, a, E, e chaining")
{
    struct Row {
        const char* rc;
        std::vector<std::string> folders;  // relative to home, in order
    } rows[] = {
        {":0 c\n* ^From:.*alice\none\n:0 A\ntwo\n", {"one", "two"}},
        {":0 c\n* ^From:.*nobody\none\n:0 A\ntwo\n", {"Mailbox"}},
        {":0\n* ^From:.*nobody\none\n:0 E\ntwo\n", {"two"}},
        {":0\n* ^From:.*alice\none\n:0 E\ntwo\n", {"one"}},
        {":0\n* ^From:.*zzz\none\n:0 E\n* ^From:.*qqq\ntwo\n:0 E\nthree\n", {"three"}},
        {":0 c\n* ^From:.*alice\n/fail\n:0 e\nrescued\n", {"rescued"}},
        {":0 c\n* ^From:.*alice\nok\n:0 e\nrescued\n", {"ok", "Mailbox"}},
        {":0 c\n* ^From:.*alice\n/fail\n:0 a\nafter\n", {"Mailbox"}},
        {":0 c\n* ^From:.*alice\nok\n:0 a\nafter\n", {"ok", "after"}},
    };
    for (const Row& r : rows) {
        const std::string rc_text = r.rc;
        CAPTURE(rc_text);
        TempHome home;
        Run run;
        run.sink.fail_paths = {"/fail"};
        run_rc(run, home, r.rc);
        std::vector<std::string> expected;
        for (const auto& f : r.folders)
            expected.push_back(home.dir + "/" + f);
        CHECK(run.sink.paths() == expected);
    }
}

TEST_CASE("h and b choose what is written; r leaves the end alone")
{
    TempHome home;
    Run run;
    run_rc(run, home, ":0 hc\nheads\n:0 bc\nbodies\n:0 rc\nraw\n:0\nall\n", "Subject: s\n\nbody");
    REQUIRE(run.sink.saved.size() == 4);
    CHECK(run.sink.saved[0].message == "From alice@example.org  " + run.sink.saved[0].message.substr(24, 24) +
                                           "\nSubject: s\n\n");
    CHECK(run.sink.saved[1].message == "body\n");
    CHECK(run.sink.saved[2].message.ends_with("\n\nbody"));
    CHECK(run.sink.saved[3].message.ends_with("\n\nbody\n"));
}

TEST_CASE("c keeps processing; a delivering recipe without c stops it")
{
    TempHome home;
    Run run;
    run_rc(run, home, ":0 c\none\n:0\ntwo\n:0\nthree\n");
    CHECK(run.sink.paths() == std::vector<std::string>{home.dir + "/one", home.dir + "/two"});
    CHECK(run.out.deliveries[0].copy);
    CHECK(!run.out.deliveries[1].copy);
    CHECK(!run.out.to_default);
}

TEST_CASE("f filters: header, body or everything; w keeps the text when the filter fails")
{
    auto rewrite = [](const ProgramRequest& r) {
        ProgramResult res;
        res.ran = true;
        res.exit_status = r.display.find("fail") != std::string::npos ? 1 : 0;
        res.output = "X-Filtered: " + r.display + "\n\n";
        return res;
    };
    struct Row {
        const char* rc;
        const char* expect_start;   // of the stored message after the From_ line is dropped
        bool expect_body;
    } rows[] = {
        {":0 fh\n| hdr\n:0\nout\n", "X-Filtered: hdr\n\nHello,", true},
        {":0 fwh\n| fail\n:0\nout\n", "From alice", true},
        {":0 fh\n| fail\n:0\nout\n", "X-Filtered: fail\n\nHello,", true},
        {":0 fb\n| bdy\n:0\nout\n", "From alice", false},
    };
    for (const Row& r : rows) {
        const std::string rc_text = r.rc;
        CAPTURE(rc_text);
        TempHome home;
        Run run;
        run.sink.answer = rewrite;
        run_rc(run, home, r.rc);
        REQUIRE(!run.sink.saved.empty());
        const std::string& m = run.sink.saved.back().message;
        CHECK(m.starts_with(r.expect_start));
        CHECK((m.find("see you at the meeting") != std::string::npos) == r.expect_body);
    }
}

TEST_CASE("w and W: a failing program does not deliver; without w the exit code is ignored")
{
    auto exit1 = [](const ProgramRequest&) {
        ProgramResult res;
        res.ran = true;
        res.exit_status = 1;
        return res;
    };
    struct Row {
        const char* rc;
        bool to_default;
        bool failure_logged;
    } rows[] = {
        {":0 w\n| prog\n", true, true},
        {":0 W\n| prog\n", true, false},
        {":0\n| prog\n", false, false},
    };
    for (const Row& r : rows) {
        const std::string rc_text = r.rc;
        CAPTURE(rc_text);
        TempHome home;
        Run run;
        run.sink.answer = exit1;
        run_rc(run, home, r.rc);
        CHECK(run.out.to_default == r.to_default);
        bool logged = false;
        for (const auto& e : run.out.errors)
            logged = logged || e.text.starts_with("Program failure (1)");
        CHECK(logged == r.failure_logged);
    }
}

TEST_CASE("i ignores a program that does not read its input")
{
    auto closes_early = [](const ProgramRequest&) {
        ProgramResult res;
        res.ran = true;
        res.exit_status = 0;
        res.stdin_fully_written = false;
        return res;
    };
    for (const auto& [rc, to_default] : {std::pair{":0\n| head -c1\n", true}, std::pair{":0 i\n| head -c1\n", false}}) {
        CAPTURE(rc);
        TempHome home;
        Run run;
        run.sink.answer = closes_early;
        run_rc(run, home, rc);
        CHECK(run.out.to_default == to_default);
    }
}
