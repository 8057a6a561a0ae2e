// tests/unit/pop3/test_protocol.cpp - the AUTHORIZATION state (RFC 1939 sections 4 and 7):
// USER/PASS, APOP, AUTH PLAIN and LOGIN (RFC 5034), STLS (RFC 2595), CAPA (RFC 2449), bad
// input, the line limit and the bad-command limit (pop3/protocol).
#include "pop3/apop.hpp"
#include "pop3_driver.hpp"

using mailroom::pop3::ProtocolOptions;

namespace {

const char* const message = "From: a@example.com\r\nSubject: one\r\n\r\nbody one\r\n";

struct Step {
    std::string input;   // one client line, without its line end
    std::string reply;   // the whole answer
};

void run_steps(Pop3Client& client, const std::vector<Step>& steps)
{
    for (std::size_t i = 0; i < steps.size(); ++i) {
        CAPTURE(i);
        CAPTURE(steps[i].input);
        CHECK(client.send(steps[i].input + "\r\n") == steps[i].reply);
        REQUIRE_FALSE(client.closed);
    }
}

std::string logged_in_reply() { return "+OK Logged in, maildrop has 1 message (47 octets).\r\n"; }

}  // namespace

TEST_CASE("greeting and CAPA before and after login")
{
    StoreFixture f;
    f.append("INBOX", message);
    Pop3Client client(f);
    CHECK(client.greeting == "+OK mailroom POP3 server ready.\r\n");
    const std::string common = "+OK Capability list follows\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
                               "PIPELINING\r\n";
    CHECK(client.send("CAPA\r\n") == common + "USER\r\nSASL PLAIN LOGIN\r\nIMPLEMENTATION mailroom\r\n.\r\n");
    CHECK(client.send("USER ann\r\nPASS secret\r\n") == "+OK Send the password with PASS.\r\n" + logged_in_reply());
    CHECK(client.send("capa\r\n") == common + "IMPLEMENTATION mailroom\r\n.\r\n");
}

TEST_CASE("commands in the wrong state and bad input get -ERR and the session goes on")
{
    StoreFixture f;
    f.append("INBOX", message);
    std::vector<Step> steps;
    for (const char* command : {"STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL"}) {
        const std::string keyword = std::string(command).substr(0, std::string(command).find(' '));
        steps.push_back({command, "-ERR Log in first: " + keyword + " is valid only in the TRANSACTION state.\r\n"});
    }
    const std::vector<Step> more = {
        {"PASS secret", "-ERR Send USER first.\r\n"},
        {"USER", "-ERR USER needs one argument, the user name.\r\n"},
        {"USER a b", "-ERR USER needs one argument, the user name.\r\n"},
        {"FOO", "-ERR Unknown command.\r\n"},
        {"RETR1", "-ERR Unknown command.\r\n"},
        {std::string(41, 'X'), "-ERR Unknown command.\r\n"},
        {"\xc3\xa9t\xc3\xa9", "-ERR Unknown command.\r\n"},
        {"", "-ERR Empty command.\r\n"},
        {" USER ann", "-ERR Empty command.\r\n"},
        {"US\x01" "ER ann", "-ERR Invalid characters in the command.\r\n"},
        {std::string("USER\0ann", 8), "-ERR Invalid characters in the command.\r\n"},
        {"\x7f", "-ERR Invalid characters in the command.\r\n"},
        {"USER a\rb", "-ERR Invalid characters in the command.\r\n"},
        {"APOP ann 0123456789abcdef0123456789abcdef", "-ERR APOP is not enabled on this server.\r\n"},
        {"STLS", "-ERR STLS is not available on this connection.\r\n"},
        {"AUTH CRAM-MD5", "-ERR Unsupported authentication mechanism.\r\n"},
        {"USER " + std::string(248, 'a'), "+OK Send the password with PASS.\r\n"},   // 253 octets: the limit
        {"USER " + std::string(249, 'a'), "-ERR Line too long (RFC 2449 allows 255 octets).\r\n"},
        {"USER " + std::string(5000, 'a'), "-ERR Line too long (RFC 2449 allows 255 octets).\r\n"},
        {"USER ann", "+OK Send the password with PASS.\r\n"},
        {"PASS", "-ERR PASS needs the password.\r\n"},
        {"USER ann", "+OK Send the password with PASS.\r\n"},
        {"PASS wrong", "-ERR [AUTH] Authentication failed.\r\n"},
        {"PASS secret", "-ERR Send USER first.\r\n"},   // a failed PASS forgets the USER
        {"USER nobody", "+OK Send the password with PASS.\r\n"},
        {"PASS secret", "-ERR [AUTH] Authentication failed.\r\n"},
        {"uSeR ann", "+OK Send the password with PASS.\r\n"},
        {"pass secret", logged_in_reply()},
        {"USER ann", "-ERR Already logged in: USER is valid only in the AUTHORIZATION state.\r\n"},
        {"PASS secret", "-ERR Already logged in: PASS is valid only in the AUTHORIZATION state.\r\n"},
        {"APOP ann 0123456789abcdef0123456789abcdef",
         "-ERR Already logged in: APOP is valid only in the AUTHORIZATION state.\r\n"},
        {"AUTH PLAIN", "-ERR Already logged in: AUTH is valid only in the AUTHORIZATION state.\r\n"},
        {"STLS", "-ERR Already logged in: STLS is valid only in the AUTHORIZATION state.\r\n"},
        {"FOO", "-ERR Unknown command.\r\n"},
        {"NOOP", "+OK Still here.\r\n"},
    };
    steps.insert(steps.end(), more.begin(), more.end());
    ProtocolOptions options = test_options();
    options.error_limit = 100;
    Pop3Client patient(f, options);
    run_steps(patient, steps);
}

