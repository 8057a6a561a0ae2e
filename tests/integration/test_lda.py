"""`mailroom deliver`, the local delivery agent: one message on stdin through the same
pipeline as LMTP, sysexits(3) exit codes and an enhanced status code first on stderr (what
Postfix's pipe delivery reads), the From_ line, -d/-a/-f/-m and Postfix's environment."""

import os
import unittest

from mailroom_harness import Mailroom, body_of, maildir_messages

MESSAGE = b"From ann@example.org Fri Nov 27 04:03:19 2026\r\nSubject: lda\r\n\r\nbody\r\n"


class LdaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        m = cls.m = Mailroom(services=[], recipient_delimiter="+", lmtp_save_to_detail_mailbox="yes")
        m.parameters["log_destination"] = m.path("deliver.log")
        cls.rich = m.add_user("rich")
        cls.full = m.add_user("full", extra="userdb_quota_rule=*:storage=1K")
        m.write_file("aliases", "list: rich, full\n")
        folder = cls.rich.maildir("lists")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(folder, sub))
        os.system("chown -R %d:%d %s" % (cls.rich.uid, cls.rich.gid, cls.rich.home))

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def deliver(self, *args, message=MESSAGE, env=None, user=None):
        return self.m.mailroom("deliver", *args, input=message, env=env, user=user)

    def stored(self, user, marker, folder=None):
        return [s for s in maildir_messages(user.maildir(folder)) if marker in s]

    def test_deliver_to_a_user(self):
        result = self.deliver("-d", "rich", message=MESSAGE.replace(b"Subject: lda", b"Subject: lda-d"))
        self.assertEqual(result.returncode, 0, result.stderr)
        stored, = self.stored(self.rich, b"Subject: lda-d")
        self.assertTrue(stored.startswith(b"Return-Path: <ann@example.org>\nDelivered-To: rich@mail.example.com\n"
                                          b"Received: by mail.example.com (mailroom) with local id "))
        self.assertEqual(body_of(stored), b"Subject: lda-d\n\nbody\n")   # From_ line gone, LF ends
        with open(self.m.path("deliver.log")) as log:
            self.assertIn("status=sent (delivered to maildir)", log.read())

    def test_sender_recipient_and_folder_options(self):
        result = self.deliver("-f", "other@example.org", "-a", "rich+lists@example.com", "-d", "rich",
                              message=b"Subject: lda-folder\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        stored, = self.stored(self.rich, b"Subject: lda-folder", "lists")
        self.assertTrue(stored.startswith(b"Return-Path: <other@example.org>\nDelivered-To: rich+lists@example.com\n"))
        result = self.deliver("-d", "rich", "-m", "lists", message=b"Subject: lda-m\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.stored(self.rich, b"Subject: lda-m", "lists")), 1)
        result = self.deliver("-d", "rich", "-m", "no/such", message=b"Subject: lda-inbox\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.stored(self.rich, b"Subject: lda-inbox")), 1)

    def test_full_pipeline_with_a(self):
        result = self.deliver("-a", "list@example.com", message=b"Subject: lda-list\n\nsmall\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.stored(self.rich, b"Subject: lda-list")), 1)
        self.assertEqual(len(self.stored(self.full, b"Subject: lda-list")), 1)

    def test_exit_codes(self):
        result = self.deliver("-d", "nobody")
        self.assertEqual(result.returncode, 67)
        self.assertTrue(result.stderr.startswith(b'5.1.1 unknown user: "nobody"'), result.stderr)
        big = b"Subject: big\n\n" + b"x" * 4096 + b"\n"
        result = self.deliver("-d", "full", message=big)
        self.assertEqual(result.returncode, 73)
        self.assertTrue(result.stderr.startswith(b"5.2.2 "), result.stderr)
        result = self.deliver("-a", "rich@mail.example.com", message=b"Delivered-To: rich@mail.example.com\n\nloop\n")
        self.assertEqual(result.returncode, 69)
        self.assertTrue(result.stderr.startswith(b"5.4.6 mail forwarding loop"), result.stderr)
        # With -d the MTA has checked for loops and added this very line: no loop, no second copy.
        result = self.deliver("-d", "rich", message=b"Delivered-To: rich@mail.example.com\nSubject: lda-mta\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        stored, = self.stored(self.rich, b"Subject: lda-mta")
        self.assertEqual(stored.count(b"Delivered-To: rich@mail.example.com\n"), 1)
        self.assertEqual(self.deliver("-x").returncode, 64)
        self.assertEqual(self.deliver("-d").returncode, 64)
        result = self.m.mailroom("-c", self.m.path("missing.conf"), "deliver", "-d", "rich", input=MESSAGE)
        self.assertEqual(result.returncode, 75)
        self.assertIn(b"4.3.5 mail system configuration error", result.stderr)

    def test_quota_tempfail(self):
        self.m.parameters["quota_full_tempfail"] = "yes"
        try:
            result = self.deliver("-d", "full", message=b"Subject: big\n\n" + b"x" * 4096 + b"\n")
        finally:
            del self.m.parameters["quota_full_tempfail"]
        self.assertEqual(result.returncode, 75)
        self.assertTrue(result.stderr.startswith(b"4.2.2 "), result.stderr)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run as another user")
    def test_as_postfix_mailbox_command_runs_it(self):
        # As the user, with Postfix's environment and no options at all.
        env = {"PATH": "/usr/bin:/bin", "USER": "rich", "LOGNAME": "rich", "HOME": self.rich.home,
               "RECIPIENT": "rich+lists@example.com", "SENDER": "env@example.org", "EXTENSION": "lists"}
        result = self.deliver(message=b"Subject: lda-env\n\nx\n", env=env, user=self.rich)
        self.assertEqual(result.returncode, 0, result.stderr)
        stored, = self.stored(self.rich, b"Subject: lda-env", "lists")
        self.assertTrue(stored.startswith(b"Return-Path: <env@example.org>\nDelivered-To: rich+lists@example.com\n"))
        files = os.listdir(os.path.join(self.rich.maildir("lists"), "new"))
        owners = {os.stat(os.path.join(self.rich.maildir("lists"), "new", f)).st_uid for f in files}
        self.assertEqual(owners, {self.rich.uid})
        # Another user's mailbox is out of reach: a temporary failure, nothing written.
        result = self.deliver("-d", "full", message=b"Subject: lda-other\n\nx\n", env=env, user=self.rich)
        self.assertEqual(result.returncode, 75, result.stderr)
        self.assertEqual(self.stored(self.full, b"Subject: lda-other"), [])


class NewaliasesTest(unittest.TestCase):
    def test_reports_problems_with_line_numbers(self):
        with Mailroom(services=[]) as m:
            m.write_file("aliases", "root: rich\nRich.Blum rich\nroot: other\nok: \"|/bin/true\"\n")
            result = m.mailroom("newaliases")
            self.assertEqual(result.returncode, 65)
            errors = result.stderr.decode().splitlines()
            self.assertEqual([e.split(": ")[0] for e in errors], [m.path("aliases") + ":2", m.path("aliases") + ":3"])
            self.assertIn(b"2 aliases, 2 problems", result.stdout)
            clean = m.write_file("clean", "a: b\n")
            result = m.mailroom("newaliases", clean)
            self.assertEqual((result.returncode, result.stdout), (0, clean.encode() + b": 1 aliases, 0 problems\n"))
            self.assertEqual(m.mailroom("newaliases", m.path("none")).returncode, 66)


if __name__ == "__main__":
    unittest.main()
