// tests/unit/imap/test_fetch_stream.cpp - FETCH bodies as the session loop streams them: the
// LF -> CRLF copy (imap/crlf_copy) against message::CrlfConverter, a large message in bounded
// steps, partials that cross the read chunks, \Seen with BODY[] and not with BODY.PEEK[], and
// messages expunged by another session while a FETCH is under way (between its steps).
#include "imap/crlf_copy.hpp"
#include "imap/reply.hpp"
#include "mailstore/message/line_ends.hpp"
#include "transcript_driver.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace mailroom;

namespace {

// One "* N FETCH (...)" response: its number and the literals in it, in order.
struct FetchResponse {
    int number = 0;
    std::string text;                    // the response without its literals' bytes
    std::vector<std::string> literals;
};

// Splits server output into untagged FETCH responses (reading literals by their size) and
// returns the tagged line in `tagged`.
std::vector<FetchResponse> parse_fetches(const std::string& output, std::string& tagged)
{
    std::vector<FetchResponse> responses;
    std::size_t at = 0;
    while (at < output.size()) {
        FetchResponse response;
        for (;;) {
            const auto end = output.find("\r\n", at);
            REQUIRE(end != std::string::npos);
            const std::string line = output.substr(at, end - at);
            at = end + 2;
            response.text += line;
            const auto open = line.rfind('{');
            if (!line.ends_with('}') || open == std::string::npos)
                break;
            const auto size = std::stoul(line.substr(open + 1));
            REQUIRE(at + size <= output.size());
            response.literals.push_back(output.substr(at, size));
            at += size;
        }
        if (response.text.starts_with("* ") && response.text.find(" FETCH (") != std::string::npos) {
            response.number = std::stoi(response.text.substr(2));
            responses.push_back(std::move(response));
        } else if (!response.text.starts_with("* ")) {
            tagged = response.text;
        }
    }
    return responses;
}

// A message of about `size` bytes with LF line ends, lines of varying length.
std::string make_message(const std::string& subject, std::size_t size, unsigned seed)
{
    std::string text = "From: ann@example.com\nTo: bob@example.com\nSubject: " + subject + "\n\n";
    std::mt19937 random(seed);
    while (text.size() < size) {
        const std::size_t length = random() % 120;
        for (std::size_t i = 0; i < length; ++i)
            text += static_cast<char>('a' + (i + text.size()) % 26);
        text += '\n';
    }
    return text;
}

struct Mailbox {
    imaptest::TranscriptDriver driver;
    std::vector<std::string> messages;   // as delivered (LF)

    explicit Mailbox(const std::vector<std::size_t>& sizes)
    {
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            messages.push_back(make_message("message " + std::to_string(i + 1), sizes[i], static_cast<unsigned>(i)));
            driver.deliver("ann", "INBOX", messages.back());
        }
        for (int session : {1, 2}) {
            const std::string said = driver.send(session, "a LOGIN ann secret\r\nb SELECT INBOX\r\n");
            REQUIRE(said.find("b OK") != std::string::npos);
        }
    }
};

const auto no_pause = [](int) {};

}  // namespace

TEST_CASE("crlf_copy converts as CrlfConverter does, in any chunks")
{
    CHECK(imap::crlf_copy({}, nullptr, *std::make_unique<char>(0)) == 0);
    const auto convert = [](std::string_view in) {
        std::string out;
        char prev = 0;
        imap::append_crlf(in, out, prev);
        return out;
    };
    CHECK(convert("a\nb\r\nc\rd\n") == "a\r\nb\r\nc\rd\r\n");
    CHECK(convert(std::string("x\0y\n", 4)) == "x\x80y\r\n");
    CHECK(convert("\n\n") == "\r\n\r\n");
    CHECK(convert("0123456789abcdef\n0123456789abcdef\r\n0123456789abcde\r\n") ==
          "0123456789abcdef\r\n0123456789abcdef\r\n0123456789abcde\r\n");

    std::mt19937 random(42);
    const char alphabet[] = {'a', 'b', '\n', '\r', '\0', 'z', '\n'};
    for (int round = 0; round < 2000; ++round) {
        std::string in(random() % 300, ' ');
        for (char& c : in)
            c = alphabet[random() % sizeof alphabet];
        // The same range split into random chunks, the byte before each carried over.
        std::string out;
        char prev = 0;
        for (std::size_t at = 0; at < in.size();) {
            const std::size_t take = std::min<std::size_t>(in.size() - at, 1 + random() % 40);
            imap::append_crlf(std::string_view(in).substr(at, take), out, prev);
            at += take;
        }
        REQUIRE(out == message::to_crlf(in));
        // A range that starts after a CR: its first LF gets no second CR.
        if (!in.empty() && in[0] == '\n') {
            std::string tail;
            char cr = '\r';
            imap::append_crlf(in, tail, cr);
            message::CrlfConverter converter(0, message::CrlfConverter::unlimited, true, '\r');
            std::string expected;
            converter.feed(in, expected);
            REQUIRE(tail == expected);
        }
    }
}