TEST_CASE("a password may hold spaces; a line may end in a bare LF")
{
    StoreFixture f;
    f.append("INBOX", message);
    Pop3Client client(f);
    CHECK(client.send("USER ann\nPASS secret \n") == "+OK Send the password with PASS.\r\n"
                                                     "-ERR [AUTH] Authentication failed.\r\n");
    CHECK(client.send("USER ann\nPASS secret\n") == "+OK Send the password with PASS.\r\n" + logged_in_reply());
}

TEST_CASE("after too many bad commands the connection is closed")
{
    StoreFixture f;
    ProtocolOptions options = test_options();
    options.error_limit = 3;
    Pop3Client client(f, options);
    CHECK(client.send("FOO\r\nSTAT\r\n\r\nNOOP\r\n") ==
          "-ERR Unknown command.\r\n-ERR Log in first: STAT is valid only in the TRANSACTION state.\r\n"
          "-ERR Empty command.\r\n");
    CHECK(client.closed);
    CHECK(client.close_reason == "Too many bad commands");

    options.error_limit = 2;   // failed logins count too
    Pop3Client guesser(f, options);
    guesser.send("USER ann\r\nPASS a\r\nUSER ann\r\nPASS b\r\nUSER ann\r\n");
    CHECK(guesser.closed);
}

TEST_CASE("QUIT before login ends the session without touching the maildrop")
{
    StoreFixture f;
    Pop3Client client(f);
    CHECK(client.send("QUIT\r\nNOOP\r\n") == "+OK Logging out.\r\n");
    CHECK(client.closed);
    CHECK(client.close_reason == "Logged out");
}

TEST_CASE("APOP: the greeting's timestamp, the digest of a clear-text password")
{
    const std::string timestamp = "<1896.697170952@dbc.mtview.ca.us>";
    mailroom::core::User mrose;
    mrose.password = "{PLAIN}tanstaaf";
    using mailroom::core::PasswordCheck;
    CHECK(mailroom::pop3::check_apop(mrose, timestamp, "c4c9334bac560ecc979e58001b3e22fb") == PasswordCheck::match);
    CHECK(mailroom::pop3::check_apop(mrose, timestamp, "c4c9334bac560ecc979e58001b3e22fc") == PasswordCheck::mismatch);
    mrose.password = "{CLEAR}tanstaaf";
    CHECK(mailroom::pop3::check_apop(mrose, timestamp, "c4c9334bac560ecc979e58001b3e22fb") == PasswordCheck::match);
    mrose.password = *mailroom::core::hash_password("SHA512-CRYPT", "tanstaaf");
    CHECK(mailroom::pop3::check_apop(mrose, timestamp, "c4c9334bac560ecc979e58001b3e22fb") ==
          PasswordCheck::unsupported_scheme);

    const auto generated = mailroom::pop3::apop_timestamp("mail.example.com");
    CHECK(generated.starts_with("<"));
    CHECK(generated.ends_with("@mail.example.com>"));
    CHECK(generated != mailroom::pop3::apop_timestamp("mail.example.com"));

    StoreFixture f;
    f.append("INBOX", message);
    ProtocolOptions options = test_options();
    options.apop_timestamp = timestamp;
    options.plaintext_auth_allowed = false;   // APOP sends no password: allowed anyway
    Pop3Client client(f, options);
    CHECK(client.greeting == "+OK mailroom POP3 server ready. " + timestamp + "\r\n");
    run_steps(client, {
                          {"APOP ann", "-ERR APOP needs a user name and a 32-digit MD5 digest.\r\n"},
                          {"APOP ann 3f18b528", "-ERR APOP needs a user name and a 32-digit MD5 digest.\r\n"},
                          {"APOP ann 3f18b52881e44c0cc6067f46e0ced7bz",
                           "-ERR APOP needs a user name and a 32-digit MD5 digest.\r\n"},
                          {"APOP ann 3f18b52881e44c0cc6067f46e0ced7bd", "-ERR [AUTH] Authentication failed.\r\n"},
                          {"APOP bob 3f18b52881e44c0cc6067f46e0ced7bc", "-ERR [AUTH] Authentication failed.\r\n"},
                          {"APOP ann 3F18B52881E44C0CC6067F46E0CED7BC", logged_in_reply()},
                      });
}

