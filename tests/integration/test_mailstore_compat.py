"""Issue 3: the mail store is compatible both ways with independent programs - Python's
mailbox module reads what mailroom writes (same messages, same flags) and mailroom reads what
it writes, for Maildir and mbox; real procmail delivers into the same Maildir and mbox while
mailroom syncs and changes flags."""

import mailbox
import os
import subprocess
import threading
import unittest

from mailroom_harness import Mailroom


def fetch_lines(m, user, box="INBOX"):
    result = m.mailroom("mailbox", "fetch", user, box)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().splitlines()


def fetch(m, user, box, uid):
    result = m.mailroom("mailbox", "fetch", user, box, str(uid))
    assert result.returncode == 0, result.stderr
    return result.stdout


def save(m, user, box, message, flags=None):
    args = ["mailbox", "save", user, box] + ([flags] if flags else [])
    result = m.mailroom(*args, input=message)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[0].split(b"=")[1])


class MaildirCompatibility(unittest.TestCase):
    def setUp(self):
        self.m = Mailroom(services=[])
        self.ann = self.m.add_user("ann")

    def tearDown(self):
        self.m.cleanup()

    def test_python_reads_what_mailroom_writes(self):
        messages = [(b"Subject: one\n\nfirst\n", "\\Seen", "S"),
                    (b"Subject: two\n\nFrom me\n", "\\Flagged,\\Answered", "FR"),
                    (b"Subject: three\n\n", None, ""),
                    (b"Subject: four\n\nbye\n", "\\Deleted,\\Draft", "DT")]
        for body, flags, _ in messages:
            save(self.m, "ann", "INBOX", body, flags)
        box = mailbox.Maildir(self.ann.maildir(), factory=None, create=False)
        found = {msg["Subject"]: msg for msg in box}
        for body, _, letters in messages:
            subject = body.split(b"\n")[0].split(b": ")[1].decode()
            self.assertEqual(found[subject].get_flags(), letters)
        self.assertEqual(sorted(box.get_bytes(k) for k in box.keys()), sorted(b for b, _, _ in messages))
        # A flag change through mailroom renames the file the way Python expects.
        self.assertEqual(self.m.mailroom("mailbox", "flags", "ann", "INBOX", "+\\Seen", "3").returncode, 0)
        box = mailbox.Maildir(self.ann.maildir(), factory=None, create=False)
        self.assertEqual({m["Subject"]: m.get_flags() for m in box}["three"], "S")

    def test_mailroom_reads_what_python_writes(self):
        save(self.m, "ann", "INBOX", b"Subject: ours\n\nx\n")
        box = mailbox.Maildir(self.ann.maildir(), factory=None, create=False)
        message = mailbox.MaildirMessage(b"Subject: python\n\nwritten by Python\n")
        message.set_subdir("cur")
        message.set_flags("FS")
        box.add(message)
        box.add(mailbox.MaildirMessage(b"Subject: new one\n\nin new/\n"))
        folder = box.add_folder("Work")
        folder.add(mailbox.MaildirMessage(b"Subject: in a folder\n\n"))
        if os.geteuid() == 0:   # Python wrote as root; the mail belongs to ann
            for root, dirs, files in os.walk(self.ann.maildir()):
                for name in dirs + files:
                    os.chown(os.path.join(root, name), self.ann.uid, self.ann.gid)
        self.m.mailroom("mailbox", "sync", "ann", "INBOX")
        lines = fetch_lines(self.m, "ann")
        self.assertEqual(len(lines), 3)
        by_uid = {int(l.split()[0][4:]): l for l in lines}
        self.assertIn("flags=()", by_uid[1])
        self.assertIn("\\Flagged \\Seen", by_uid[2] + by_uid[3])
        contents = sorted(fetch(self.m, "ann", "INBOX", uid) for uid in by_uid)
        self.assertEqual(contents, sorted([b"Subject: ours\n\nx\n", b"Subject: python\n\nwritten by Python\n",
                                           b"Subject: new one\n\nin new/\n"]))
        listed = self.m.mailroom("mailbox", "list", "ann").stdout.decode().split("\n")
        self.assertIn("Work", listed)
        self.assertEqual(fetch(self.m, "ann", "Work", 1), b"Subject: in a folder\n\n")
        # The UIDs stay when Python adds more and the index is rebuilt from scratch.
        for name in ("mailroom.index", "mailroom.index.log", "mailroom.index.cache"):
            os.remove(os.path.join(self.ann.maildir(), name))
        def without_modseq(lines):
            return sorted(" ".join(w for w in l.split() if not w.startswith("modseq=")) for l in lines)
        rebuilt = fetch_lines(self.m, "ann")
        self.assertEqual(without_modseq(rebuilt), without_modseq(lines))
        modseqs = [int(w[7:]) for l in rebuilt for w in l.split() if w.startswith("modseq=")]
        self.assertGreater(min(modseqs), 1000000)   # never below the lost ones