TEST_CASE("FETCH streams a large message in bounded steps")
{
    Mailbox box({3000, 1500000, 20000});
    std::vector<std::size_t> steps;
    const std::size_t budget = 64 * 1024;
    const std::string output = box.driver.send_in_steps(1, "c FETCH 1:* (BODY.PEEK[] RFC822.SIZE)", budget, no_pause, &steps);
    std::string tagged;
    const auto responses = parse_fetches(output, tagged);
    CHECK(tagged.starts_with("c OK"));
    REQUIRE(responses.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(responses[i].number == static_cast<int>(i + 1));
        REQUIRE(responses[i].literals.size() == 1);
        CHECK(responses[i].literals[0] == message::to_crlf(box.messages[i]));
        CHECK(responses[i].text.find("RFC822.SIZE " + std::to_string(message::to_crlf(box.messages[i]).size())) !=
              std::string::npos);
    }
    CHECK(steps.size() >= 1500000 / budget);
    for (std::size_t size : steps)
        CHECK(size <= budget + imap::Continuation::overshoot);
}

TEST_CASE("partial BODY[] fetches across read chunks")
{
    Mailbox box({200000});
    const std::string crlf = message::to_crlf(box.messages[0]);
    const std::string text = crlf.substr(crlf.find("\r\n\r\n") + 4);
    const std::string output = box.driver.send_in_steps(
        1, "c FETCH 1 (BODY.PEEK[]<0.100> BODY.PEEK[]<65500.70000> BODY.PEEK[]<199990.50> BODY.PEEK[]<300000.10> "
           "BODY.PEEK[TEXT]<5.131072>)",
        1000, no_pause);
    std::string tagged;
    const auto responses = parse_fetches(output, tagged);
    CHECK(tagged.starts_with("c OK"));
    REQUIRE(responses.size() == 1);
    const auto& literals = responses[0].literals;
    REQUIRE(literals.size() == 4);   // the partial past the end is an empty string, not a literal
    CHECK(literals[0] == crlf.substr(0, 100));
    CHECK(literals[1] == crlf.substr(65500, 70000));
    CHECK(literals[2] == crlf.substr(199990, 50));
    CHECK(literals[3] == text.substr(5, 131072));
    CHECK(responses[0].text.find("BODY[]<300000> \"\"") != std::string::npos);
}

TEST_CASE("BODY[] sets \\Seen, BODY.PEEK[] does not, in every step")
{
    Mailbox box({30000, 30000, 30000, 30000});
    std::string tagged;
    auto responses = parse_fetches(box.driver.send_in_steps(1, "c FETCH 1:2 BODY.PEEK[]", 20000, no_pause), tagged);
    REQUIRE(responses.size() == 2);
    for (const auto& response : responses)
        CHECK(response.text.find("FLAGS") == std::string::npos);
    responses = parse_fetches(box.driver.send_in_steps(1, "c FETCH 2:4 BODY[]", 20000, no_pause), tagged);
    REQUIRE(responses.size() == 3);
    for (std::size_t i = 0; i < responses.size(); ++i) {
        CHECK(responses[i].literals.at(0) == message::to_crlf(box.messages[i + 1]));
        CHECK(responses[i].text.ends_with(" FLAGS (\\Seen \\Recent))"));
    }
    const std::string flags = box.driver.send(1, "d FETCH 1:4 FLAGS\r\n");
    CHECK(flags.find("* 1 FETCH (FLAGS (\\Recent))") != std::string::npos);
    CHECK(flags.find("* 4 FETCH (FLAGS (\\Seen \\Recent))") != std::string::npos);
}

