"""Real Postfix in front of mailroom: a private Postfix instance (its own configuration,
queue and data directories in a scratch directory, loopback only) hands mail to mailroomd
over LMTP (mailbox_transport and virtual_transport), mailroom re-submits forwarded mail
through Postfix's sendmail, and Postfix's local(8) runs `mailroom deliver` as
mailbox_command for a system user."""

import os
import pwd
import smtplib
import subprocess
import unittest
import uuid

import mailroom_harness
import postfix_instance
from mailroom_harness import Mailroom, maildir_messages, program
from postfix_instance import PostfixInstance


def wait_for(predicate):
    return mailroom_harness.wait_for(predicate, timeout=30, interval=0.1)


@unittest.skipUnless(postfix_instance.available(), "needs root and Debian's postfix")
class PostfixLmtpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The same host name as Postfix's: forwarded mail names local users @pf.example.com.
        cls.m = Mailroom(services=["lmtp"], recipient_delimiter="+", myhostname="pf.example.com",
                         mydestination="$myhostname, localhost",
                         virtual_mailbox_domains="virtual.example")
        cls.postfix = PostfixInstance()
        cls.m.parameters["sendmail_path"] = cls.postfix.sendmail
        m = cls.m
        cls.rich = m.add_user("rich")
        cls.katie = m.add_user("katie")
        cls.ping = m.add_user("ping")
        cls.pong = m.add_user("pong")
        cls.mboxer = m.add_user("mboxer", extra="userdb_mail=mbox:~/mail:INBOX=~/mbox")
        cls.vann = m.add_user("vann@virtual.example")
        m.write_file(os.path.join(cls.rich.home, ".forward"), "\\rich, katie\n", owner=cls.rich)
        m.write_file(os.path.join(cls.ping.home, ".forward"), "pong\n", owner=cls.ping)
        m.write_file(os.path.join(cls.pong.home, ".forward"), "ping\n", owner=cls.pong)
        m.start()
        lmtp = "lmtp:inet:127.0.0.1:%d" % m.port()
        cls.postfix.parameters.update({"mailbox_transport": lmtp, "virtual_mailbox_domains": "virtual.example",
                                       "virtual_transport": lmtp})
        try:
            cls.postfix.start()
        except Exception:
            cls.m.cleanup()
            cls.postfix.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.postfix.cleanup()
        cls.m.cleanup()

    def submit(self, recipients, subject, sender="ann@remote.example", body="hello through Postfix\r\n"):
        with smtplib.SMTP("127.0.0.1", self.postfix.smtp_port) as smtp:
            smtp.sendmail(sender, recipients, ("Subject: %s\r\nFrom: %s\r\n\r\n%s" % (subject, sender, body)).encode())

    def test_maildir_mbox_and_virtual(self):
        self.submit(["katie@pf.example.com", "mboxer@pf.example.com", "vann@virtual.example"], "pf-basic")
        katie = wait_for(lambda: [s for s in maildir_messages(self.katie.maildir()) if b"pf-basic" in s])
        self.assertEqual(len(katie), 1)
        self.assertTrue(katie[0].startswith(b"Return-Path: <ann@remote.example>\nDelivered-To: katie@pf.example.com\n"
                                            b"Received: from pf.example.com ([127.0.0.1])"))
        self.assertIn(b"by pf.example.com (Postfix)", katie[0])   # Postfix's own Received: is kept
        self.assertEqual(len(wait_for(lambda: maildir_messages(self.vann.maildir()))), 1)
        mbox = os.path.join(self.mboxer.home, "mbox")
        self.assertTrue(wait_for(lambda: os.path.exists(mbox)))
        with open(mbox, "rb") as f:
            content = f.read()
        self.assertTrue(content.startswith(b"From ann@remote.example "))
        self.assertIn(b"Subject: pf-basic", content)
        self.postfix.wait_for_log(r"postfix/lmtp\[\d+\]: \w+: to=<katie@pf\.example\.com>, relay=127\.0\.0\.1\[127\.0\.0\.1\]"
                                  r":\d+, .*status=sent \(250 2\.0\.0 <katie@pf\.example\.com> delivered to maildir\)")

    def test_unknown_user_bounces_at_rcpt(self):
        self.submit(["nobody@pf.example.com"], "pf-unknown")
        self.postfix.wait_for_log(r"to=<nobody@pf\.example\.com>.*status=bounced \(host 127\.0\.0\.1\[127\.0\.0\.1\] "
                                  r"said: 550 5\.1\.1 <nobody@pf\.example\.com>: unknown user")

    def test_forward_resubmitted_through_postfix(self):
        self.submit(["rich@pf.example.com"], "pf-forward")
        rich = wait_for(lambda: [s for s in maildir_messages(self.rich.maildir()) if b"pf-forward" in s])
        katie = wait_for(lambda: [s for s in maildir_messages(self.katie.maildir()) if b"pf-forward" in s])
        self.assertEqual((len(rich), len(katie)), (1, 1))
        # The forwarded copy went round through Postfix: both hops are recorded.
        self.assertIn(b"Delivered-To: katie@pf.example.com\n", katie[0])
        self.assertIn(b"Delivered-To: rich@pf.example.com\n", katie[0])
        self.assertTrue(katie[0].startswith(b"Return-Path: <ann@remote.example>\n"))

    def test_forwarding_loop_is_broken_by_delivered_to(self):
        self.submit(["ping@pf.example.com"], "pf-loop")
        self.postfix.wait_for_log(r"status=bounced \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 554 5\.4\.6 "
                                  r"<p[io]ng@pf\.example\.com> mail forwarding loop for p[io]ng@pf\.example\.com")
        self.assertEqual(maildir_messages(self.ping.maildir()), [])


