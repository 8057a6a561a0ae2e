"""Real IMAP clients against mailroomd: mbsync (isync) syncing a Maildir both ways, with flag
changes, new messages, deletions and folders on either side (over STARTTLS), and curl's imap://
listing, searching and fetching."""

import os
import shutil
import smtplib
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_client import RawImap  # noqa: E402
from mailroom_harness import Mailroom  # noqa: E402


def message(subject, body="text\n"):
    return ("From: sender@example.org\r\nTo: ann@example.com\r\nSubject: %s\r\n"
            "Message-ID: <%s@example.org>\r\n\r\n%s" % (subject, subject.replace(" ", "."), body)).encode()


def local_files(maildir):
    """{subject: maildir flags} of a local Maildir folder."""
    found = {}
    for sub in ("new", "cur"):
        directory = os.path.join(maildir, sub)
        for name in os.listdir(directory) if os.path.isdir(directory) else []:
            with open(os.path.join(directory, name), "rb") as f:
                subject = [line for line in f.read().split(b"\n") if line.startswith(b"Subject: ")][0]
            flags = name.split(":2,", 1)[1] if ":2," in name else ""
            found[subject[9:].strip().decode()] = flags
    return found


@unittest.skipUnless(shutil.which("mbsync"), "mbsync (isync) is not installed")
class MbsyncTest(unittest.TestCase):
    def setUp(self):
        self.m = Mailroom(services=["lmtp", "imap"])
        self.cert = self.m.enable_tls()
        self.user = self.m.add_user("ann")
        self.m.start()
        self.addCleanup(self.m.cleanup)
        self.home = self.m.path("client-home")
        self.local = os.path.join(self.home, "mail")
        os.makedirs(self.local)
        with open(os.path.join(self.home, ".mbsyncrc"), "w") as f:
            f.write("""IMAPAccount mailroom
Host localhost
Port %d
User ann
Pass secret
SSLType STARTTLS
CertificateFile %s
AuthMechs PLAIN

IMAPStore remote
Account mailroom

MaildirStore local
Path %s/
Inbox %s/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns *
Create Both
Remove Both
Expunge Both
SyncState *
""" % (self.m.port("imap"), self.cert, self.local, self.local))

    def mbsync(self):
        result = subprocess.run(["mbsync", "-c", os.path.join(self.home, ".mbsyncrc"), "-a"], capture_output=True,
                                timeout=60, env={"HOME": self.home, "PATH": os.environ["PATH"]})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr + self.m.log().encode())

    def server_view(self, folder="INBOX"):
        with RawImap(self.m.port("imap")) as c:
            c.login()
            c.ok("EXAMINE " + folder)
            found = {}
            for line in c.ok("FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"):
                flags = line.split(b"FLAGS (", 1)[1].split(b")", 1)[0].decode()
                subject = line.split(b"Subject: ", 1)[1].split(b"\r\n", 1)[0].decode()
                found[subject] = flags
            return found

    def test_sync_both_ways(self):
        lmtp = smtplib.LMTP("127.0.0.1", self.m.port("lmtp"))
        for subject in ("one", "two", "three"):
            lmtp.sendmail("sender@example.org", ["ann@example.com"], message(subject))
        lmtp.quit()
        self.mbsync()
        self.assertEqual(set(local_files(os.path.join(self.local, "INBOX"))), {"one", "two", "three"})

        # Near side: flag "one" as seen and flagged, delete "two", add a message and a folder.
        inbox = os.path.join(self.local, "INBOX")
        for sub in ("new", "cur"):
            for name in os.listdir(os.path.join(inbox, sub)):
                path = os.path.join(inbox, sub, name)
                with open(path, "rb") as f:
                    text = f.read()
                base = name.split(":2,", 1)[0]
                if b"Subject: one" in text:
                    os.rename(path, os.path.join(inbox, "cur", base + ":2,FS"))
                elif b"Subject: two" in text:
                    os.rename(path, os.path.join(inbox, "cur", base + ":2,T"))   # trashed: expunged by Expunge Both
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.local, "Projects", sub))
        with open(os.path.join(self.local, "Projects", "new", "1700000000.local.test"), "wb") as f:
            f.write(message("local one"))
        self.mbsync()
        self.assertEqual(self.server_view(), {"one": "\\Flagged \\Seen", "three": ""})
        self.assertEqual(self.server_view("Projects"), {"local one": ""})

        # Far side: flag "three" answered, a new delivery, expunge "one".
        with RawImap(self.m.port("imap")) as c:
            c.login()
            c.ok("SELECT INBOX")
            c.ok("UID STORE 3 +FLAGS (\\Answered)")
            c.ok("UID STORE 1 +FLAGS (\\Deleted)")
            c.ok("EXPUNGE")
        lmtp = smtplib.LMTP("127.0.0.1", self.m.port("lmtp"))
        lmtp.sendmail("sender@example.org", ["ann@example.com"], message("four"))
        lmtp.quit()
        self.mbsync()
        self.assertEqual(local_files(inbox), {"three": "R", "four": ""})
        self.mbsync()   # nothing left to do: a second run changes nothing
        self.assertEqual(local_files(inbox), {"three": "R", "four": ""})


@unittest.skipUnless(shutil.which("curl"), "curl is not installed")
class CurlTest(unittest.TestCase):
    def test_list_search_fetch(self):
        with Mailroom(services=["lmtp", "imap"]) as m:
            m.add_user("ann")
            m.start()
            lmtp = smtplib.LMTP("127.0.0.1", m.port("lmtp"))
            lmtp.sendmail("sender@example.org", ["ann@example.com"], message("hello curl", "curl body\r\n"))
            lmtp.quit()
            base = "imap://127.0.0.1:%d/" % m.port("imap")

            def curl(*args):
                result = subprocess.run(["curl", "-sS", "--user", "ann:secret"] + list(args), capture_output=True,
                                        timeout=30)
                self.assertEqual(result.returncode, 0, result.stderr)
                return result.stdout

            self.assertIn(b'* LIST (\\HasNoChildren) "/" INBOX', curl(base))
            self.assertIn(b"* SEARCH 1", curl(base + "INBOX", "-X", "SEARCH SUBJECT curl"))
            fetched = curl(base + "INBOX;UID=1")
            self.assertIn(b"Subject: hello curl", fetched)
            self.assertTrue(fetched.endswith(b"curl body\r\n"))
            self.assertIn(b"Subject: hello curl", curl(base + "INBOX;UID=1;SECTION=HEADER"))
            self.assertEqual(curl(base + "INBOX;UID=1;SECTION=TEXT"), b"curl body\r\n")


if __name__ == "__main__":
    unittest.main()
