// tests/unit/filters/test_engine.cpp - the interpreter (procmailrc(5)): variables and their
// side effects, scoring (procmailsc(5)), nested blocks, INCLUDERC/SWITCHRC, the c clone,
// forwarding, capture, and the fall-back to $DEFAULT on every kind of error.
#include "engine_fixture.hpp"

using namespace filters_test;

namespace {
std::string logged(const Run& run)
{
    std::string all;
    for (const auto& l : run.sink.logged)
        all += l;
    return all;
}
}  // namespace

TEST_CASE("falling off the end delivers to $DEFAULT; DEFAULT and ORGMAIL fall back")
{
    TempHome home;
    Run run;
    run_rc(run, home, ":0\n* ^Subject:.*nomatch\nx\n");
    REQUIRE(run.sink.saved.size() == 1);
    CHECK(run.sink.saved[0].path == home.dir + "/Mailbox");
    CHECK(run.sink.saved[0].is_default);
    CHECK(run.out.to_default);
    CHECK(run.out.exit_code == 0);

    Run run2;
    run2.sink.fail_paths = {"/broken"};
    run_rc(run2, home, "DEFAULT=/broken\n");
    CHECK(run2.sink.paths() == std::vector<std::string>{home.dir + "/Mailbox"});

    Run run3;
    run3.sink.fail_paths = {"/broken", home.dir + "/Mailbox"};
    run_rc(run3, home, "DEFAULT=/broken\n");
    CHECK(!run3.out.delivered);
    CHECK(run3.out.exit_code == ex_cantcreat);
}

TEST_CASE("errors never lose the message and carry file:line")
{
    struct Row {
        const char* rc;
        int error_line;
    } rows[] = {
        {"@@@\n:0\n* ^Subject\n", 1},                       // junk, then an incomplete recipe
        {":0\n* a\n\n:0\n* nomatch\nx\n", 4},                         // missing action
        {":0\n* ^Subject\n/nonexistent/folder\n", 1},      // the save fails
        {"INCLUDERC=missing.rc\n", 1},
        {"MAILDIR=/nonexistent\n", 1},
        {":0\n* ^Subject\n{\n", 1},                        // missing closing brace
    };
    for (const Row& r : rows) {
        const std::string rc_text = r.rc;
        CAPTURE(rc_text);
        TempHome home;
        Run run;
        run.sink.fail_paths = {"/nonexistent/folder"};
        run_rc(run, home, r.rc);
        CHECK(run.out.delivered);
        REQUIRE(!run.out.errors.empty());
        CHECK(run.out.errors[0].line == r.error_line);
        CHECK(run.sink.saved.back().path == home.dir + "/Mailbox");
    }
}

TEST_CASE("variables: expansion, MAILDIR, LOG, LASTFOLDER, MATCH, $=")
{
    TempHome home;
    std::filesystem::create_directories(home.dir + "/Mail");
    Run run;
    run_rc(run, home,
           "MAILDIR=$HOME/Mail\n"
           "LOGFILE=log\n"
           "LOG=\"start ${NOPE:-none} $LOGNAME\n\"\n"
           ":0 c\n* ^Subject: *\\/[a-z]+\nby-$MATCH\n"
           "LOG=\"last=$LASTFOLDER match=$MATCH\n\"\n"
           ":0\n* 10^0 guitars\n* -3^0 nothing\n* 2^1 e\nscored\n"
           "LOG=\"score=$=\n\"\n");
    REQUIRE(run.sink.saved.size() == 2);
    CHECK(run.sink.saved[0].path == home.dir + "/Mail/by-meeting");
    CHECK(run.sink.saved[1].path == home.dir + "/Mail/scored");
    const std::string log = logged(run);
    CHECK(log.find("start none mruser\n") != std::string::npos);
    CHECK(log.find("last=by-meeting match=meeting\n") != std::string::npos);
}