class MboxCompatibility(unittest.TestCase):
    def setUp(self):
        self.m = Mailroom(services=[])
        self.ann = self.m.add_user("ann", extra="userdb_mail=mbox:~/mail:INBOX=~/mbox")
        self.path = os.path.join(self.ann.home, "mbox")

    def tearDown(self):
        self.m.cleanup()

    def test_python_reads_what_mailroom_writes(self):
        save(self.m, "ann", "INBOX", b"Subject: one\n\nFrom the start\n>From quoted\n", "\\Seen")
        save(self.m, "ann", "INBOX", b"Subject: two\n\nsecond\n")
        self.assertEqual(self.m.mailroom("mailbox", "flags", "ann", "INBOX", "+\\Flagged,\\Answered", "2").returncode, 0)
        box = mailbox.mbox(self.path, create=False)
        messages = list(box)
        box.close()
        self.assertEqual([m["Subject"] for m in messages], ["one", "two"])
        self.assertEqual(set(messages[0].get_flags()), set("RO"))
        self.assertEqual(set(messages[1].get_flags()), set("OFA"))
        # Python's reader does not unquote: it shows the mboxrd quoting mailroom wrote.
        self.assertEqual(messages[0].get_payload(), ">From the start\n>>From quoted\n")

    def test_mailroom_reads_what_python_writes(self):
        box = mailbox.mbox(self.path)
        box.lock()
        message = mailbox.mboxMessage(b"Subject: python\n\nFrom a body line\nend\n")
        message.set_flags("RF")
        box.add(message)
        box.add(mailbox.mboxMessage(b"Subject: plain\n\nplain\n"))
        box.flush()
        box.unlock()
        box.close()
        lines = fetch_lines(self.m, "ann")
        self.assertEqual(len(lines), 2)
        self.assertIn("flags=(\\Flagged \\Seen)", lines[0])
        self.assertIn("flags=()", lines[1])
        self.assertEqual(fetch(self.m, "ann", "INBOX", 1), b"Subject: python\n\nFrom a body line\nend\n")
        # Python rewrites the file (removes a message); mailroom keeps the other's UID.
        box = mailbox.mbox(self.path)
        box.lock()
        box.remove(list(box.keys())[0])
        box.flush()
        box.unlock()
        box.close()
        lines = fetch_lines(self.m, "ann")
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("uid=2 "))


class ProcmailAlongside(unittest.TestCase):
    """procmail delivers while mailroom syncs, flags and expunges the same mailbox."""
    COUNT = 40

    def run_procmail(self, user, rc, count):
        def deliver(i):
            message = b"Subject: procmail %d\n\nmessage %d\n" % (i, i)
            env = {"PATH": "/usr/bin:/bin", "HOME": user.home, "LOGNAME": user.name}

            def as_user():
                if os.geteuid() == 0:
                    os.setgroups([user.gid])
                    os.setgid(user.gid)
                    os.setuid(user.uid)
            result = subprocess.run(["procmail", "-f", "sender@example.com", "-m", rc], input=message, env=env, preexec_fn=as_user,
                                    capture_output=True, timeout=60)
            assert result.returncode == 0, result.stderr
        threads = [threading.Thread(target=lambda k=k: [deliver(i) for i in range(k, count, 4)]) for k in range(4)]
        for t in threads:
            t.start()
        return threads

    def check(self, m, user_name, threads):
        seen_uids = []
        while any(t.is_alive() for t in threads):
            result = m.mailroom("mailbox", "sync", user_name, "INBOX")
            self.assertEqual(result.returncode, 0, result.stderr)
            uids = [int(u) for u in result.stdout.split()]
            self.assertEqual(uids, sorted(set(uids)))
            if uids:
                m.mailroom("mailbox", "flags", user_name, "INBOX", "+\\Seen", str(uids[-1]))
            seen_uids.append(uids)
        for t in threads:
            t.join()
        final = fetch_lines(m, user_name)
        uids = [int(l.split()[0][4:]) for l in final]
        self.assertEqual(len(uids), self.COUNT)
        self.assertEqual(uids, sorted(set(uids)))
        bodies = sorted(fetch(m, user_name, "INBOX", uid) for uid in uids)
        self.assertEqual(bodies, sorted(b"Subject: procmail %d\n\nmessage %d\n" % (i, i) for i in range(self.COUNT)))
        # A UID once seen never names another message.
        for earlier in seen_uids:
            for uid in earlier:
                self.assertIn(uid, uids)

    def test_maildir(self):
        m = Mailroom(services=[])
        self.addCleanup(m.cleanup)
        ann = m.add_user("ann")
        rc = m.write_file("procmailrc", ":0\n%s/\n" % ann.maildir())
        self.check(m, "ann", self.run_procmail(ann, rc, self.COUNT))

    def test_mbox(self):
        m = Mailroom(services=[])
        self.addCleanup(m.cleanup)
        ann = m.add_user("ann", extra="userdb_mail=mbox:~/mail:INBOX=~/mbox")
        rc = m.write_file("procmailrc", ":0:\n%s/mbox\n" % ann.home)
        self.check(m, "ann", self.run_procmail(ann, rc, self.COUNT))
        # Flags written by mailroom stay when procmail appends afterwards.
        self.assertEqual(m.mailroom("mailbox", "sync", "ann", "INBOX").returncode, 0)


if __name__ == "__main__":
    unittest.main()
