"""The filter step of mailbox delivery: the user's procmailrc (filters/ engine) decides,
delivery stores with the user's rights; folders, /dev/null, programs, $DEFAULT = INBOX, a
broken rc file that never loses mail, an untrusted rc file that is ignored, the site rc."""

import os
import unittest

from mailroom_harness import LmtpClient, Mailroom, maildir_messages
from test_lmtp_resolve import Scripts

PROCMAILRC = """\
:0
* ^Subject:.*lists
lists/

:0c
* ^Subject:.*copy
| %(record)s filter-copy

:0
* ^Subject:.*drop
/dev/null

ARGUMENT=$1
:0
* ARGUMENT ?? ^^spam^^
spam/
"""


class FilterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        m = cls.m = Mailroom(services=["lmtp"], recipient_delimiter="+")
        cls.s = Scripts(m)
        cls.rich = m.add_user("rich")
        cls.broken = m.add_user("broken")
        cls.loose = m.add_user("loose")
        cls.site = m.add_user("site")
        m.write_file(os.path.join(cls.rich.home, ".procmailrc"), PROCMAILRC % {"record": cls.s.record}, owner=cls.rich)
        m.write_file(os.path.join(cls.broken.home, ".procmailrc"), ":0\n* ^Subject:.*x\n/nonexistent/dir/x\n:0 B\n",
                     owner=cls.broken)
        m.write_file(os.path.join(cls.loose.home, ".procmailrc"), ":0\n/dev/null\n", mode=0o666, owner=cls.loose)
        m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def deliver(self, recipient, subject):
        with LmtpClient(self.m.port()) as c:
            c.command("LHLO t")
            c.command("MAIL FROM:<ann@example.org>")
            code, text = c.command("RCPT TO:<%s>" % recipient)
            self.assertEqual(code, 250, text)
            c.command("DATA")
            c.send(b"Subject: %s\r\n\r\nbody\r\n.\r\n" % subject.encode())
            return c.reply()

    def test_folders_programs_and_default(self):
        code, text = self.deliver("rich@example.com", "for the lists")
        self.assertEqual(code, 250, text)
        self.assertIn("delivered by filter", text)
        stored = maildir_messages(os.path.join(self.rich.home, "lists"))
        self.assertEqual(len(stored), 1)
        self.assertTrue(stored[0].startswith(b"Return-Path: <ann@example.org>\nDelivered-To: rich@example.com\n"))
        new = os.path.join(self.rich.home, "lists", "new")
        self.assertEqual({os.stat(os.path.join(new, f)).st_uid for f in os.listdir(new)}, {self.rich.uid})

        self.assertEqual(self.deliver("rich@example.com", "please copy")[0], 250)
        (env, message), = self.s.take("filter-copy")
        self.assertEqual(env["uid"], str(self.rich.uid))
        self.assertTrue(any(b"Subject: please copy" in s for s in maildir_messages(self.rich.maildir())))

        self.assertEqual(self.deliver("rich@example.com", "drop me")[0], 250)
        self.assertFalse(any(b"drop me" in s for s in maildir_messages(self.rich.maildir())))

        self.assertEqual(self.deliver("rich+spam@example.com", "extension as $1")[0], 250)
        self.assertEqual(len(maildir_messages(os.path.join(self.rich.home, "spam"))), 1)

    def test_broken_rc_still_delivers_to_default(self):
        code, text = self.deliver("broken@example.com", "x marks")
        self.assertEqual(code, 250, text)
        self.assertTrue(any(b"Subject: x marks" in s for s in maildir_messages(self.broken.maildir())))
        self.m.wait_for_log(r"warning: [0-9A-F]{12}: filter: ")

    def test_untrusted_rc_is_ignored(self):
        code, text = self.deliver("loose@example.com", "not dropped")
        self.assertEqual((code, text.split(" ")[2:4]), (250, ["delivered", "to"]))
        self.assertEqual(len(maildir_messages(self.loose.maildir())), 1)
        self.m.wait_for_log(r"loose/\.procmailrc is group or world writable; not used as a filter")

    def test_lda_filters_too(self):
        result = self.m.mailroom("deliver", "-d", "rich", input=b"Subject: lists via the LDA\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(any(b"lists via the LDA" in s for s in maildir_messages(os.path.join(self.rich.home, "lists"))))


class SiteFilterTest(unittest.TestCase):
    def test_site_rc_runs_for_users_without_one(self):
        with Mailroom(services=["lmtp"]) as m:
            site_rc = m.write_file("procmailrc", ":0\n* ^Subject:.*junk\nJunk/\n")
            m.parameters["filter_site_rc"] = site_rc
            ann = m.add_user("ann")
            m.start()
            with LmtpClient(m.port()) as c:
                c.command("LHLO t")
                c.command("MAIL FROM:<>")
                c.command("RCPT TO:<ann@example.com>")
                c.command("DATA")
                c.send(b"Subject: junk mail\r\n\r\nx\r\n.\r\n")
                self.assertEqual(c.reply()[0], 250)
            self.assertEqual(len(maildir_messages(os.path.join(ann.home, "Junk"))), 1)
            self.assertEqual(maildir_messages(ann.maildir()), [])


if __name__ == "__main__":
    unittest.main()