@unittest.skipUnless(postfix_instance.available(), "needs root and Debian's postfix")
class PostfixMailboxCommandTest(unittest.TestCase):
    """local(8) runs `mailroom deliver` as the recipient (a real system account)."""

    def setUp(self):
        self.name = "mrt" + uuid.uuid4().hex[:8]
        self.m = Mailroom(services=[], user_database="system", recipient_delimiter="+",
                          mydestination="$myhostname, localhost, pf.example.com")
        self.home = self.m.path("home", self.name)
        subprocess.run(["useradd", "-M", "-d", self.home, "-s", "/bin/sh", self.name], check=True)
        self.addCleanup(subprocess.run, ["userdel", self.name])
        account = pwd.getpwnam(self.name)
        os.makedirs(self.home)
        os.chown(self.home, account.pw_uid, account.pw_gid)
        self.uid = account.pw_uid
        self.m.write_config()
        self.postfix = PostfixInstance(mailbox_command="%s -c %s deliver" % (program("mailroom"), self.m.config_file),
                                       recipient_delimiter="+")
        self.addCleanup(self.m.cleanup)
        self.addCleanup(self.postfix.cleanup)
        self.postfix.start()

    def test_mailbox_command(self):
        with smtplib.SMTP("127.0.0.1", self.postfix.smtp_port) as smtp:
            smtp.sendmail("ann@remote.example", ["%s+box@pf.example.com" % self.name],
                          b"Subject: pf-command\r\n\r\nvia mailbox_command\r\n")
        maildir = os.path.join(self.home, "Maildir")
        stored = wait_for(lambda: maildir_messages(maildir))
        self.assertEqual(len(stored), 1, self.postfix.log())
        # local(8) put Return-Path, X-Original-To and Delivered-To on top: kept, not doubled.
        self.assertTrue(stored[0].startswith(b"Received: by mail.example.com (mailroom) with local id "))
        self.assertIn(b"\nReturn-Path: <ann@remote.example>\nX-Original-To: %s+box@pf.example.com\n"
                      b"Delivered-To: %s+box@pf.example.com\n" % (self.name.encode(), self.name.encode()), stored[0])
        self.assertEqual(stored[0].count(b"Delivered-To:"), 1)
        self.assertEqual(stored[0].count(b"Return-Path:"), 1)
        self.assertIn(b"\nSubject: pf-command\n", stored[0])
        self.assertTrue(stored[0].endswith(b"\n\nvia mailbox_command\n"))
        self.assertNotIn(b"\nFrom ann@remote.example", stored[0])   # the From_ line local(8) adds is removed
        new = os.path.join(maildir, "new")
        self.assertEqual({os.stat(os.path.join(new, f)).st_uid for f in os.listdir(new)}, {self.uid})
        self.postfix.wait_for_log(r"postfix/local\[\d+\]: \w+: to=<%s\+box@pf\.example\.com>.*status=sent "
                                  r"\(delivered to command: " % self.name)


if __name__ == "__main__":
    unittest.main()
