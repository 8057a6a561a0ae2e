"""The SMTP front door, the queue and the sendmail command with a real mailroomd (issue 9):
smtplib to a local user arrives in the Maildir through the queue and LMTP; unknown users and
relaying are refused at RCPT time; remote mail goes to a relay sink that answers 4xx first
(retried) or 5xx (an RFC 3464 bounce comes back, none for the null sender); `mailroom
sendmail` (-i, -t, -bs, argv[0]) and .forward through it; `mailroom queue` list/show/delete/
flush; bad input gets clear errors."""

import email
import os
import smtplib
import socket
import subprocess
import unittest

from mailroom_harness import Mailroom, maildir_messages, program, wait_for
from smtp_sink import SmtpSink


class SmtpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = SmtpSink(plan=["451 4.3.0 sink says try later", "250 2.0.0 Ok: queued"])
        cls.m = Mailroom(services=["lmtp", "smtp"], queue_run_delay="1s", minimal_backoff_time="1s",
                         maximal_backoff_time="1s", relayhost="[127.0.0.1]:%d" % cls.sink.port,
                         smtp_tls_security_level="none", message_size_limit="100k")
        cls.m.parameters["queue_directory"] = cls.m.path("queue")
        cls.m.parameters["sendmail_path"] = "%s -c %s sendmail" % (program("mailroom"), cls.m.config_file)
        cls.rich = cls.m.add_user("rich")
        cls.ann = cls.m.add_user("ann")
        cls.fwd = cls.m.add_user("fwd")
        cls.m.write_file(os.path.join(cls.fwd.home, ".forward"), "rich@example.com\n", owner=cls.fwd)
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()
        cls.sink.close()

    def smtp(self):
        client = smtplib.SMTP("127.0.0.1", self.m.port("smtp"), timeout=20)
        self.addCleanup(client.close)
        return client

    def arrived(self, user, marker, count=1):
        return wait_for(lambda: [m for m in maildir_messages(user.maildir()) if marker in m]
                        if len([m for m in maildir_messages(user.maildir()) if marker in m]) >= count else None)

    def queue_empty(self):
        wait_for(lambda: b"Mail queue is empty" in self.m.mailroom("queue").stdout)

    def test_ehlo_advertises_the_extensions(self):
        client = self.smtp()
        code, text = client.ehlo("client.example")
        self.assertEqual(code, 250)
        for keyword in (b"PIPELINING", b"SIZE 102400", b"8BITMIME", b"ENHANCEDSTATUSCODES", b"CHUNKING"):
            self.assertIn(keyword, text)
        self.assertNotIn(b"STARTTLS", text)   # no certificate configured
        self.assertNotIn(b"AUTH", text)       # AUTH is for the submission port

    def test_local_mail_arrives_through_the_queue_and_lmtp(self):
        client = self.smtp()
        refused = client.sendmail("sender@example.org", ["rich@example.com"],
                                  b"Subject: local one\r\n\r\nHello.\r\n.leading dot\r\n")
        self.assertEqual(refused, {})
        stored = self.arrived(self.rich, b"local one")[0]
        self.assertIn(b"with ESMTP id", stored)
        self.assertIn(b"with LMTP id", stored)
        self.assertIn(b"Return-Path: <sender@example.org>", stored)
        self.assertTrue(stored.endswith(b"\nHello.\n.leading dot\n"))
        self.m.wait_for_log(r"qmgr\[\d+\]: \w+: to=<rich@example\.com>, relay=127\.0\.0\.1:\d+.*status=sent")

    def test_unknown_local_user_is_refused_at_rcpt(self):
        client = self.smtp()
        client.ehlo("client.example")
        client.mail("sender@example.org")
        code, text = client.rcpt("nobody@example.com")
        self.assertEqual((code, text[:5]), (550, b"5.1.1"))

    def test_message_size_limit(self):
        client = self.smtp()
        client.ehlo("client.example")
        code, text = client.mail("sender@example.org", ["SIZE=999999"])
        self.assertEqual((code, text[:5]), (552, b"5.3.4"))
        client.rset()
        client.mail("sender@example.org")   # no SIZE=: the limit applies while the data arrives
        client.rcpt("rich@example.com")
        code, text = client.data(b"Subject: big\r\n\r\n" + b"x" * 200000)
        self.assertEqual((code, text[:5]), (552, b"5.3.4"))
        self.assertEqual(client.noop()[0], 250)

    def test_remote_mail_is_retried_after_4xx_then_relayed(self):
        client = self.smtp()
        client.sendmail("ann@example.com", ["far@remote.example"], b"Subject: retried\r\n\r\nGo far.\r\n")
        self.m.wait_for_log(r"to=<far@remote\.example>, relay=\[127\.0\.0\.1\]:\d+.*status=deferred")
        wait_for(lambda: any(b"retried" in data for _, _, data in self.sink.messages))
        sender, recipients, data = [m for m in self.sink.messages if b"retried" in m[2]][0]
        self.assertEqual((sender, recipients), ("ann@example.com", ["far@remote.example"]))
        self.m.wait_for_log(r"to=<far@remote\.example>, relay=\[127\.0\.0\.1\]:\d+.*status=sent")

    def test_5xx_bounces_with_a_dsn_to_the_sender(self):
        client = self.smtp()
        client.sendmail("ann@example.com", ["reject-me@remote.example"], b"Subject: doomed\r\n\r\nNo.\r\n")
        stored = self.arrived(self.ann, b"Undelivered Mail Returned to Sender")[0]
        report = email.message_from_bytes(stored)
        self.assertEqual(report.get_content_type(), "multipart/report")
        self.assertEqual(report.get_param("report-type"), "delivery-status")
        parts = report.get_payload()
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        status_blocks = parts[1].get_payload()
        self.assertIn("dns; mail.example.com", status_blocks[0]["Reporting-MTA"])
        recipient = status_blocks[1]
        self.assertEqual(recipient["Final-Recipient"], "rfc822; reject-me@remote.example")
        self.assertEqual(recipient["Action"], "failed")
        self.assertEqual(recipient["Status"], "5.1.1")
        self.assertIn("550 5.1.1", recipient["Diagnostic-Code"])
        self.assertIn(b"Subject: doomed", stored)
        self.assertIn(b"Return-Path: <>", stored)

    def test_no_bounce_for_the_null_sender(self):
        client = self.smtp()
        client.sendmail("<>", ["reject-null@remote.example"], b"Subject: bounce of a bounce\r\n\r\nx\r\n")
        match = self.m.wait_for_log(r"(\w+): to=<reject-null@remote\.example>.*status=bounced")
        self.m.wait_for_log(match.group(1) + r": removed")
        self.assertNotIn("%s: sender non-delivery" % match.group(1), self.m.log())

    def test_wrong_order_and_garbage_get_clear_errors(self):
        with socket.create_connection(("127.0.0.1", self.m.port("smtp")), timeout=10) as s:
            f = s.makefile("rb")
            self.assertTrue(f.readline().startswith(b"220 mail.example.com ESMTP mailroom"))

            def say(line):
                s.sendall(line + b"\r\n")
                return f.readline()

            self.assertTrue(say(b"MAIL FROM:<a@b.example>").startswith(b"503 5.5.1 Error: send HELO/EHLO first"))
            self.assertTrue(say(b"HELO client.example").startswith(b"250 mail.example.com"))
            self.assertTrue(say(b"RCPT TO:<rich@example.com>").startswith(b"503 5.5.1"))
            self.assertTrue(say(b"LHLO client.example").startswith(b"500 5.5.1"))
            self.assertTrue(say(b"\x01\x02garbage").startswith(b"500 5.5.2"))
            self.assertTrue(say(b"NOOP " + b"x" * 5000).startswith(b"500 5.5.2 Error: line too long"))
            self.assertTrue(say(b"MAIL FROM:<a@b.example>").startswith(b"250"))
            self.assertTrue(say(b"DATA").startswith(b"554 5.5.1 Error: no valid recipients"))
            self.assertTrue(say(b"MAIL FROM:<a@b.example>").startswith(b"503 5.5.1 Error: nested MAIL"))
            self.assertTrue(say(b"RCPT TO:<a b c>").startswith(b"553 5.1.3"))
            self.assertTrue(say(b"AUTH PLAIN AGFubgBzZWNyZXQ=").startswith(b"503 5.5.1"))   # inside a transaction
            self.assertTrue(say(b"RSET").startswith(b"250"))
            self.assertTrue(say(b"STARTTLS").startswith(b"502 5.5.1"))
            self.assertTrue(say(b"QUIT").startswith(b"221"))

    def test_sendmail_command_queues_through_the_daemon(self):
        result = self.m.mailroom("sendmail", "-i", "-f", "ann@example.com", "--", "rich@example.com",
                                 input=b"Subject: via sendmail\n\n.\nstill here\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        stored = self.arrived(self.rich, b"via sendmail")[0]
        self.assertIn(b"\n.\nstill here\n", stored)
        self.assertIn(b"Message-ID: <", stored)   # added when missing
        self.assertIn(b"Return-Path: <ann@example.com>", stored)

    def test_sendmail_t_takes_recipients_from_the_header_and_drops_bcc(self):
        result = self.m.mailroom("sendmail", "-t", "-F", "Ann Example", "-f", "ann@example.com",
                                 input=b"To: rich@example.com\nBcc: fwd@example.com\nSubject: dash t\n\nbody\n.\nnot sent\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        stored = self.arrived(self.rich, b"dash t", count=2)   # directly, and by fwd's .forward
        self.assertNotIn(b"Bcc:", stored[0])
        self.assertNotIn(b"not sent", stored[0])   # without -i a lone "." ends the message
        self.assertIn(b'From: "Ann Example" <ann@example.com>', stored[0])

    def test_sendmail_refusals_and_argv0(self):
        result = self.m.mailroom("sendmail", "-i", "nobody@example.com", input=b"Subject: x\n\nx\n")
        self.assertEqual(result.returncode, 67)
        self.assertIn(b"5.1.1", result.stderr)
        link = self.m.path("sendmail")
        if not os.path.exists(link):
            os.symlink(program("mailroom"), link)
        env = {"PATH": "/usr/bin:/bin", "MAILROOM_CONFIG": self.m.config_file}
        result = subprocess.run([link, "-oi", "-f", "ann@example.com", "rich@example.com"], env=env,
                                input=b"Subject: as argv0\n\nx\n", capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.arrived(self.rich, b"as argv0")

    def test_sendmail_bs_speaks_smtp_on_stdio(self):
        session = (b"EHLO localhost\r\nMAIL FROM:<ann@example.com>\r\nRCPT TO:<rich@example.com>\r\nDATA\r\n"
                   b"Subject: via -bs\r\n\r\nx\r\n.\r\nQUIT\r\n")
        result = self.m.mailroom("sendmail", "-bs", input=session)
        self.assertIn(b"250 2.0.0 Ok: queued as", result.stdout)
        self.assertIn(b"221 2.0.0", result.stdout)
        self.arrived(self.rich, b"via -bs")

    def test_forward_uses_mailroom_sendmail(self):
        client = self.smtp()
        client.sendmail("ann@example.com", ["fwd@example.com"], b"Subject: forwarded on\r\n\r\nx\r\n")
        stored = self.arrived(self.rich, b"forwarded on")[0]
        self.assertIn(b"Delivered-To: fwd@example.com", stored)

    def test_queue_command(self):
        self.assertEqual(self.m.mailroom("queue", "show", "../etc").returncode, 66)
        self.assertEqual(self.m.mailroom("queue", "bogus").returncode, 64)


if __name__ == "__main__":
    unittest.main()
