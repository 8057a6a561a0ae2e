"""POP3 against a real mailroomd (docs/pop3.md): every command with poplib, state errors and bad
input over raw sockets, pipelining, APOP and AUTH, STLS and implicit TLS, the maildrop claim
([IN-USE]), a dropped connection, mail arriving meanwhile, messages delivered over LMTP fetched
byte-exact from a Maildir and an mbox user, the log lines, plaintext refusal off loopback, the
login timeout, a failed UPDATE, and a graceful shutdown."""

import os
import poplib
import re
import smtplib
import socket
import ssl
import subprocess
import time
import unittest

from mailroom_harness import Mailroom, free_port, maildir_messages

CRLF = b"\r\n"


def crlf(text):
    """Stored LF text as POP3 sends it (before dot-stuffing)."""
    return re.sub(b"(?<!\r)\n", b"\r\n", text)


def maildir_files(maildir):
    """{the Subject line: the file name} for the messages in a Maildir."""
    found = {}
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(maildir, sub)):
            with open(os.path.join(maildir, sub, name), "rb") as f:
                subject = next(line for line in f.read().split(b"\n") if line.startswith(b"Subject:"))
            found[subject] = name
    return found


def client_context():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class RawPop3:
    """A byte-level POP3 client, for what poplib cannot send (garbage, pipelining)."""

    def __init__(self, port, host="127.0.0.1", timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        self.greeting = self.line()

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def line(self):
        while CRLF not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(CRLF, 1)
        return line

    def command(self, text):
        self.send(text + "\r\n")
        return self.line()

    def multiline(self):
        lines = []
        while True:
            line = self.line()
            if line is None or line == b".":
                return lines
            lines.append(line)

    def close(self):
        self.sock.close()


class Pop3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Mailroom(services=["lmtp", "pop3", "pop3s"], pop3_enable_apop="yes",
                         login_failure_delay="50ms", login_failure_delay_max="100ms")
        cls.m.enable_tls()
        for name in ("ann", "cara", "dora", "errol", "fay", "gus"):
            cls.m.add_user(name)
        cls.mbx = cls.m.add_user("mbx", extra="userdb_mail=mbox:~/mail:INBOX=~/inbox")
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        if cls.m.process and cls.m.process.poll() is not None:
            print("mailroomd exited with %s:\n%s" % (cls.m.process.returncode, cls.m.log()))
        cls.m.cleanup()

    def deliver(self, user, message):
        with smtplib.LMTP("127.0.0.1", self.m.port("lmtp")) as lmtp:
            lmtp.sendmail("sender@example.org", [user + "@mail.example.com"], message)

    def pop(self, user, password="secret"):
        client = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        client.user(user)
        client.pass_(password)
        return client

    def raw(self):
        raw = RawPop3(self.m.port("pop3"))
        self.addCleanup(raw.close)
        return raw

    def login_raw(self, user):
        raw = self.raw()
        self.assertTrue(raw.command("USER " + user).startswith(b"+OK"))
        self.assertTrue(raw.command("PASS secret").startswith(b"+OK Logged in"))
        return raw

    # -- RFC 1939 with poplib ---------------------------------------------------------
    def test_every_command_with_poplib(self):
        messages = [b"Subject: m%d\r\n\r\nbody %d\r\n.leading dot\r\n" % (i, i) for i in (1, 2, 3)]
        for message in messages:
            self.deliver("ann", message)
        client = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        self.assertRegex(client.getwelcome(), rb"^\+OK mailroom POP3 server ready\. <\d+\.\d+\.[0-9a-f]+@mail\.example\.com>$")
        capabilities = client.capa()
        for name in ("TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS"):
            self.assertIn(name, capabilities)
        self.assertEqual(capabilities["SASL"], ["PLAIN", "LOGIN"])
        client.user("ann")
        self.assertTrue(client.pass_("secret").startswith(b"+OK Logged in, maildrop has 3 messages"))
        count, total = client.stat()
        _, listing, _ = client.list()
        sizes = [int(line.split()[1]) for line in listing]
        self.assertEqual((count, total), (3, sum(sizes)))
        self.assertEqual(client.list(2), b"+OK 2 %d" % sizes[1])
        _, uidls, _ = client.uidl()
        self.assertEqual(len(set(line.split()[1] for line in uidls)), 3)
        self.assertEqual(client.uidl(3), b"+OK " + uidls[2])
        response, lines, octets = client.retr(1)
        self.assertEqual(response, b"+OK %d octets" % sizes[0])
        retrieved = CRLF.join(lines) + CRLF
        self.assertEqual(len(retrieved), sizes[0])
        self.assertTrue(retrieved.endswith(messages[0]))
        _, top, _ = client.top(2, 1)
        self.assertEqual(top[-2:], [b"", b"body 2"])
        self.assertEqual(client.dele(1), b"+OK Message 1 deleted.")
        with self.assertRaises(poplib.error_proto):
            client.retr(1)
        self.assertEqual(client.stat(), (2, sum(sizes[1:])))
        self.assertTrue(client.noop().startswith(b"+OK"))
        self.assertTrue(client.rset().startswith(b"+OK Maildrop has 3 messages"))
        client.dele(3)
        self.assertEqual(client.quit(), b"+OK Logging out, 1 message deleted.")
        files = maildir_files(self.m.users["ann"].maildir())
        self.assertEqual(sorted(files), [b"Subject: m1", b"Subject: m2"])
        self.assertTrue(files[b"Subject: m1"].endswith(":2,S"))   # RETRieved: \Seen
        self.assertFalse(files[b"Subject: m2"].endswith("S"))     # TOP only: not seen

    def test_wrong_state_and_bad_input_get_err_and_the_session_goes_on(self):
        raw = self.raw()
        for command in ("STAT", "RETR 1", "UIDL", "NOOP"):
            self.assertTrue(raw.command(command).startswith(b"-ERR Log in first"), command)
        for garbage in (b"\x00\x01\x02", b"\xff\xfe\xfd", b"US\x00ER ann", b"HELO x", b"", b"X" * 1000,
                        b"USER " + b"a" * 300):
            raw.send(garbage + CRLF)
            self.assertTrue(raw.line().startswith(b"-ERR"), garbage)
        self.assertTrue(raw.command("USER dora").startswith(b"+OK"))
        self.assertTrue(raw.command("PASS secret").startswith(b"+OK Logged in"))
        for command in ("USER dora", "PASS secret", "APOP dora 0123456789abcdef0123456789abcdef", "AUTH PLAIN",
                        "STLS", "RETR x", "TOP 1"):
            self.assertTrue(raw.command(command).startswith(b"-ERR"), command)
        raw.send(b"NOOP\r\n")
        self.assertEqual(raw.line(), b"+OK Still here.")
        self.assertEqual(raw.command("QUIT"), b"+OK Logging out.")
        self.assertIsNone(raw.line())

    def test_too_many_bad_commands_close_the_connection(self):
        raw = self.raw()
        raw.send(b"BOGUS\r\n" * 25)
        replies = []
        while (line := raw.line()) is not None:
            replies.append(line)
        self.assertEqual(len(replies), 20)
        self.assertTrue(all(r == b"-ERR Unknown command." for r in replies))
        self.m.wait_for_log(r"Disconnected: Too many bad commands \(no login\), rip=127\.0\.0\.1")

    def test_pipelined_commands_get_the_replies_one_at_a_time_would(self):
        for i in range(3):
            self.deliver("errol", b"Subject: p%d\r\n\r\npipelined\r\n" % i)
        script = ["CAPA", "USER errol", "PASS secret", "STAT", "LIST", "UIDL", "RETR 2", "TOP 3 0", "DELE 1",
                  "LIST 1", "RSET", "NOOP"]
        sequential = b""
        raw = self.raw()
        for command in script:
            raw.send(command + "\r\n")
            time.sleep(0.01)
        raw.send("QUIT\r\n")
        while (line := raw.line()) is not None:
            sequential += line + CRLF
        raw = self.raw()
        raw.send("".join(c + "\r\n" for c in script + ["QUIT"]))
        pipelined = b""
        while (line := raw.line()) is not None:
            pipelined += line + CRLF
        self.assertEqual(pipelined, sequential)
        self.assertIn(b"pipelined", pipelined)

    # -- authentication -----------------------------------------------------------------
    def test_apop_and_auth_plain_and_login(self):
        self.deliver("fay", b"Subject: auth\r\n\r\nx\r\n")
        client = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        self.assertTrue(client.apop("fay", "secret").startswith(b"+OK Logged in"))
        client.quit()
        client = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        with self.assertRaisesRegex(poplib.error_proto, r"-ERR \[AUTH\] Authentication failed"):
            client.apop("fay", "wrong")
        client.quit()
        raw = self.raw()
        self.assertTrue(raw.command("AUTH PLAIN AGZheQBzZWNyZXQ=").startswith(b"+OK Logged in"))
        raw.command("QUIT")
        raw = self.raw()
        self.assertEqual(raw.command("AUTH LOGIN"), b"+ VXNlcm5hbWU6")
        self.assertEqual(raw.command("ZmF5"), b"+ UGFzc3dvcmQ6")
        self.assertTrue(raw.command("c2VjcmV0").startswith(b"+OK Logged in"))
        raw.command("QUIT")
        raw = self.raw()
        self.assertEqual(raw.command("AUTH PLAIN"), b"+ ")
        self.assertTrue(raw.command("*").startswith(b"-ERR [AUTH]"))
        self.assertTrue(raw.command("CAPA").startswith(b"+OK"))
        self.m.wait_for_log(r"login failed: user=<fay>, method=APOP, rip=127\.0\.0\.1, reason=password mismatch")

    def test_stls_and_implicit_tls(self):
        self.deliver("gus", b"Subject: tls\r\n\r\nsecret stuff\r\n")
        client = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        client.stls(client_context())
        self.assertNotIn("STLS", client.capa())
        client.user("gus")
        client.pass_("secret")
        self.assertEqual(client.stat()[0], 1)
        client.quit()
        client = poplib.POP3_SSL("127.0.0.1", self.m.port("pop3s"), timeout=10, context=client_context())
        self.assertNotIn("STLS", client.capa())
        client.user("gus")
        client.pass_("secret")
        self.assertTrue(b"".join(client.retr(1)[1]).endswith(b"secret stuff"))
        client.quit()
        self.m.wait_for_log(r"Login: user=<gus>, method=USER, rip=127\.0\.0\.1, TLS")
        # Commands pipelined after STLS in clear text are dropped, not run after the handshake.
        raw = self.raw()
        raw.send(b"STLS\r\nUSER gus\r\n")
        self.assertEqual(raw.line(), b"+OK Begin TLS negotiation.")
        tls = client_context().wrap_socket(raw.sock)
        tls.sendall(b"NOOP\r\n")
        self.assertTrue(tls.recv(1000).startswith(b"-ERR Log in first"))
        tls.close()

    def test_a_command_in_the_same_segment_as_the_tls_finished_message_is_answered(self):
        # The client's first command arrives with its handshake's last flight; the server's TLS
        # layer has read it already and the socket shows nothing more (curl does this).
        raw = self.raw()
        raw.send(b"STLS\r\n")
        self.assertEqual(raw.line(), b"+OK Begin TLS negotiation.")
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = client_context().wrap_bio(incoming, outgoing)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                raw.send(outgoing.read())
                incoming.write(raw.sock.recv(65536))
        tls.write(b"CAPA\r\n")
        raw.send(outgoing.read())      # client Finished and CAPA in one write
        reply = b""
        while b"\r\n.\r\n" not in reply:
            try:
                reply += tls.read(65536)
            except ssl.SSLWantReadError:
                chunk = raw.sock.recv(65536)   # the raw socket's 10 s timeout fails a hang
                self.assertTrue(chunk, "connection closed")
                incoming.write(chunk)
        self.assertTrue(reply.startswith(b"+OK"), reply)
        raw.sock.close()

    # -- the maildrop ---------------------------------------------------------------------
    def test_in_use_and_mail_arriving_meanwhile(self):
        self.deliver("cara", b"Subject: first\r\n\r\none\r\n")
        first = self.pop("cara")
        second = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        second.user("cara")
        with self.assertRaisesRegex(poplib.error_proto, r"-ERR \[IN-USE\]"):
            second.pass_("secret")
        second.quit()
        self.deliver("cara", b"Subject: second\r\n\r\ntwo\r\n")
        self.assertEqual(first.stat()[0], 1)
        first.quit()
        again = self.pop("cara")
        self.assertEqual(again.stat()[0], 2)
        again.quit()
        self.m.wait_for_log(r"maildrop in use by another POP3 session: user=<cara>")

    def test_a_dropped_connection_deletes_nothing(self):
        for i in range(2):
            self.deliver("dora", b"Subject: keep %d\r\n\r\nkeep\r\n" % i)
        raw = self.login_raw("dora")
        count = int(raw.command("STAT").split()[1])
        self.assertTrue(raw.command("DELE 1").startswith(b"+OK"))
        self.assertTrue(raw.command("RETR 2").startswith(b"+OK"))
        raw.multiline()
        raw.sock.shutdown(socket.SHUT_RDWR)
        raw.close()
        deadline = time.time() + 5
        while True:   # the old session releases the maildrop once it sees the connection gone
            raw = self.raw()
            raw.command("USER dora")
            reply = raw.command("PASS secret")
            if reply.startswith(b"+OK") or time.time() > deadline:
                break
            raw.close()
            time.sleep(0.05)
        self.assertTrue(reply.startswith(b"+OK Logged in, maildrop has %d messages" % count), reply)
        raw.command("QUIT")
        self.assertFalse(any(name.endswith("S") for name in maildir_files(self.m.users["dora"].maildir()).values()))

    def test_lmtp_delivered_messages_are_fetched_byte_exact_from_maildir_and_mbox(self):
        message = (b"From: Sender <sender@example.org>\r\nSubject: byte exact\r\nMIME-Version: 1.0\r\n"
                   b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                   b"From the start of a line\r\n>From quoted already\r\n.\r\n..two dots\r\n"
                   b"caf\xc3\xa9 \xe2\x82\xac\r\n" + b"x" * 998 + b"\r\n\r\n\ttabbed\r\nlast line\r\n")
        for user in ("ann", "mbx"):
            self.deliver(user, message)
            client = self.pop(user)
            count = client.stat()[0]
            response, lines, _ = client.retr(count)
            size = int(response.split()[1])
            sent = CRLF.join(lines) + CRLF
            self.assertEqual(len(sent), size, user)
            self.assertTrue(sent.startswith(b"Return-Path: <sender@example.org>\r\nDelivered-To: " +
                                            user.encode() + b"@mail.example.com\r\n"), user)
            self.assertEqual(sent[sent.index(b"From: Sender"):], message, user)
            client.quit()
        with open(os.path.join(self.mbx.home, "inbox"), "rb") as f:
            self.assertIn(b"\n>From the start of a line\n", f.read())   # mboxrd-quoted on disk only

    def test_retr_in_order_and_out_of_order_send_the_same_bytes(self):
        """RETR 1, 2, 3... is answered from the read-ahead after the first; RETR in reverse
        order never is. Both must send every message byte for byte, a large one included."""
        before = self.pop("ann")
        first = before.stat()[0] + 1
        before.quit()
        messages = [b"Subject: ahead %d\r\n\r\n.starts with a dot\r\n..two\r\nend\r\n" % n for n in range(4)]
        messages.insert(2, b"Subject: large\r\n\r\n" + (b"y" * 900 + b"\r\n") * 200)
        for message in messages:
            self.deliver("ann", message)
        numbers = range(first, first + len(messages))
        in_order = self.pop("ann")
        forward = {n: in_order.retr(n) for n in numbers}
        in_order.quit()
        reverse = self.pop("ann")
        backward = {n: reverse.retr(n) for n in reversed(numbers)}
        reverse.quit()
        for n, message in zip(numbers, messages):
            response, lines, octets = forward[n]
            self.assertEqual((response.split()[:2], lines), (backward[n][0].split()[:2], backward[n][1]), n)
            sent = CRLF.join(lines) + CRLF
            self.assertEqual(sent[sent.index(b"Subject: "):], message, n)

    def test_log_line_at_logout(self):
        self.deliver("errol", b"Subject: log\r\n\r\nlog\r\n")
        client = self.pop("errol")
        count, total = client.stat()
        client.retr(1)
        client.top(1, 0)
        client.dele(1)
        client.quit()
        self.m.wait_for_log(r"pop3\[\d+\]: [0-9A-F]{12}: Disconnected: Logged out user=<errol>, rip=127\.0\.0\.1, "
                            r"top=1/\d+, retr=1/\d+, del=1/%d, size=%d$" % (count - 1, total))


class Pop3OffLoopbackTest(unittest.TestCase):
    """disable_plaintext_auth = yes (the default) on an address that is not loopback."""

    @classmethod
    def setUpClass(cls):
        addresses = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
        cls.address = next((a for a in addresses if "." in a and not a.startswith("127.")), None)
        if cls.address is None:
            raise unittest.SkipTest("no non-loopback IPv4 address on this host")
        cls.m = Mailroom(services=["lmtp"])
        cls.m.enable_tls()
        cls.m.add_user("ann")
        cls.port = free_port()
        cls.m.parameters["pop3_listen"] = "%s:%d" % (cls.address, cls.port)
        cls.m.start()
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection((cls.address, cls.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def test_passwords_need_tls(self):
        client = poplib.POP3(self.address, self.port, timeout=10)
        capabilities = client.capa()
        self.assertIn("STLS", capabilities)
        self.assertNotIn("USER", capabilities)
        self.assertNotIn("SASL", capabilities)
        with self.assertRaisesRegex(poplib.error_proto, r"-ERR \[AUTH\] Plaintext authentication is disabled on "
                                                        r"this connection; use STLS first\."):
            client.user("ann")
        client.stls(client_context())
        self.assertIn("USER", client.capa())
        client.user("ann")
        self.assertTrue(client.pass_("secret").startswith(b"+OK Logged in"))
        client.quit()


class Pop3LifecycleTest(unittest.TestCase):
    """Each test runs its own mailroomd: timeouts, storage failures and shutdown."""

    def test_login_timeout(self):
        with Mailroom(services=["pop3"], pop3_login_timeout="1s") as m:
            m.start()
            raw = RawPop3(m.port("pop3"))
            self.addCleanup(raw.close)
            started = time.time()
            self.assertIsNone(raw.line())
            self.assertLess(time.time() - started, 5)
            m.wait_for_log(r"Disconnected: Inactivity \(no login\), rip=127\.0\.0\.1")

    def test_a_failed_update_answers_sys_temp_and_removes_nothing(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: the store works with the user's rights, which root would bypass")
        with Mailroom(services=["lmtp", "pop3"]) as m:
            user = m.add_user("ann")
            m.start()
            with smtplib.LMTP("127.0.0.1", m.port("lmtp")) as lmtp:
                lmtp.sendmail("s@example.org", ["ann@mail.example.com"], b"Subject: stay\r\n\r\nstay\r\n")
            raw = RawPop3(m.port("pop3"))
            self.addCleanup(raw.close)
            raw.command("USER ann")
            raw.command("PASS secret")
            self.assertTrue(raw.command("DELE 1").startswith(b"+OK"))
            directories = [os.path.join(user.maildir(), sub) for sub in ("new", "cur")]
            for directory in directories:
                os.chmod(directory, 0o555)
            try:
                self.assertEqual(raw.command("QUIT"),
                                 b"-ERR [SYS/TEMP] The deleted messages could not be removed; they stay in the maildrop.")
            finally:
                for directory in directories:
                    os.chmod(directory, 0o700)
            self.assertEqual(len(maildir_messages(user.maildir())), 1)
            m.wait_for_log(r"cannot update the maildrop of user=<ann>: .*Permission denied")
            m.wait_for_log(r"Disconnected: Storage error during logout user=<ann>, .*del=0/1")

    def test_shutdown_answers_and_deletes_nothing(self):
        with Mailroom(services=["lmtp", "pop3"]) as m:
            m.add_user("ann")
            m.start()
            with smtplib.LMTP("127.0.0.1", m.port("lmtp")) as lmtp:
                lmtp.sendmail("s@example.org", ["ann@mail.example.com"], b"Subject: stay\r\n\r\nstay\r\n")
            raw = RawPop3(m.port("pop3"))
            self.addCleanup(raw.close)
            raw.command("USER ann")
            raw.command("PASS secret")
            self.assertTrue(raw.command("DELE 1").startswith(b"+OK"))
            m.stop()
            self.assertEqual(raw.line(), b"-ERR [SYS/TEMP] Server shutting down.")
            self.assertIsNone(raw.line())
            self.assertEqual(len(maildir_messages(m.users["ann"].maildir())), 1)
            self.assertRegex(m.log(), r"Disconnected: Server shutting down user=<ann>, rip=127\.0\.0\.1, .*del=0/1")

    def test_login_delay_and_expire_zero(self):
        """RFC 2449 LOGIN-DELAY and EXPIRE 0, configured: announced in CAPA and enforced."""
        with Mailroom(services=["lmtp", "pop3"], pop3_login_delay="1h", pop3_expire="0") as m:
            m.add_user("ann")
            m.start()
            with smtplib.LMTP("127.0.0.1", m.port("lmtp")) as lmtp:
                for n in (1, 2):
                    lmtp.sendmail("s@example.org", ["ann@mail.example.com"], b"Subject: %d\r\n\r\nbody\r\n" % n)
            pop = poplib.POP3("127.0.0.1", m.port("pop3"))
            capabilities = pop.capa()
            self.assertEqual(capabilities["LOGIN-DELAY"], ["3600"])
            self.assertEqual(capabilities["EXPIRE"], ["0"])
            pop.user("ann")
            pop.pass_("secret")
            pop.retr(1)
            self.assertTrue(pop.quit().startswith(b"+OK Logging out, 1 message deleted"))
            self.assertEqual(len(maildir_messages(m.users["ann"].maildir())), 1)
            again = poplib.POP3("127.0.0.1", m.port("pop3"))
            again.user("ann")
            with self.assertRaises(poplib.error_proto) as refused:
                again.pass_("secret")
            self.assertIn(b"[LOGIN-DELAY]", refused.exception.args[0])
            with self.assertRaises(poplib.error_proto) as wrong:   # a wrong password is told so first
                again.user("ann")
                again.pass_("wrong")
            self.assertIn(b"[AUTH]", wrong.exception.args[0])
            again.quit()
            m.wait_for_log(r"Login refused: user=<ann>, rip=127\.0\.0\.1, less than pop3_login_delay=3600s")


if __name__ == "__main__":
    unittest.main()
