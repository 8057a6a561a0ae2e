"""Recipient resolution over LMTP, as Postfix local(8) does it: aliases (lists, |command,
/file, Maildir/, :include:, owner-, remote addresses, loops), .forward (\\user, commands and
files with the user's rights, .forward+extension, unsafe files ignored), luser_relay,
Delivered-To loop detection, duplicate elimination, commands' environment and exit codes,
forwarding through sendmail_path, mailbox_command, and an mbox INBOX in a shared spool."""

import grp
import os
import pwd
import stat
import time
import unittest

from mailroom_harness import LmtpClient, Mailroom, body_of, maildir_messages

RECORD_SCRIPT = """#!/bin/sh
# record NAME: keeps what a delivery command saw (identity, directory, environment, stdin)
f="%(records)s/$1.$$"
{ echo "uid=$(id -u)"; echo "cwd=$(pwd)"; env; } > "$f.env"
cat > "$f.msg"
"""

SENDMAIL_SCRIPT = """#!/bin/sh
f="%(records)s/sendmail.$$"
printf '%%s\\n' "$@" > "$f.args"
cat > "$f.msg"
"""


def read_records(directory, prefix):
    """{pid: (env dict, message bytes)} for records named PREFIX.PID.*"""
    found = {}
    deadline = time.time() + 5
    while time.time() < deadline:
        names = [n for n in os.listdir(directory) if n.startswith(prefix + ".") and n.endswith(".msg")]
        if names:
            break
        time.sleep(0.05)
    for name in sorted(os.listdir(directory)):
        if not name.startswith(prefix + ".") or not name.endswith(".msg"):
            continue
        base = os.path.join(directory, name[:-4])
        env = {}
        for suffix in (".env", ".args"):
            if os.path.exists(base + suffix):
                with open(base + suffix) as f:
                    if suffix == ".env":
                        env = dict(l.split("=", 1) for l in f.read().splitlines() if "=" in l)
                    else:
                        env = {"args": f.read().splitlines()}
        with open(base + ".msg", "rb") as f:
            found[name] = (env, f.read())
    return list(found.values())


class Scripts:
    def __init__(self, m):
        self.records = m.path("records")
        os.makedirs(self.records)
        os.chmod(self.records, 0o1777)
        self.record = m.write_file("bin/record", RECORD_SCRIPT % {"records": self.records}, 0o755)
        self.sendmail = m.write_file("bin/sendmail", SENDMAIL_SCRIPT % {"records": self.records}, 0o755)
        os.chmod(os.path.dirname(self.record), 0o755)

    def take(self, prefix):
        records = read_records(self.records, prefix)
        for name in os.listdir(self.records):
            if name.startswith(prefix + "."):
                os.unlink(os.path.join(self.records, name))
        return records


class ResolveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        m = cls.m = Mailroom(services=["lmtp"], recipient_delimiter="+", luser_relay="rich+$local",
                             command_time_limit="2s")
        cls.s = Scripts(m)
        m.parameters["sendmail_path"] = cls.s.sendmail
        cls.rich = m.add_user("rich")
        cls.katie = m.add_user("katie")
        cls.bob = m.add_user("bob")
        cls.carl = m.add_user("carl")
        cls.files = m.path("files")
        os.makedirs(cls.files)
        os.chmod(cls.files, 0o1777)
        members = m.write_file("lists/members", "rich\nfar3@remote.example\n# a comment\n")
        m.write_file("aliases", "\n".join([
            "postmaster: rich",
            "list: rich, katie",
            "pipe: \"|%s pipe\"" % cls.s.record,
            "tofile: %s/tofile.mbox" % cls.files,
            "tomaildir: %s/maildir/" % cls.files,
            "incl: :include:%s" % members,
            "remote: far@remote.example",
            "loop1: loop2",
            "loop2: loop1",
            "mlist: katie, far@remote.example",
            "owner-mlist: rich",
            "exit75: \"|echo busy >&2; exit 75\"",
            "exit67: \"|echo no such person >&2; exit 67\"",
            "exit1: \"|echo broken >&2; exit 1\"",
            "slow: \"|sleep 30\"",
            "enhanced: \"|echo 4.2.2 mailbox is full >&2; exit 1\"",
        ]) + "\n")
        m.write_file(os.path.join(cls.katie.home, ".forward"),
                     "\\katie, \"|%s katie\"\n~/copy.mbox\n" % cls.s.record, owner=cls.katie)
        m.write_file(os.path.join(cls.bob.home, ".forward+lists"), "far2@remote.example\n", owner=cls.bob)
        m.write_file(os.path.join(cls.carl.home, ".forward"), "far4@remote.example\n", mode=0o664, owner=cls.carl)
        m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def send(self, recipients, body=b"Subject: resolve\r\n\r\nhello\r\n", sender="ann@example.org"):
        """One transaction; returns (RCPT replies, DATA replies for the accepted ones)."""
        with LmtpClient(self.m.port()) as c:
            c.command("LHLO test.example")
            c.command("MAIL FROM:<%s>" % sender)
            rcpt = [c.command("RCPT TO:<%s>" % r) for r in recipients]
            accepted = sum(1 for code, _ in rcpt if code == 250)
            if not accepted:
                return rcpt, []
            c.command("DATA")
            c.send(body + b".\r\n")
            return rcpt, c.replies(accepted)

    def count(self, user, subject):
        return sum(1 for s in maildir_messages(user.maildir()) if b"Subject: " + subject in s)

    def test_alias_to_users_and_duplicates(self):
        rcpt, data = self.send(["list@example.com", "rich@example.com"], b"Subject: dup\r\n\r\nx\r\n")
        self.assertEqual([c for c, _ in data], [250, 250])
        self.assertEqual(self.count(self.rich, b"dup"), 1)   # once, though named twice
        self.assertEqual(self.count(self.katie, b"dup"), 1)
        self.m.wait_for_log(r"to=<rich@mail\.example\.com>, orig_to=<list@example\.com>, relay=local.*status=sent")

    def test_alias_command_environment(self):
        rcpt, data = self.send(["pipe@example.com"], b"Subject: pipe\r\n\r\nx\r\n")
        self.assertEqual(data[0][0], 250, data)
        self.assertIn("delivered to command", data[0][1])
        (env, message), = self.s.take("pipe")
        nobody = pwd.getpwnam("nobody")
        self.assertEqual(env["uid"], str(nobody.pw_uid if os.geteuid() == 0 else os.getuid()))
        self.assertEqual(env["cwd"], "/")
        for key, value in {"USER": "pipe", "LOGNAME": "pipe", "LOCAL": "pipe", "DOMAIN": "example.com",
                           "RECIPIENT": "pipe@example.com", "SENDER": "ann@example.org",
                           "ORIGINAL_RECIPIENT": "pipe@example.com", "PATH": "/usr/bin:/bin"}.items():
            self.assertEqual(env.get(key), value, key)
        self.assertNotIn("EXTENSION", env)
        self.assertFalse(set(env) - {"uid", "cwd", "USER", "LOGNAME", "LOCAL", "DOMAIN", "RECIPIENT", "SENDER",
                                     "ORIGINAL_RECIPIENT", "PATH", "PWD", "HOME", "SHELL", "EXTENSION"})
        self.assertTrue(message.startswith(b"From ann@example.org "))
        self.assertIn(b"\nReturn-Path: <ann@example.org>\nDelivered-To: pipe@example.com\n", message)
        self.assertTrue(message.endswith(b"Subject: pipe\n\nx\n"))

    def test_command_exit_codes(self):
        rcpt, data = self.send(["exit75@example.com", "exit67@example.com", "exit1@example.com",
                                "slow@example.com", "enhanced@example.com"], b"Subject: exits\r\n\r\nx\r\n")
        (c75, t75), (c67, t67), (c1, t1), (cslow, tslow), (cenh, tenh) = data
        self.assertEqual((c75, t75[:5]), (451, "4.3.0"))
        self.assertIn("Command output: busy", t75)
        self.assertEqual((c67, t67[:5]), (550, "5.1.1"))
        self.assertIn("no such person", t67)
        self.assertEqual((c1, t1[:5]), (554, "5.3.0"))
        self.assertIn("broken", t1)
        self.assertEqual((cslow, tslow[:5]), (554, "5.3.0"))
        self.assertIn("time limit", tslow)
        self.assertEqual((cenh, tenh[:5]), (452, "4.2.2"))

    def test_alias_files_and_maildir(self):
        rcpt, data = self.send(["tofile@example.com", "tomaildir@example.com"], b"Subject: files\r\n\r\nFrom me\r\n")
        self.assertEqual([c for c, _ in data], [250, 250], data)
        with open(os.path.join(self.files, "tofile.mbox"), "rb") as f:
            mbox = f.read()
        self.assertTrue(mbox.startswith(b"From ann@example.org "))
        self.assertIn(b"\nReturn-Path: <ann@example.org>\nDelivered-To: tofile@example.com\n", mbox)
        self.assertIn(b"\n>From me\n", mbox)   # mboxrd quoting
        st = os.stat(os.path.join(self.files, "tofile.mbox"))
        if os.geteuid() == 0:
            self.assertEqual(st.st_uid, pwd.getpwnam("nobody").pw_uid)   # default_privs
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(len(maildir_messages(os.path.join(self.files, "maildir"))), 1)

    def test_include_remote_and_owner_aliases_are_forwarded(self):
        self.s.take("sendmail")
        rcpt, data = self.send(["incl@example.com", "remote@example.com", "mlist@example.com"],
                               b"Subject: forwards\r\n\r\nx\r\n")
        self.assertEqual([c for c, _ in data], [250, 250, 250], data)
        calls = {tuple(env["args"]): message for env, message in self.s.take("sendmail")}
        self.assertIn(("-i", "-f", "ann@example.org", "--", "rich@mail.example.com", "far3@remote.example"), calls)
        self.assertIn(("-i", "-f", "ann@example.org", "--", "far@remote.example"), calls)
        self.assertIn(("-i", "-f", "owner-mlist@mail.example.com", "--", "katie@mail.example.com",
                       "far@remote.example"), calls)
        message = calls[("-i", "-f", "ann@example.org", "--", "far@remote.example")]
        self.assertTrue(message.startswith(b"Delivered-To: remote@example.com\nReceived: by mail.example.com"))
        self.assertNotIn(b"Return-Path:", message)
        self.m.wait_for_log(r"to=<far@remote\.example>, orig_to=<remote@example\.com>.*status=sent \(forwarded to")

    def test_loops(self):
        rcpt, _ = self.send(["loop1@example.com"])
        self.assertEqual(rcpt[0][0], 554)
        self.assertIn("5.4.6", rcpt[0][1])
        rcpt, data = self.send(["rich@example.com"],
                               b"Delivered-To: other@example.com\r\nDelivered-To: Rich@Example.com\r\n"
                               b"Subject: looping\r\n\r\nx\r\n")
        self.assertEqual(rcpt[0][0], 250)
        self.assertEqual(data[0][0], 554)
        self.assertIn("5.4.6 <rich@example.com> mail forwarding loop for rich@example.com", data[0][1])
        self.assertEqual(self.count(self.rich, b"looping"), 0)

    def test_luser_relay_and_postmaster(self):
        rcpt, data = self.send(["zed@example.com", "postmaster@example.com"], b"Subject: relay\r\n\r\nx\r\n")
        self.assertEqual([c for c, _ in data], [250, 250])
        relayed = [s for s in maildir_messages(self.rich.maildir()) if b"Subject: relay" in s]
        self.assertEqual(len(relayed), 2)
        self.assertTrue(any(b"Delivered-To: zed@example.com\n" in s for s in relayed))

    def test_forward_file_with_user_rights(self):
        self.s.take("katie")
        rcpt, data = self.send(["katie@example.com"], b"Subject: katie fwd\r\n\r\nx\r\n")
        self.assertEqual(data[0][0], 250, data)
        self.assertEqual(self.count(self.katie, b"katie fwd"), 1)
        (env, message), = self.s.take("katie")
        self.assertEqual(env["uid"], str(self.katie.uid))
        self.assertEqual(env["HOME"], self.katie.home)
        self.assertEqual(env["cwd"], self.katie.home)
        self.assertEqual(env["SHELL"], "/bin/sh")
        copy = os.path.join(self.katie.home, "copy.mbox")
        self.assertEqual(os.stat(copy).st_uid, self.katie.uid)
        with open(copy, "rb") as f:
            self.assertIn(b"Subject: katie fwd", f.read())

    def test_forward_extension_and_unsafe_forward(self):
        self.s.take("sendmail")
        rcpt, data = self.send(["bob+lists@example.com", "bob@example.com", "carl@example.com"],
                               b"Subject: ext\r\n\r\nx\r\n")
        self.assertEqual([c for c, _ in data], [250, 250, 250], data)
        calls = [env["args"] for env, _ in self.s.take("sendmail")]
        self.assertEqual(calls, [["-i", "-f", "ann@example.org", "--", "far2@remote.example"]])
        self.assertEqual(self.count(self.bob, b"ext"), 1)
        self.assertEqual(self.count(self.carl, b"ext"), 1)   # group-writable .forward ignored
        self.m.wait_for_log(r"warning: [0-9A-F]{12}: file .*carl/\.forward is group or world writable")