TEST_CASE("messages expunged by another session while a FETCH streams")
{
    Mailbox box({30000, 100000, 30000, 30000, 2000});
    // The sizes are known before: the FETCH announces each message before opening it.
    box.driver.send(1, "c FETCH 1:* RFC822.SIZE\r\n");
    int pauses = 0;
    const auto expunge_after_first_step = [&](int step) {
        ++pauses;
        if (step != 1)
            return;
        // Message 2 is half sent (its file is open); 3 and 4 are not read yet.
        const std::string said = box.driver.send(2, "x STORE 2:4 +FLAGS.SILENT (\\Deleted)\r\ny EXPUNGE\r\n");
        REQUIRE(said.find("y OK") != std::string::npos);
    };
    std::vector<std::size_t> steps;
    const std::string output =
        box.driver.send_in_steps(1, "d FETCH 1:* BODY.PEEK[]", 60000, expunge_after_first_step, &steps);
    CHECK(pauses >= 1);
    CHECK(steps.at(0) > 60000);   // message 2 had begun...
    CHECK(steps.at(0) < message::to_crlf(box.messages[0]).size() + message::to_crlf(box.messages[1]).size());   // ...not ended
    std::string tagged;
    const auto responses = parse_fetches(output, tagged);
    CHECK(tagged == "d NO [EXPUNGEISSUED] Some of the requested messages no longer exist.");
    REQUIRE(responses.size() == 5);
    CHECK(responses[0].literals.at(0) == message::to_crlf(box.messages[0]));
    CHECK(responses[1].literals.at(0) == message::to_crlf(box.messages[1]));   // finished from the open file
    CHECK(responses[2].text == "* 3 FETCH (BODY[] NIL)");
    CHECK(responses[3].text == "* 4 FETCH (BODY[] NIL)");
    CHECK(responses[4].literals.at(0) == message::to_crlf(box.messages[4]));
    // The session learns of the expunge at its next command that allows it.
    const std::string noop = box.driver.send(1, "e NOOP\r\n");
    CHECK(noop.find("* 2 EXPUNGE") != std::string::npos);
    CHECK(box.driver.send(1, "f FETCH 2 BODY.PEEK[]\r\n").find("* 2 FETCH (BODY[] {") != std::string::npos);
}

TEST_CASE("a message expunged before the FETCH starts reading")
{
    Mailbox box({500, 600, 700});
    box.driver.send(1, "c FETCH 1:* RFC822.SIZE\r\n");
    box.driver.send(2, "x STORE 1 +FLAGS.SILENT (\\Deleted)\r\ny EXPUNGE\r\n");
    std::string tagged;
    const auto responses = parse_fetches(box.driver.send_in_steps(1, "d FETCH 1:* BODY[]", 100, no_pause), tagged);
    CHECK(tagged.starts_with("d NO [EXPUNGEISSUED]"));
    REQUIRE(responses.size() == 3);
    CHECK(responses[0].text.starts_with("* 1 FETCH (BODY[] NIL"));
    CHECK(responses[1].literals.at(0) == message::to_crlf(box.messages[1]));
    CHECK(responses[2].literals.at(0) == message::to_crlf(box.messages[2]));
}

TEST_CASE("BODY[] of messages whose CRLF size the index does not know")
{
    // Files another program wrote, named without ,W=: a small one is read once and measured
    // on the way, a large one is measured by the view first (and remembered); both must
    // announce exactly what they send, and RFC822.SIZE must agree.
    imaptest::TranscriptDriver driver;
    driver.deliver("ann", "INBOX", "Subject: delivered\n\nits size is known\n");
    const auto cur = driver.location("ann").inbox / "cur";
    std::string small = make_message("small", 30000, 7);
    small += std::string("a CRLF line\r\nNUL \0 and a lone CR \r here\n\r\n", 40) + "no final line end";
    const std::string large = make_message("large", 150000, 8);
    write_file(cur / "1700000001.M1P1.elsewhere:2,", small);
    write_file(cur / "1700000002.M2P1.elsewhere:2,", large);
    REQUIRE(driver.send(1, "a LOGIN ann secret\r\nb SELECT INBOX\r\n").find("* 3 EXISTS") != std::string::npos);
    for (int round = 0; round < 2; ++round) {
        std::string tagged;
        const auto responses = parse_fetches(
            driver.send_in_steps(1, "c FETCH 2:3 (BODY.PEEK[] BODY.PEEK[]<100.50>)", 10000, no_pause), tagged);
        CHECK(tagged.starts_with("c OK"));
        REQUIRE(responses.size() == 2);
        for (std::size_t i = 0; i < 2; ++i) {
            const std::string expected = message::to_crlf(i == 0 ? small : large);
            REQUIRE(responses[i].literals.size() == 2);
            CHECK(responses[i].literals[0] == expected);
            CHECK(responses[i].literals[1] == expected.substr(100, 50));
        }
        const std::string sizes = driver.send(1, "d FETCH 2:3 RFC822.SIZE\r\n");
        CHECK(sizes.find("* 2 FETCH (RFC822.SIZE " + std::to_string(message::to_crlf(small).size()) + ")") !=
              std::string::npos);
        CHECK(sizes.find("* 3 FETCH (RFC822.SIZE " + std::to_string(message::to_crlf(large).size()) + ")") !=
              std::string::npos);
    }
}
