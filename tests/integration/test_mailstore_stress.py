"""Issue 3: concurrency and crash safety of the mail store, Maildir and mbox.
Several processes append, flag and expunge the same mailbox at once: afterwards every message
is present exactly once and UIDs are unique and increasing. Processes killed with SIGKILL in
the middle of appends and expunges, in a loop: no acknowledged message is lost, none is
duplicated or truncated, and the index recovers."""

import os
import random
import re
import signal
import subprocess
import threading
import time
import unittest

from mailroom_harness import Mailroom, program

LOCATIONS = {
    "maildir": "",
    "mbox": "userdb_mail=mbox:~/mail:INBOX=~/mbox",
}


def payload(tag, size):
    """A message whose every byte is predictable from its tag, so truncation is visible."""
    line = ("%s " % tag) * 8 + "\n"
    body = (line * (size // len(line) + 1))[:size].rstrip("\n") + "\n"   # mbox keeps a final newline
    return ("Subject: %s\nX-Length: %d\n\n%s" % (tag, size, body)).encode()


def listing(m, user):
    result = m.mailroom("mailbox", "fetch", user, "INBOX")
    assert result.returncode == 0, result.stderr
    return [int(line.split()[0][4:]) for line in result.stdout.decode().splitlines()]


def content(m, user, uid):
    result = m.mailroom("mailbox", "fetch", user, "INBOX", str(uid))
    assert result.returncode == 0, result.stderr
    return result.stdout


def check_complete(testcase, m, user):
    """Every message present is one of ours, whole; returns tag -> count."""
    uids = listing(m, user)
    testcase.assertEqual(uids, sorted(set(uids)))
    counts = {}
    for uid in uids:
        data = content(m, user, uid)
        tag = re.search(rb"^Subject: (\S+)", data, re.M).group(1).decode()
        size = int(re.search(rb"^X-Length: (\d+)", data, re.M).group(1))
        testcase.assertEqual(data, payload(tag, size), "message %d (%s) is damaged" % (uid, tag))
        counts[tag] = counts.get(tag, 0) + 1
    return counts


class Concurrency(unittest.TestCase):
    WORKERS = 4
    ROUNDS = 12

    def run_location(self, location):
        m = Mailroom(services=[], mbox_lock_timeout="60s")
        self.addCleanup(m.cleanup)
        m.add_user("ann", extra=LOCATIONS[location])
        saved = {}
        expunged = set()
        lock = threading.Lock()

        def worker(w):
            rng = random.Random(w)
            mine = []
            for r in range(self.ROUNDS):
                tag = "w%dr%d" % (w, r)
                result = m.mailroom("mailbox", "save", "ann", "INBOX", input=payload(tag, rng.randint(10, 5000)))
                assert result.returncode == 0, result.stderr
                uid = int(result.stdout.split()[0].split(b"=")[1])
                with lock:
                    saved[uid] = tag
                mine.append(uid)
                if r % 3 == 2:
                    victim = mine.pop(0)
                    result = m.mailroom("mailbox", "flags", "ann", "INBOX", "+\\Deleted", str(victim))
                    assert result.returncode == 0, result.stderr
                    result = m.mailroom("mailbox", "expunge", "ann", "INBOX", str(victim))
                    assert result.returncode == 0, result.stderr
                    with lock:
                        expunged.update(int(u) for u in result.stdout.split())
                else:
                    m.mailroom("mailbox", "flags", "ann", "INBOX", "+\\Seen", str(mine[-1]))

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(self.WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(saved), self.WORKERS * self.ROUNDS)   # every save got its own UID
        counts = check_complete(self, m, "ann")
        expected = {tag for uid, tag in saved.items() if uid not in expunged}
        self.assertEqual(set(counts), expected)
        self.assertTrue(all(n == 1 for n in counts.values()))
        self.assertEqual(sorted(listing(m, "ann")), sorted(u for u in saved if u not in expunged))

    def test_maildir(self):
        self.run_location("maildir")

    def test_mbox(self):
        self.run_location("mbox")


class CrashSafety(unittest.TestCase):
    LOOPS = 25

    def start(self, m, args, message=None):
        command = [program("mailroom"), "-c", m.config_file] + args
        return subprocess.Popen(command, stdin=subprocess.PIPE if message else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"})

    def run_location(self, location):
        m = Mailroom(services=[], mbox_lock_timeout="60s")
        self.addCleanup(m.cleanup)
        m.add_user("ann", extra=LOCATIONS[location])
        m.write_config()
        rng = random.Random(42)
        acknowledged = []
        for i in range(self.LOOPS):
            tag = "crash%d" % i
            process = self.start(m, ["mailbox", "save", "ann", "INBOX"], True)
            try:
                process.stdin.write(payload(tag, rng.randint(100000, 3000000)))
                process.stdin.close()
            except BrokenPipeError:
                pass
            time.sleep(rng.uniform(0, 0.05))
            process.send_signal(signal.SIGKILL)
            out = process.stdout.read()
            process.wait()
            process.stdout.close()
            process.stderr.close()
            if out.startswith(b"uid="):
                acknowledged.append(tag)
            if i % 5 == 4:
                # Delete about half, and kill the expunge part way too.
                uids = listing(m, "ann")
                doomed = [str(u) for u in uids[::2]]
                if doomed:
                    # Marked for deletion: may or may not survive the killed expunge.
                    doomed_tags = {re.search(rb"^Subject: (\S+)", content(m, "ann", int(u)), re.M).group(1).decode()
                                   for u in doomed}
                    m.mailroom("mailbox", "flags", "ann", "INBOX", "+\\Deleted", *doomed)
                    process = self.start(m, ["mailbox", "expunge", "ann", "INBOX"])
                    time.sleep(rng.uniform(0, 0.3))   # some finish, some are killed
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    process.stdout.close()
                    process.stderr.close()
                    acknowledged = [t for t in acknowledged if t not in doomed_tags]
        counts = check_complete(self, m, "ann")
        self.assertTrue(all(n == 1 for n in counts.values()), counts)
        for tag in acknowledged:
            self.assertIn(tag, counts, "acknowledged message %s was lost" % tag)

    def test_maildir(self):
        self.run_location("maildir")

    def test_mbox(self):
        self.run_location("mbox")


if __name__ == "__main__":
    unittest.main()
