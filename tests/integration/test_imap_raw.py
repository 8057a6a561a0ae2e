"""IMAP on the byte level against a real mailroomd, where imaplib would hide what matters:
synchronizing and non-synchronizing literals, APPEND streaming and its limits, pipelining,
untagged updates between two sessions, FETCH of many bodies (streamed in steps, plain and
TLS, with another session expunging meanwhile), IDLE woken by LMTP deliveries, by `mailroom deliver`
(inotify) and by another session's APPEND, over-long lines and garbage, STARTTLS with
pipelined plaintext, implicit TLS, the login timeout, and the goodbye at shutdown."""

import os
import smtplib
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_client import RawImap  # noqa: E402
from mailroom_harness import Mailroom  # noqa: E402

MESSAGE = b"From: a@example.org\r\nSubject: raw test\r\n\r\nbody line\r\n"


class RawImapTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Mailroom(services=["lmtp", "imap", "imaps"], imap_literal_max="100k",
                         imap_max_line_length="16k", imap_idle_poll_interval="1s")
        cls.m.enable_tls()
        for name in ("ann", "bob", "carl", "dora", "eve", "fred", "gina"):
            cls.m.add_user(name)
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def client(self, user=None, tls=False):
        c = RawImap(self.m.port("imaps" if tls else "imap"), tls=tls)
        self.addCleanup(c.close)
        if user:
            c.login(user)
        return c

    def deliver(self, user, message=MESSAGE):
        lmtp = smtplib.LMTP("127.0.0.1", self.m.port("lmtp"))
        lmtp.sendmail("sender@example.org", ["%s@example.com" % user], message)
        lmtp.quit()

    def test_literals(self):
        c = self.client()
        # Synchronizing: the server asks for each literal with a continuation request.
        c.send("a1 LOGIN {3}\r\n")
        self.assertTrue(c.read_line().startswith(b"+ "))
        c.send("ann {6}\r\n")
        self.assertTrue(c.read_line().startswith(b"+ "))
        c.send("secret\r\n")
        untagged, tagged = c.read_until_tagged("a1")
        self.assertTrue(tagged.startswith(b"a1 OK"), tagged)
        # LITERAL+: no continuation requests.
        c.send("a2 CREATE {4+}\r\nLit1 {0+}\r\n\r\n")
        untagged, tagged = c.read_until_tagged("a2")
        self.assertTrue(tagged.startswith(b"a2 BAD"), tagged)   # two mailbox names: extra argument
        c.send("a3 CREATE {4+}\r\nLit1\r\n")
        self.assertTrue(c.read_until_tagged("a3")[1].startswith(b"a3 OK"))
        # APPEND, streamed in small pieces with pauses.
        c.send("a4 APPEND Lit1 (\\Seen) {%d}\r\n" % len(MESSAGE))
        self.assertTrue(c.read_line().startswith(b"+ "))
        for i in range(0, len(MESSAGE), 7):
            c.send(MESSAGE[i:i + 7])
            time.sleep(0.01)
        c.send("\r\n")
        untagged, tagged = c.read_until_tagged("a4")
        self.assertRegex(tagged.decode(), r"^a4 OK \[APPENDUID \d+ 1\]")
        c.ok("SELECT Lit1")
        untagged = c.ok("FETCH 1 BODY.PEEK[]")
        self.assertEqual(untagged[0], b"* 1 FETCH (BODY[] {%d}\r\n" % len(MESSAGE) + MESSAGE + b")")

    def test_append_limits(self):
        c = self.client("bob")
        # Too big: refused before a byte of it is sent.
        c.send("a1 APPEND INBOX {200000}\r\n")
        self.assertRegex(c.read_line().decode(), r"^a1 NO \[TOOBIG\]")
        # Non-synchronizing and too big: the bytes arrive anyway and are skipped, not run.
        body = (b"a9 LOGOUT\r\n" * 14000)[:150000]
        c.send(b"a2 APPEND INBOX {150000+}\r\n" + body + b"\r\n")
        self.assertRegex(c.read_line().decode(), r"^a2 NO \[TOOBIG\]")
        self.assertEqual(c.ok("NOOP"), [])
        # Missing mailbox: TRYCREATE, nothing read.
        c.send("a3 APPEND Nowhere {5}\r\n")
        self.assertRegex(c.read_line().decode(), r"^a3 NO \[TRYCREATE\]")
        # A message just under the limit goes through.
        big = b"Subject: big\r\n\r\n" + b"x" * 99000 + b"\r\n"
        c.send(b"a4 APPEND INBOX {%d+}\r\n" % len(big) + big + b"\r\n")
        self.assertTrue(c.read_until_tagged("a4")[1].startswith(b"a4 OK"))
        c.ok("SELECT INBOX")
        untagged = c.ok("FETCH 1 (RFC822.SIZE BODY.PEEK[])")
        self.assertIn(b"RFC822.SIZE %d" % len(big), untagged[0])
        self.assertTrue(untagged[0].endswith(big + b")"))

    def test_pipelining(self):
        c = self.client()
        c.send("p1 LOGIN carl secret\r\np2 SELECT INBOX\r\np3 NOOP\r\np4 CAPABILITY\r\np5 LOGOUT\r\n")
        tags = []
        while True:
            try:
                line = c.response_line()
            except ConnectionError:
                break
            if not line.startswith(b"*"):
                tags.append(line.split(b" ")[0])
        self.assertEqual(tags, [b"p1", b"p2", b"p3", b"p4", b"p5"])

    def test_fetch_many_bodies(self):
        # About 1.5 MB: several of the server's FETCH steps, each read while the one before is
        # written. Bodies with LF line ends come back with CRLF.
        c = self.client("gina")
        messages = []
        for i in range(40):
            lines = (60, 500, 1400)[i % 3]
            body = b"".join(b"line %d of message %d %s\n" % (n, i, b"x" * (n % 70)) for n in range(lines))
            message = b"Subject: message %d\n\n" % i + body
            c.send(b"A%d APPEND INBOX {%d+}\r\n" % (i, len(message)) + message + b"\r\n")
            self.assertTrue(c.read_until_tagged("A%d" % i)[1].startswith(b"A%d OK" % i))
            messages.append(message.replace(b"\n", b"\r\n"))
        self.assertGreater(sum(map(len, messages)), 1_000_000)

        def literal(n):
            return b"* %d FETCH (BODY[] {%d}\r\n" % (n, len(messages[n - 1])) + messages[n - 1] + b")"

        for tls in (False, True):
            d = self.client("gina", tls=tls)
            d.ok("EXAMINE INBOX")
            self.assertEqual(d.ok("FETCH 1:* BODY.PEEK[]"), [literal(n) for n in range(1, 41)])
        c.ok("SELECT INBOX")
        untagged = c.ok("FETCH 1:30 BODY[]")
        self.assertEqual(len(untagged), 30)
        for n, line in enumerate(untagged, 1):
            self.assertTrue(line.startswith(literal(n)[:-1]), n)
            self.assertRegex(line[len(literal(n)) - 1:], rb"^ FLAGS \(\\Seen( \\Recent)?\)\)$")
        self.assertEqual(c.ok("SEARCH UNSEEN"), [b"* SEARCH 31 32 33 34 35 36 37 38 39 40"])
        # Another session expunges while the FETCH streams: each answer is whole, the message
        # or NIL, and the FETCH (MSNs) announces no EXPUNGE.
        e = self.client("gina")
        e.ok("SELECT INBOX")
        c.send("f1 FETCH 1:* BODY.PEEK[]\r\n")
        e.ok("STORE 10:40 +FLAGS.SILENT (\\Deleted)")
        e.ok("EXPUNGE")
        untagged, tagged = c.read_until_tagged("f1")
        self.assertRegex(tagged, rb"^f1 (OK|NO \[EXPUNGEISSUED\]) ")
        numbers = [int(line.split(b" ")[1]) for line in untagged]
        self.assertEqual(numbers, list(range(1, 41)))
        for n, line in enumerate(untagged, 1):
            self.assertIn(line, (literal(n), b"* %d FETCH (BODY[] NIL)" % n))
        self.assertEqual(tagged.startswith(b"f1 OK"), all(line == literal(n) for n, line in enumerate(untagged, 1)))
        self.assertIn(b"* 10 EXPUNGE", c.ok("NOOP"))

    def test_untagged_updates_between_sessions(self):
        for _ in range(3):
            self.deliver("dora")
        a = self.client("dora")
        b = self.client("dora")
        self.assertIn(b"* 3 RECENT", a.ok("SELECT INBOX"))
        self.assertIn(b"* 0 RECENT", b.ok("SELECT INBOX"))   # \Recent went to one session
        b.ok("STORE 2 +FLAGS (\\Deleted)")
        b.ok("EXPUNGE")
        self.deliver("dora")
        # FETCH with sequence numbers: no EXPUNGE may come in between.
        untagged = a.ok("FETCH 1:3 (FLAGS)")
        self.assertFalse([line for line in untagged if line.endswith(b"EXPUNGE")])
        untagged = a.ok("NOOP")
        self.assertIn(b"* 2 EXPUNGE", untagged)
        self.assertIn(b"* 3 EXISTS", untagged)
        b.ok("STORE 1 +FLAGS (\\Flagged)")
        self.assertIn(b"* 1 FETCH (FLAGS (\\Flagged \\Recent))", a.ok("NOOP"))
        self.assertIn(b"* 3 FETCH (UID 4 FLAGS (\\Recent))", a.ok("UID FETCH 4 FLAGS"))   # delivered while a was selected

    def idle_until(self, c, predicate, seconds=3):
        deadline = time.time() + seconds
        seen = []
        c.sock.settimeout(0.2)
        try:
            while time.time() < deadline:
                try:
                    line = c.read_line()
                except socket.timeout:
                    continue
                seen.append(line)
                if predicate(line):
                    return seen
        finally:
            c.sock.settimeout(15)
        self.fail("nothing matched while idling; seen %r" % seen)

    def test_idle_wakes_up(self):
        self.deliver("eve")
        a = self.client("eve")
        a.ok("SELECT INBOX")
        a.send("i1 IDLE\r\n")
        self.assertTrue(a.read_line().startswith(b"+ "))
        started = time.time()
        self.deliver("eve")                                    # LMTP in the same daemon
        self.idle_until(a, lambda line: line == b"* 2 EXISTS", 1.0)
        self.assertLess(time.time() - started, 1.0)
        result = self.m.mailroom("deliver", "-d", "eve", input=MESSAGE)   # another process: inotify
        self.assertEqual(result.returncode, 0, result.stderr)
        self.idle_until(a, lambda line: line == b"* 3 EXISTS", 1.5)
        b = self.client("eve")
        b.send(b"b1 APPEND INBOX {%d+}\r\n" % len(MESSAGE) + MESSAGE + b"\r\n")
        b.read_until_tagged("b1")
        self.idle_until(a, lambda line: line == b"* 4 EXISTS", 1.0)
        b.ok("SELECT INBOX")
        b.ok("STORE 1 +FLAGS (\\Seen)")
        self.idle_until(a, lambda line: line.startswith(b"* 1 FETCH (FLAGS (\\Seen"), 1.0)
        a.send("DONE\r\n")
        untagged, tagged = a.read_until_tagged("i1")
        self.assertTrue(tagged.startswith(b"i1 OK"))
        self.assertEqual(a.ok("NOOP"), [])

    def test_overlong_lines_and_garbage(self):
        c = self.client("fred")
        garbage = [b"\x00\x01\x02\xff\xfe\r\n", b"* * *\r\n", b"a1\r\n", b"a2 \r\n", b"((((\r\n", b"a3 FETCH ((\r\n",
                   b"\r\n\r\n", b"a4 {99999999999999999999}\r\n", b'a5 "\r\n', b"a6 NOOP \xc3\r\n", b"\x1b[2J\r\n"]
        for junk in garbage:
            with self.subTest(junk=junk):
                c.send(junk + b"z1 NOOP\r\n")
                untagged, tagged = c.read_until_tagged("z1")
                self.assertTrue(tagged.startswith(b"z1 OK"), (junk, untagged, tagged))
        # A line longer than imap_max_line_length: BAD [TOOBIG], then the connection closes.
        d = self.client("fred")
        d.send(b"a1 NOOP " + b"x" * 40000 + b"\r\n")
        self.assertEqual(d.read_line(), b"* BAD [TOOBIG] Command line too long")
        self.assertTrue(d.read_line().startswith(b"* BYE"))
        with self.assertRaises(ConnectionError):
            d.read_line()
        self.assertEqual(self.client("fred").ok("NOOP"), [])   # others are served

    def test_starttls_and_imaps(self):
        c = self.client()
        self.assertIn(b"STARTTLS", c.greeting)
        # Plaintext pipelined after STARTTLS must not run after the handshake.
        c.send("t1 STARTTLS\r\nt2 LOGIN ann secret\r\n")
        self.assertTrue(c.read_line().startswith(b"t1 OK"))
        c.buffer = b""
        c.starttls()
        untagged = c.ok("CAPABILITY")
        self.assertNotIn(b"STARTTLS", untagged[0])
        c.login("ann")
        self.assertEqual(c.ok("NOOP"), [])
        s = self.client("ann", tls=True)
        self.assertNotIn(b"STARTTLS", s.greeting)
        s.ok("SELECT INBOX")
        self.m.wait_for_log(r"login: user=<ann>, method=LOGIN, rip=127\.0\.0\.1, TLS")


class LoginTimeoutAndShutdown(unittest.TestCase):
    def test_login_timeout_and_goodbye(self):
        with Mailroom(services=["imap"], imap_login_timeout="1s") as m:
            m.add_user("ann")
            m.start()
            idle = RawImap(m.port("imap"))
            time.sleep(2.5)
            with self.assertRaises((ConnectionError, OSError)):
                idle.send("a NOOP\r\n")
                idle.read_line()
            m.wait_for_log(r"disconnect: user=<>, rip=127\.0\.0\.1, in=0, out=\d+, reason=timeout")
            logged_in = RawImap(m.port("imap"))
            logged_in.login("ann")
            logged_in.ok("SELECT INBOX")
            m.stop()
            self.assertEqual(logged_in.read_line(), b"* BYE Server shutting down.")
            m.wait_for_log(r"disconnect: user=<ann>, .*reason=shutdown")


if __name__ == "__main__":
    unittest.main()