TEST_CASE("weighted scoring decides and $= keeps the last score")
{
    struct Row {
        const char* conds;
        bool matched;
        const char* score;
    } rows[] = {
        {"* 1^0 meeting\n", true, "1"},
        {"* -1^0 meeting\n", false, "-1"},
        {"* 2^1 e\n", true, nullptr},                 // e occurs several times in the header
        {"* -100^0\n* 1^1 ^.*$\n", false, nullptr},   // fewer than 100 header lines
        {"* 5^0 ! nothing\n", true, "5"},
        {"* 3^0 > 10\n", true, nullptr},
        {"* 9^0 ? true\n", true, "9"},
        {"* 2147483647^0 a\n* -5^0 meeting\n", true, "2147483647"},
    };
    for (const Row& r : rows) {
        const std::string conds = r.conds;
        CAPTURE(conds);
        TempHome home;
        Run run;
        run_rc(run, home, std::string("LOGFILE=log\n:0\n") + r.conds + "hit\nLOG=\"$=\"\n");
        CHECK((run.sink.saved[0].path == home.dir + "/hit") == r.matched);
        if (r.score && !r.matched)
            CHECK(logged(run).starts_with(r.score));
        if (r.score && r.matched)
            CHECK(run.sink.saved.size() == 1);
    }
}

TEST_CASE("nested blocks restore the outer A/E state")
{
    TempHome home;
    Run run;
    run_rc(run, home,
           ":0\n* ^From:.*alice\n{\n  :0\n  * ^Subject:.*nomatch\n  {\n    :0\n    inner\n  }\n"
           "  :0 E\n  * ^Subject:.*meeting\n  {\n    :0 c\n    else-branch\n  }\n}\n:0 E\nouter-else\n:0\nlast\n");
    CHECK(run.sink.paths() == std::vector<std::string>{home.dir + "/else-branch", home.dir + "/last"});
}

TEST_CASE("c on a block clones: the clone runs the block and the rest, the parent skips it")
{
    TempHome home;
    Run run;
    run_rc(run, home, ":0 c\n{\n  :0\n  * ^Subject:.*nomatch\n  inner\n}\n:0\nafter\n");
    // the clone falls through the block to "after"; the parent skips the block, also "after"
    CHECK(run.sink.paths() == std::vector<std::string>{home.dir + "/after", home.dir + "/after"});
    CHECK(run.out.deliveries[0].copy);
    CHECK(!run.out.deliveries[1].copy);
}

TEST_CASE("INCLUDERC and SWITCHRC")
{
    TempHome home;
    home.write("inc.rc", "INCVAR=yes\n:0 c\n* ^Subject:.*meeting\nfrom-include\n");
    home.write("sw.rc", ":0\nfrom-switch\n");
    Run run;
    run_rc(run, home, "INCLUDERC=inc.rc\n:0 c\n* INCVAR ?? yes\nafter-include\nSWITCHRC=sw.rc\n:0\nnever\n");
    CHECK(run.sink.paths() == std::vector<std::string>{home.dir + "/from-include", home.dir + "/after-include",
                                                      home.dir + "/from-switch"});
    Run run2;
    run_rc(run2, home, "SWITCHRC=missing.rc\n:0\nstill-here\n");
    CHECK(run2.sink.paths() == std::vector<std::string>{home.dir + "/still-here"});
    Run run3;
    run_rc(run3, home, "SWITCHRC\n:0\nnot-reached\n");
    CHECK(run3.sink.paths() == std::vector<std::string>{home.dir + "/Mailbox"});
}

TEST_CASE("forwarding, program conditions, capture and backquotes")
{
    TempHome home;
    Run run;
    run.sink.answer = [](const ProgramRequest& r) {
        ProgramResult res;
        res.ran = true;
        res.exit_status = r.display.find("false") != std::string::npos ? 1 : 0;
        res.output = "out1\n\n";
        return res;
    };
    run_rc(run, home,
           "SENDMAILFLAGS=\"-oi -f me\"\nLOGFILE=log\n:0\nCAP=| cat\nBQ=`echo x`\nLOG=\"[$CAP][$BQ]\"\n"
           ":0\n* ? false\nnot-here\n:0\n* !? false\n! a@b.example \"c d\"\n");
    CHECK(logged(run).find("[out1\n][out1]") != std::string::npos);
    const ProgramRequest& fwd = run.sink.programs.back();
    CHECK(fwd.purpose == ProgramRequest::Purpose::forward);
    CHECK(fwd.argv == std::vector<std::string>{"/usr/sbin/sendmail", "-oi", "-f", "me", "a@b.example", "c d"});
    CHECK(run.sink.inputs.back().starts_with("From: Alice"));   // no From_ line when forwarding
    CHECK(run.sink.saved.empty());
    CHECK(run.out.delivered);
}

