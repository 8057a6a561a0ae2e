"""LMTP conversations with a real mailroomd (RFC 2033): several recipients with mixed results,
pipelining, BDAT, dot-stuffing and 8-bit bytes round-trip, a 20 MB message, size limit,
unknown users, quota, a unix socket, and the log lines."""

import os
import smtplib
import time
import unittest

from mailroom_harness import LmtpClient, Mailroom, body_of, maildir_messages

MESSAGE = (b"From: Ann <ann@example.org>\r\nTo: rich@example.com\r\nSubject: test\r\n\r\n"
           b"Hello.\r\n")


class LmtpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Mailroom(services=["lmtp"], recipient_delimiter="+", message_size_limit="30m",
                         mailbox_size_limit="60m", lmtp_save_to_detail_mailbox="yes")
        cls.rich = cls.m.add_user("rich")
        cls.bob = cls.m.add_user("bob", extra="userdb_quota_rule=*:storage=2K")
        cls.ann = cls.m.add_user("ann@virtual.example")
        cls.m.parameters["virtual_mailbox_domains"] = "virtual.example"
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def connect(self):
        client = LmtpClient(self.m.port())
        self.addCleanup(client.close)
        self.assertEqual(client.greeting[0], 220)
        code, text = client.command("LHLO test.example")
        self.assertEqual(code, 250)
        return client

    def test_capabilities(self):
        lmtp = smtplib.LMTP("127.0.0.1", self.m.port())
        code, _ = lmtp.ehlo("test.example")
        self.assertEqual(code, 250)
        for keyword in ("pipelining", "enhancedstatuscodes", "8bitmime", "chunking", "smtputf8"):
            self.assertTrue(lmtp.has_extn(keyword), keyword)
        self.assertEqual(lmtp.esmtp_features["size"], "31457280")
        self.assertEqual(lmtp.helo("x")[0], 500)   # RFC 2033 4.1: no HELO
        self.assertEqual(lmtp.verify("rich")[0], 252)
        lmtp.quit()

    def test_mixed_recipients_one_reply_each_in_order(self):
        c = self.connect()
        self.assertEqual(c.command("MAIL FROM:<ann@example.org> SIZE=100")[0], 250)
        self.assertEqual(c.command("RCPT TO:<rich@example.com>")[0], 250)
        code, text = c.command("RCPT TO:<nobody@example.com>")
        self.assertEqual((code, text), (550, '5.1.1 <nobody@example.com>: unknown user: "nobody"'))
        self.assertEqual(c.command("RCPT TO:<ann@virtual.example>")[0], 250)
        self.assertEqual(c.command("RCPT TO:<rich+nosuchfolder@example.com>")[0], 250)
        self.assertEqual(c.command("DATA")[0], 354)
        c.send(MESSAGE.replace(b"Subject: test", b"Subject: mixed") + b".\r\n")
        replies = c.replies(3)
        self.assertEqual([r[0] for r in replies], [250, 250, 250])
        self.assertTrue(replies[0][1].startswith("2.0.0 <rich@example.com> delivered to maildir"))
        self.assertTrue(replies[1][1].startswith("2.0.0 <ann@virtual.example>"))
        c.command("QUIT")
        rich = maildir_messages(self.rich.maildir())
        stored = [s for s in rich if b"Subject: mixed" in s]
        # rich and rich+nosuchfolder are two recipients: two copies, the second in INBOX as
        # the folder does not exist.
        self.assertEqual(len(stored), 2)
        stored.sort(key=lambda s: b"nosuchfolder" in s)
        self.assertIn(b"Delivered-To: rich+nosuchfolder@example.com\n", stored[1])
        self.assertTrue(stored[0].startswith(b"Return-Path: <ann@example.org>\nDelivered-To: rich@example.com\n"
                                             b"Received: from test.example ([127.0.0.1])\n\tby mail.example.com"))
        self.assertEqual(body_of(stored[0]), MESSAGE.replace(b"Subject: test", b"Subject: mixed").replace(b"\r\n", b"\n"))
        self.assertEqual(len(maildir_messages(self.ann.maildir())), 1)

    def test_quota_at_rcpt_and_at_delivery(self):
        c = self.connect()
        c.command("MAIL FROM:<ann@example.org> SIZE=5000")
        code, text = c.command("RCPT TO:<bob@example.com>")
        self.assertEqual(code, 552)
        self.assertTrue(text.startswith("5.2.2 <bob@example.com>:"), text)
        c.command("RSET")
        c.command("MAIL FROM:<ann@example.org>")   # no SIZE: accepted, refused when it arrives
        self.assertEqual(c.command("RCPT TO:<bob@example.com>")[0], 250)
        self.assertEqual(c.command("RCPT TO:<rich@example.com>")[0], 250)
        c.command("DATA")
        c.send(b"Subject: big\r\n\r\n" + b"x" * 4000 + b"\r\n.\r\n")
        (bob_code, bob_text), (rich_code, _) = c.replies(2)
        self.assertEqual(bob_code, 552)
        self.assertIn("5.2.2", bob_text)
        self.assertEqual(rich_code, 250)
        c.close()
        self.assertEqual(maildir_messages(self.bob.maildir()), [])

    def test_pipelined_transactions(self):
        c = self.connect()
        batch = b""
        for i in range(5):
            batch += (b"MAIL FROM:<p%d@example.org>\r\nRCPT TO:<rich@example.com>\r\nRCPT TO:<nobody@example.com>\r\n"
                      b"DATA\r\nSubject: pipelined %d\r\n\r\nbody\r\n.\r\n" % (i, i))
        batch += b"QUIT\r\n"
        c.send(batch)
        codes = [c.reply()[0] for _ in range(5 * 5 + 1)]
        self.assertEqual(codes, [250, 250, 550, 354, 250] * 5 + [221])
        subjects = [s for s in maildir_messages(self.rich.maildir()) if b"Subject: pipelined" in s]
        self.assertEqual(len(subjects), 5)

    def test_bdat_and_empty_message(self):
        c = self.connect()
        c.command("MAIL FROM:<ann@example.org> BODY=8BITMIME")
        c.command("RCPT TO:<rich@example.com>")
        c.send(b"BDAT 16\r\nSubject: bdat\r\n\r")
        self.assertEqual(c.reply(), (250, "2.0.0 16 octets received"))
        c.send(b"BDAT 9 LAST\r\n\nchunks\r\n")
        code, text = c.reply()
        self.assertEqual(code, 250, text)
        c.command("MAIL FROM:<>")
        c.command("RCPT TO:<rich@example.com>")
        c.send(b"BDAT 0 LAST\r\n")
        self.assertEqual(c.reply()[0], 250)
        c.close()
        stored = [s for s in maildir_messages(self.rich.maildir()) if b"Subject: bdat" in s]
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_of(stored[0]), b"Subject: bdat\n\nchunks\n")

    def test_dot_stuffing_and_8bit_round_trip_byte_exact(self):
        body = bytes(range(1, 256)).replace(b"\r", b"").replace(b"\n", b"") + b"\n"
        lines = [b"Subject: round trip \xc3\xa9", b"", b".leading dot", b"..two dots", b".", b" .", b"x\rbare CR",
                 body.rstrip(b"\n"), b"\x80\xff high bytes", b"last"]
        wire = b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)
        c = self.connect()
        c.command("MAIL FROM:<ann@example.org> BODY=8BITMIME SMTPUTF8")
        c.command("RCPT TO:<rich@example.com>")
        c.command("DATA")
        c.send(wire + b".\r\n")
        self.assertEqual(c.reply()[0], 250)
        c.close()
        stored = [s for s in maildir_messages(self.rich.maildir()) if b"Subject: round trip" in s]
        self.assertEqual(body_of(stored[0]), b"\n".join(lines) + b"\n")

    def test_detail_mailbox(self):
        os.makedirs(os.path.join(self.rich.maildir("lists"), "cur"), exist_ok=True)
        for sub in ("new", "tmp"):
            os.makedirs(os.path.join(self.rich.maildir("lists"), sub), exist_ok=True)
        os.system("chown -R %d:%d %s" % (self.rich.uid, self.rich.gid, self.rich.maildir()))
        c = self.connect()
        c.command("MAIL FROM:<ann@example.org>")
        c.command("RCPT TO:<rich+lists@example.com>")
        c.command("DATA")
        c.send(b"Subject: for the list folder\r\n\r\nx\r\n.\r\n")
        code, text = c.reply()
        self.assertEqual(code, 250)
        self.assertIn("folder lists", text)
        c.close()
        self.assertEqual(len(maildir_messages(self.rich.maildir("lists"))), 1)

    def test_size_limit_and_20_megabytes(self):
        c = self.connect()
        code, _ = c.command("MAIL FROM:<a@b> SIZE=40000000")
        self.assertEqual(code, 552)
        c.command("MAIL FROM:<a@b>")
        c.command("RCPT TO:<rich@example.com>")
        c.command("DATA")
        line = b"y" * 998 + b"\r\n"
        c.send(b"Subject: too big\r\n\r\n" + line * 32000 + b".\r\n")   # 32 MB > 30 MB
        code, text = c.reply()
        self.assertEqual(code, 552)
        self.assertIn("5.3.4", text)
        # 20 MB fits; it is spooled to a file, not held in memory, and stored byte for byte.
        c.command("MAIL FROM:<a@b>")
        c.command("RCPT TO:<rich@example.com>")
        c.command("DATA")
        started = time.time()
        c.send(b"Subject: twenty megabytes\r\n\r\n" + line * 20480 + b".\r\n")
        code, text = c.reply()
        elapsed = time.time() - started
        self.assertEqual(code, 250, text)
        c.close()
        stored = [s for s in maildir_messages(self.rich.maildir()) if b"Subject: twenty megabytes" in s]
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_of(stored[0]).count(b"\n"), 20480 + 2)
        self.assertEqual(len(body_of(stored[0])), len(b"Subject: twenty megabytes\n\n") + 999 * 20480)
        print("\n20 MB message over LMTP: %.2f s" % elapsed)

    def test_log_lines(self):
        c = self.connect()
        c.command("MAIL FROM:<ann@example.org>")
        c.command("RCPT TO:<rich+log@example.com>")
        c.command("RCPT TO:<nobody@example.com>")
        c.command("DATA")
        c.send(b"Subject: log\r\n\r\nx\r\n.\r\n")
        c.reply()
        c.command("QUIT")
        m = self.m.wait_for_log(r"mailroom/lmtp\[\d+\]: ([0-9A-F]{12}): to=<rich@example\.com>, "
                                r"orig_to=<rich\+log@example\.com>, relay=local, delay=\d+\.\d+, dsn=2\.0\.0, "
                                r"status=sent \(delivered to maildir\)")
        self.m.wait_for_log(m.group(1) + r": client=unknown\[127\.0\.0\.1\], from=<ann@example\.org>, size=\d+, nrcpt=1")
        self.m.wait_for_log(r"NOQUEUE: reject: RCPT from unknown\[127\.0\.0\.1\]: 550 5\.1\.1 <nobody@example\.com>")
        self.m.wait_for_log(r"mailroom/lmtp\[\d+\]: connect from unknown\[127\.0\.0\.1\]")
        self.m.wait_for_log(r"mailroom/lmtp\[\d+\]: disconnect from unknown\[127\.0\.0\.1\]")


class LmtpUnixSocketTest(unittest.TestCase):
    def test_unix_socket(self):
        with Mailroom(services=[], unix_sockets=["lmtp"]) as m:
            rich = m.add_user("rich")
            m.start()
            with LmtpClient(m.socket_path("lmtp")) as c:
                c.command("LHLO unix.example")
                c.command("MAIL FROM:<a@b>")
                c.command("RCPT TO:<rich@example.com>")
                c.command("DATA")
                c.send(b"Subject: over a unix socket\r\n\r\nx\r\n.\r\n")
                self.assertEqual(c.reply()[0], 250)
            stored = maildir_messages(rich.maildir())
            self.assertEqual(len(stored), 1)
            self.assertIn(b"Received: from unix.example (unix socket)", stored[0])
            m.wait_for_log(r"connect from local")


if __name__ == "__main__":
    unittest.main()