TEST_CASE("AUTH PLAIN and LOGIN, with and without initial responses")
{
    StoreFixture f;
    f.append("INBOX", message);
    const std::vector<std::vector<Step>> conversations = {
        {{"AUTH PLAIN AGFubgBzZWNyZXQ=", logged_in_reply()}},
        {{"AUTH plain", "+ \r\n"}, {"AGFubgBzZWNyZXQ=", logged_in_reply()}},
        {{"AUTH PLAIN YW5uAGFubgBzZWNyZXQ=", logged_in_reply()}},   // authzid = authcid
        {{"AUTH LOGIN", "+ VXNlcm5hbWU6\r\n"}, {"YW5u", "+ UGFzc3dvcmQ6\r\n"}, {"c2VjcmV0", logged_in_reply()}},
        {{"AUTH LOGIN YW5u", "+ UGFzc3dvcmQ6\r\n"}, {"c2VjcmV0", logged_in_reply()}},
        {{"AUTH PLAIN Ym9iAGFubgBzZWNyZXQ=", "-ERR [AUTH] Authentication failed.\r\n"}},   // other authzid
        {{"AUTH LOGIN YW5u", "+ UGFzc3dvcmQ6\r\n"}, {"d3Jvbmc=", "-ERR [AUTH] Authentication failed.\r\n"}},
        {{"AUTH PLAIN", "+ \r\n"},
         {"*", "-ERR [AUTH] Authentication failed: authentication cancelled by the client.\r\n"},
         {"NOOP", "-ERR Log in first: NOOP is valid only in the TRANSACTION state.\r\n"}},
        {{"AUTH PLAIN !!!", "-ERR [AUTH] Authentication failed: invalid base64 in the PLAIN response.\r\n"}},
        {{"AUTH PLAIN =", "-ERR [AUTH] Authentication failed: malformed PLAIN response (expected authzid NUL authcid "
                          "NUL password).\r\n"}},
        {{"AUTH", "+OK Authentication mechanisms follow\r\nPLAIN\r\nLOGIN\r\n.\r\n"}},
    };
    for (std::size_t i = 0; i < conversations.size(); ++i) {
        CAPTURE(i);
        Pop3Client client(f);
        run_steps(client, conversations[i]);
    }
}

TEST_CASE("an AUTH response may be longer than a command line, but not without bound")
{
    StoreFixture f;
    Pop3Client client(f);
    CHECK(client.send("AUTH PLAIN\r\n") == "+ \r\n");
    CHECK(client.send(std::string(4000, 'A') + "\r\n") ==
          "-ERR [AUTH] Authentication failed: malformed PLAIN response (expected authzid NUL authcid NUL password).\r\n");
    CHECK(client.send("AUTH PLAIN\r\n") == "+ \r\n");
    CHECK(client.send(std::string(9000, 'A') + "\r\n") == "-ERR [AUTH] Authentication failed: response too long.\r\n");
    CHECK(client.send("CAPA\r\n").starts_with("+OK Capability list follows\r\n"));
}

TEST_CASE("without TLS, passwords are refused until STLS; STLS forgets what came before")
{
    StoreFixture f;
    f.append("INBOX", message);
    ProtocolOptions options = test_options();
    options.plaintext_auth_allowed = false;
    options.tls_available = true;
    Pop3Client client(f, options);
    const std::string refusal = "-ERR [AUTH] Plaintext authentication is disabled on this connection; use STLS first.\r\n";
    CHECK(client.send("CAPA\r\n") == "+OK Capability list follows\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n"
                                     "AUTH-RESP-CODE\r\nPIPELINING\r\nSTLS\r\nIMPLEMENTATION mailroom\r\n.\r\n");
    CHECK(client.send("USER ann\r\n") == refusal);
    CHECK(client.send("AUTH PLAIN AGFubgBzZWNyZXQ=\r\n") == refusal);
    CHECK(client.send("AUTH\r\n") == "+OK Authentication mechanisms follow\r\n.\r\n");
    // Commands pipelined after STLS arrived in clear text: they are dropped, not executed.
    CHECK(client.send("STLS\r\nUSER ann\r\nPASS secret\r\n") == "+OK Begin TLS negotiation.\r\n");
    CHECK(client.tls_starts == 1);
    CHECK(client.send("STLS\r\n") == "-ERR STLS is not available on this connection.\r\n");
    CHECK(client.send("CAPA\r\n").find("USER\r\nSASL PLAIN LOGIN\r\nIMPLEMENTATION") != std::string::npos);
    CHECK(client.send("USER ann\r\nPASS secret\r\n") == "+OK Send the password with PASS.\r\n" + logged_in_reply());

    options.plaintext_auth_allowed = true;
    Pop3Client forgetful(f, options);
    forgetful.send("USER ann\r\nSTLS\r\n");
    CHECK(forgetful.send("PASS secret\r\n") == "-ERR Send USER first.\r\n");
}