class MailboxCommandTest(unittest.TestCase):
    def test_mailbox_command_runs_as_the_user(self):
        with Mailroom(services=["lmtp"], recipient_delimiter="+") as m:
            s = Scripts(m)
            m.parameters["mailbox_command"] = s.record + ' "box-$EXTENSION"'
            rich = m.add_user("rich")
            m.start()
            with LmtpClient(m.port()) as c:
                c.command("LHLO t")
                c.command("MAIL FROM:<>")
                c.command("RCPT TO:<rich+foo@example.com>")
                c.command("DATA")
                c.send(b"Subject: box\r\n\r\nx\r\n.\r\n")
                code, text = c.reply()
            self.assertEqual(code, 250, text)
            (env, message), = s.take("box-foo")
            self.assertEqual(env["uid"], str(rich.uid))
            self.assertEqual(env["EXTENSION"], "foo")
            self.assertEqual(env["USER"], "rich")
            self.assertEqual(env["SENDER"], "")
            self.assertTrue(message.startswith(b"From MAILER-DAEMON  "))
            self.assertEqual(maildir_messages(rich.maildir()), [])


@unittest.skipUnless(os.geteuid() == 0, "needs root to create files as other users")
class SpoolMboxTest(unittest.TestCase):
    def test_mbox_in_group_writable_spool(self):
        with Mailroom(services=["lmtp"], home_mailbox="") as m:
            spool = m.path("spool")
            os.makedirs(spool)
            mail_gid = grp.getgrnam("mail").gr_gid
            os.chown(spool, 0, mail_gid)
            os.chmod(spool, 0o2775)
            m.parameters["mail_spool_directory"] = spool
            dave = m.add_user("dave")
            m.start()
            with LmtpClient(m.port()) as c:
                c.command("LHLO t")
                c.command("MAIL FROM:<ann@example.org>")
                c.command("RCPT TO:<dave@example.com>")
                c.command("DATA")
                c.send(b"Subject: spool\r\n\r\nx\r\n.\r\n")
                code, text = c.reply()
            self.assertEqual(code, 250, text)
            self.assertIn("delivered to mailbox", text)
            st = os.stat(os.path.join(spool, "dave"))
            self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (dave.uid, mail_gid, 0o600))
            self.assertFalse(os.path.exists(os.path.join(spool, "dave.lock")))
            with open(os.path.join(spool, "dave"), "rb") as f:
                self.assertTrue(f.read().startswith(b"From ann@example.org "))


if __name__ == "__main__":
    unittest.main()
