"""Real POP3 clients against mailroomd (docs/pop3.md): fetchmail in keep mode (UIDL tracking
across runs), flush and delete modes, over STLS and implicit TLS, into an MDA; curl pop3:// LIST,
RETR, UIDL, DELE, and pop3s:// with --insecure. Messages are delivered over LMTP and must come
out byte for byte."""

import os
import poplib
import smtplib
import subprocess
import tempfile
import unittest

from mailroom_harness import Mailroom

MESSAGES = [b"Subject: client %d\r\nFrom: <sender@example.org>\r\n\r\n.dot line %d\r\n..two\r\nbody\r\n" % (i, i)
            for i in range(6)]


class ClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Mailroom(services=["lmtp", "pop3", "pop3s"])
        cls.m.enable_tls()
        cls.m.add_user("hal")
        cls.m.add_user("ivy")
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def deliver(self, user, message):
        with smtplib.LMTP("127.0.0.1", self.m.port("lmtp")) as lmtp:
            lmtp.sendmail("sender@example.org", [user + "@mail.example.com"], message)

    def stat(self, user):
        client = poplib.POP3("127.0.0.1", self.m.port("pop3"), timeout=10)
        client.user(user)
        client.pass_("secret")
        count = client.stat()[0]
        client.quit()
        return count

    # -- fetchmail --------------------------------------------------------------------------
    def fetchmail_setup(self, service, keep, ssl):
        """A private HOME with an rc file and an MDA that writes each message to its own file."""
        home = tempfile.mkdtemp(prefix="fetchmail-", dir=self.m.root)
        out = os.path.join(home, "out")
        os.mkdir(out)
        mda = os.path.join(home, "mda")
        with open(mda, "w") as f:
            f.write('#!/bin/sh\ncat > "%s/msg.$$.$(date +%%s%%N)"\n' % out)
        os.chmod(mda, 0o755)
        rc = os.path.join(home, "fetchmailrc")
        with open(rc, "w") as f:
            f.write("set no syslog\nset no bouncemail\nset invisible\n"
                    "poll 127.0.0.1 proto POP3 port %d\n"
                    '    user "hal" there with password "secret" is root here\n'
                    "    %s no rewrite no sslcertck%s\n"
                    '    mda "%s"\n' % (self.m.port(service), "keep" if keep else "no keep", " ssl" if ssl else "", mda))
        os.chmod(rc, 0o600)
        return home, rc, out

    def fetchmail(self, home, rc, *extra):
        result = subprocess.run(["fetchmail", "-f", rc, "-i", os.path.join(home, "fetchids")] + list(extra),
                                capture_output=True, env={"HOME": home, "PATH": "/usr/bin:/bin"}, timeout=60)
        # 0: mail fetched; 1: no mail. Anything else is an error worth seeing.
        self.assertIn(result.returncode, (0, 1), result.stdout.decode() + result.stderr.decode())
        return result.returncode

    @staticmethod
    def fetched(out):
        found = []
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), "rb") as f:
                found.append(f.read())
            os.remove(os.path.join(out, name))
        return found

    def assert_same_messages(self, fetched, sent):
        # fetchmail hands the MDA LF line ends; after mailroom's trace headers the text is the sender's.
        bodies = sorted(m[m.index(b"Subject: "):] for m in fetched)
        self.assertEqual(bodies, sorted(s.replace(b"\r\n", b"\n") for s in sent))

    def test_fetchmail_keep_then_flush_then_delete(self):
        for message in MESSAGES[:3]:
            self.deliver("hal", message)
        home, rc, out = self.fetchmail_setup("pop3", keep=True, ssl=False)   # STLS is used when offered
        self.assertEqual(self.fetchmail(home, rc), 0)
        self.assert_same_messages(self.fetched(out), MESSAGES[:3])
        self.assertEqual(self.stat("hal"), 3)
        # keep mode remembers UIDLs: nothing is fetched twice.
        self.assertEqual(self.fetchmail(home, rc), 1)
        self.assertEqual(self.fetched(out), [])
        self.deliver("hal", MESSAGES[3])
        self.assertEqual(self.fetchmail(home, rc), 0)
        self.assert_same_messages(self.fetched(out), MESSAGES[3:4])
        # flush: the messages seen before are deleted from the server.
        self.fetchmail(home, rc, "--flush", "--nokeep")
        self.assertEqual(self.fetched(out), [])
        self.assertEqual(self.stat("hal"), 0)
        # the default mode fetches and deletes, here over implicit TLS.
        self.deliver("hal", MESSAGES[4])
        self.deliver("hal", MESSAGES[5])
        home, rc, out = self.fetchmail_setup("pop3s", keep=False, ssl=True)
        self.assertEqual(self.fetchmail(home, rc), 0)
        self.assert_same_messages(self.fetched(out), MESSAGES[4:])
        self.assertEqual(self.stat("hal"), 0)
        # fetchmail fetches with TOP n 99999999 (so servers that mark RETR mail as seen do not).
        self.m.wait_for_log(r"Disconnected: Logged out user=<hal>, rip=127\.0\.0\.1, top=2/\d+, retr=0/0, del=2/0")

    # -- curl ---------------------------------------------------------------------------------
    def curl(self, url, *extra):
        result = subprocess.run(["curl", "-s", "--user", "ivy:secret", url] + list(extra), capture_output=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_curl_list_retr_uidl_dele_and_pop3s(self):
        for message in MESSAGES[:2]:
            self.deliver("ivy", message)
        plain = "pop3://127.0.0.1:%d/" % self.m.port("pop3")
        listing = self.curl(plain).split(b"\r\n")
        self.assertEqual([line.split()[0] for line in listing if line], [b"1", b"2"])
        sizes = [int(line.split()[1]) for line in listing if line]
        first = self.curl(plain + "1")
        self.assertEqual(len(first), sizes[0])
        self.assertTrue(first.startswith(b"Return-Path: <sender@example.org>\r\n"))
        self.assertTrue(first.endswith(MESSAGES[0]))
        uidls = self.curl(plain, "-X", "UIDL").split(b"\r\n")
        self.assertEqual(len([line for line in uidls if line]), 2)
        second = self.curl("pop3s://127.0.0.1:%d/2" % self.m.port("pop3s"), "--insecure")
        self.assertTrue(second.endswith(MESSAGES[1]))
        self.assertEqual(self.curl(plain + "2", "--ssl-reqd", "--insecure"), second)
        self.curl(plain + "1", "-X", "DELE", "-I")
        remaining = [line for line in self.curl(plain).split(b"\r\n") if line]
        self.assertEqual(remaining, [b"1 %d" % sizes[1]])


if __name__ == "__main__":
    unittest.main()