TEST_CASE("a failed capture with w leaves the variable as it was")
{
    TempHome home;
    Run run;
    run.sink.answer = [](const ProgramRequest&) {
        ProgramResult res;
        res.ran = true;
        res.exit_status = 4;
        res.output = "partial\n";
        return res;
    };
    run_rc(run, home, "LOGFILE=log\nOLD=before\n:0 w\nOLD=| x\n:0 w\nNEW=| x\n:0\nOK=| x\nLOG=\"[$OLD][${NEW-unset}][$OK]\"\n");
    CHECK(logged(run).find("[before][unset][partial]") != std::string::npos);
}

TEST_CASE("empty lines in front of the message are dropped before the From_ line")
{
    TempHome home;
    Run run;
    run_rc(run, home, "", "\n\nSubject: x\n\nbody\n");
    REQUIRE(run.sink.saved.size() == 1);
    CHECK(run.sink.saved[0].message.find("\nSubject: x\n\nbody\n") != std::string::npos);
    CHECK(run.sink.saved[0].message.find("\n\n\n") == std::string::npos);
}

TEST_CASE("programs run through $SHELL only when SHELLMETAS appear")
{
    TempHome home;
    Run run;
    run_rc(run, home, ":0 c\n| prog \"a b\" $LOGNAME\n:0\n| prog > out\n");
    REQUIRE(run.sink.programs.size() == 2);
    // not on $PATH: procmail then hands the words to /bin/sh, which reads "prog" as a script
    CHECK(run.sink.programs[0].argv == std::vector<std::string>{"/bin/sh", "prog", "a b", "mruser"});
    CHECK(run.sink.programs[1].argv == std::vector<std::string>{"/bin/sh", "-c", " prog > out"});
    CHECK(run.sink.inputs[0].starts_with("From alice@example.org "));  // programs get the From_ line
}

TEST_CASE("a program without shell metacharacters is looked up on $PATH")
{
    TempHome home;
    Run run;
    run_rc(run, home, "PATH=/usr/bin:/bin\n:0\n| cat -u\n");
    REQUIRE(run.sink.programs.size() == 1);
    const std::string cat = run.sink.programs[0].argv[0];
    CHECK((cat == "/usr/bin/cat" || cat == "/bin/cat"));
    CHECK(run.sink.programs[0].argv[1] == "-u");
}

TEST_CASE("HOST mismatch, DELIVERED and EXITCODE")
{
    TempHome home;
    Run run;
    run_rc(run, home, "HOST=no.such.host.invalid\n:0\nnever\n");
    CHECK(run.sink.saved.empty());
    CHECK(run.out.delivered);
    CHECK(run.out.exit_code == 0);

    Run run2;
    run_rc(run2, home, "EXITCODE=75\n");
    CHECK(run2.out.exit_code == 75);

    Run run3;
    run3.sink.fail_paths = {home.dir + "/Mailbox"};
    run_rc(run3, home, "DELIVERED=yes\n");
    CHECK(run3.out.delivered);
    CHECK(run3.out.exit_code == 0);
}

TEST_CASE("folder kinds")
{
    TempHome home;
    std::filesystem::create_directories(home.dir + "/plain-dir");
    Run run;
    run_rc(run, home, ":0 c\nmd/\n:0 c\nmh/.\n:0 c\nplain-dir\n:0 c\n/dev/null\n:0\nmbox\n");
    REQUIRE(run.sink.saved.size() == 5);
    CHECK(run.sink.saved[0].kind == FolderKind::maildir);
    CHECK(run.sink.saved[0].path == home.dir + "/md");
    CHECK(!run.sink.saved[0].message.starts_with("From "));   // Maildir files have no From_ line
    CHECK(run.sink.saved[1].kind == FolderKind::mh);
    CHECK(run.sink.saved[1].path == home.dir + "/mh");
    CHECK(run.sink.saved[2].kind == FolderKind::directory);
    CHECK(run.sink.saved[3].kind == FolderKind::devnull);
    CHECK(run.sink.saved[4].kind == FolderKind::mbox);
    CHECK(run.sink.saved[4].message.starts_with("From alice@example.org "));
}

TEST_CASE("LOGABSTRACT lines")
{
    TempHome home;
    Run run;
    run_rc(run, home, "LOGFILE=log\n:0\nfolder\n");
    const std::string log = logged(run);
    CAPTURE(log);
    CHECK(log.find("From alice@example.org ") == 0);
    CHECK(log.find("\n Subject: meeting about guitars\n  Folder: folder\t") != std::string::npos);
    CHECK(log.ends_with("\t    " + std::to_string(run.sink.saved[0].message.size()) + "\n"));
}
