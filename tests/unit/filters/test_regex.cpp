// tests/unit/filters/test_regex.cpp - procmail regex dialect on PCRE2 (procmailrc(5)
// "Extended regular expressions", MISCELLANEOUS macros; procmailsc(5) counting).
#include <doctest/doctest.h>

#include "filters/regex.hpp"
#include "filters/regex_translate.hpp"

using namespace mailroom::filters;

namespace {
bool matches(const char* re, std::string_view text, bool caseless = true)
{
    bool force = false;
    const std::string pattern = expand_regex_macros(re, force);
    const Regex r(pattern, caseless || force);
    const std::string s = make_subject(text);
    return r.search({s});
}
}  // namespace

TEST_CASE("procmail regex -> what matches")
{
    struct Row {
        const char* re;
        const char* text;
        bool match;
    } rows[] = {
        {"^Subject:.*guitar", "From x\nSubject: my guitar\n\n", true},
        {"^Subject:.*guitar", "From x\nX-Subject: my guitar\n\n", false},
        {"^subject", "Subject: a\n", true},                      // case-insensitive by default
        {"^From", "From x\n", true},                             // ^ matches at the start of the area
        {"x$", "a x", true},                                     // $ matches at the end of the area
        {"a$^b", "a\nb", false},                                 // ^ and $ each consume a newline
        {"a$b", "a\nb", true},
        {"a^b", "a\nb", true},
        {"a.b", "a\nb", false},                                  // . never matches a newline
        {"a[^x]b", "a\nb", false},                               // neither does a negated class
        {"a[^x]b", "a-b", true},
        {"[]x]", "]", true},                                     // ] first in a class is literal
        {"[-a]", "-", true},
        {"[a-]", "-", true},
        {"[\\]", "\\", true},                                    // no escapes inside classes
        {"\\<cat\\>", "a cat.", true},
        {"\\<cat\\>", "concatenate", false},
        {"\\<cat", "cat", true},                                 // \< may use the area's leading newline
        {"^^From", "From x\n", true},
        {"^^rom", "From x\n", false},
        {"x^^", "a x", true},
        {"x^^", "a x\n", false},
        {"x$^^", "a x\n", true},
        {"a{2}", "aa", false},                                   // { is literal
        {"a{2}", "a{2}", true},
        {"*a", "*a", true},                                      // nothing to repeat: literal
        {"a**", "aaa*", true},
        {"a**", "aaa", false},                                   // the second * is a literal
        {"(|x)y", "y", true},
        {"a+b", "aab", true},
        {"\\.", "a", false},
        {"\\n", "n", true},                                      // backslash quotes any character
        {"", "", true},
        {"x\\/y", "xy", true},
        {"\xe4", "\xe4", true},                                  // 8-bit bytes
        {"\xc4", "\xe4", false},                                 // only ASCII letters fold
    };
    for (const Row& r : rows) {
        const std::string re_text = r.re, text = r.text;
        CAPTURE(re_text);
        CAPTURE(text);
        CHECK(matches(r.re, r.text) == r.match);
    }
}

TEST_CASE("case sensitivity with D, and ^FROM_DAEMON always ignoring case")
{
    CHECK(!matches("^Subject: GUITAR", "Subject: guitar\n", false));
    CHECK(matches("^Subject: guitar", "Subject: guitar\n", false));
    CHECK(matches("^FROM_DAEMON", "From: MAILER-DAEMON@x.example\n", false));
}

TEST_CASE("macros")
{
    struct Row {
        const char* re;
        const char* text;
        bool match;
    } rows[] = {
        {"^TO_joe@x\\.org", "To: Joe <joe@x.org>\n", true},
        {"^TO_joe@x\\.org", "To: bigjoe@x.org\n", false},
        {"^TO_joe@x\\.org", "Cc: a@b, joe@x.org\n", true},
        {"^TO_joe@x\\.org", "Resent-To: joe@x.org\n", true},
        {"^TO_joe@x\\.org", "X-Envelope-To: joe@x.org\n", true},
        {"^TO_joe@x\\.org", "Apparently-Resent-To: joe@x.org\n", true},
        {"^TO_joe@x\\.org", "Original-Cc: joe@x.org\n", true},
        {"^TOscuba", "To: scuba-dive@lists.example\n", true},
        {"^TOscuba", "To: xscuba@lists.example\n", false},
        {"^FROM_DAEMON", "From: Mail Delivery System <MAILER-DAEMON@mx.example>\n", true},
        {"^FROM_DAEMON", "Precedence: bulk\n", true},
        {"^FROM_DAEMON", "From: alice@example.org\n", false},
        {"^FROM_DAEMON", "From MAILER-DAEMON  Mon Mar  4 10:00:00 2024\n", true},
        {"^FROM_MAILER", "From: postmaster@example.net\n", true},
        {"^FROM_MAILER", "Precedence: bulk\n", false},
        {"\\^TO_x", "^TO_x", true},
    };
    for (const Row& r : rows) {
        const std::string re_text = r.re, text = r.text;
        CAPTURE(re_text);
        CAPTURE(text);
        CHECK(matches(r.re, r.text) == r.match);
    }
}

TEST_CASE("MATCH extraction after \\/")
{
    struct Row {
        const char* re;
        const char* text;
        const char* match;
    } rows[] = {
        {"^Subject:[ ]*\\/.*", "From x\nSubject: hello world\n\n", " hello world"},  // as procmail
        {"^To:\\/.*$", "To: joe\n", " joe\n"},
        {"^From:.*\\/[a-z]+@", "From: Joe <joe@x.org>\n", "joe@"},   // left part as short as possible
        {"^X:\\/[0-9]+", "X:123abc\n", "123"},                       // right part as long as possible
        {"\\/", "abc", ""},
    };
    for (const Row& r : rows) {
        const std::string re_text = r.re;
        CAPTURE(re_text);
        const Regex re(r.re, true);
        const std::string s = make_subject(r.text);
        const auto m = re.search_match({s});
        REQUIRE(m.has_value());
        CHECK(*m == r.match);
    }
    const Regex none("^Nope:\\/.*", true);
    const std::string s = make_subject("Subject: x\n");
    CHECK(!none.search_match({s}).has_value());
}

TEST_CASE("weighted counting (procmailsc)")
{
    struct Row {
        const char* re;
        const char* text;
        double w, x, expect;
    } rows[] = {
        {"a", "a a a", 1, 1, 3},         // x=1: linear
        {"a", "a a a", 5, 0, 5},         // x=0: only the first match counts
        {"a", "a a a", 1, 2, 7},         // 1 + 2 + 4
        {"b", "a a a", 1, 1, 0},
        {"^.*$", "l1\nl2\n", 1, 1, 3},   // lines, plus the empty one the trailing newline starts
        {"", "abc", 1, 0.5, 2},          // an empty match adds the limit w/(1-x)
    };
    for (const Row& r : rows) {
        const std::string re_text = r.re, text = r.text;
        CAPTURE(re_text);
        CAPTURE(text);
        const Regex re(r.re, true);
        const std::string s = make_subject(r.text);
        double score = 0;
        re.add_weighted({s}, r.w, r.x, score);
        CHECK(score == doctest::Approx(r.expect));
    }
}

TEST_CASE("invalid patterns are reported, not crashed on")
{
    CHECK_NOTHROW(Regex("(((", true));   // procmail closes open groups
    CHECK_NOTHROW(Regex(")", true));
    CHECK_NOTHROW(Regex("[", true));
}
