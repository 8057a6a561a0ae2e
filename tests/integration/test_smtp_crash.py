"""kill -9 and the queue (issue 9, docs/mta.md "Crashes"). Several times, mailroomd is killed
while four clients submit in a loop and the queue manager delivers up to four messages at
once; after the last restart every message that got its 250 is in the Maildir exactly once,
the queue is empty, and no copy carries the queue's hand-off line. The number of rounds is
MAILROOM_CRASH_ROUNDS (default 3). And the hand-off record itself: a recipient that delivery
recorded as done before a crash is not delivered again, while the others of the same message
are; a store whose intent line was written but whose rename into new/ never happened is
finished by the next attempt instead of being made again."""

import os
import random
import re
import smtplib
import sys
import threading
import time
import unittest

from mailroom_harness import Mailroom, maildir_messages, wait_for

CLIENTS = 4
ROUNDS = int(os.environ.get("MAILROOM_CRASH_ROUNDS", "3"))
PROCESS_LIMIT = 4


def subjects(user):
    found = []
    for stored in maildir_messages(user.maildir()):
        assert b"X-Mailroom-Handoff" not in stored, "the hand-off line was stored"
        for line in stored.split(b"\n"):
            if line.startswith(b"Subject: "):
                found.append(line[9:].decode())
    return found


class SmtpCrashTest(unittest.TestCase):
    def mailroom(self, **parameters):
        m = Mailroom(services=["lmtp", "smtp"], queue_run_delay="1s", minimal_backoff_time="1s",
                     maximal_backoff_time="1s", default_process_limit=str(PROCESS_LIMIT), **parameters)
        self.addCleanup(m.cleanup)
        m.parameters["queue_directory"] = m.path("queue")
        return m

    def test_kill_9_loses_nothing_acknowledged(self):
        m = self.mailroom()
        rich = m.add_user("rich")
        acknowledged, lock = [], threading.Lock()

        def sender(n, stop):
            i = 0
            while not stop.is_set():
                try:
                    client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=5)
                    while not stop.is_set():
                        tag = "msg-%d-%d-%d" % (len(acknowledged), n, i)
                        i += 1
                        client.sendmail("ann@example.org", ["rich@example.com"],
                                        ("Subject: %s\r\n\r\n%s\r\n" % (tag, "x" * 2000)).encode())
                        with lock:
                            acknowledged.append(tag)
                except (OSError, smtplib.SMTPException):
                    time.sleep(0.05)   # the daemon is gone: try again until told to stop

        for _ in range(ROUNDS):
            m.start()
            stop = threading.Event()
            threads = [threading.Thread(target=sender, args=(n, stop)) for n in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(1.0, 2.0))
            m.kill()
            time.sleep(0.3)
            stop.set()
            for t in threads:
                t.join(10)
        self.assertGreater(len(acknowledged), 10 * ROUNDS)
        m.start()
        wait_for(lambda: set(acknowledged) <= set(subjects(rich)), timeout=60,
                 failure=lambda: "%d acknowledged messages missing" % len(set(acknowledged) - set(subjects(rich))))
        wait_for(lambda: b"Mail queue is empty" in m.mailroom("queue").stdout, timeout=20)
        delivered = subjects(rich)
        self.assertEqual(set(acknowledged) - set(delivered), set(), "acknowledged but lost")
        duplicates = sorted(t for t in set(delivered) if delivered.count(t) > 1)
        by_done_line = len(re.findall(r"relay=handoff, .*status=sent", m.log()))
        by_intent = len(re.findall(r"was stored before a crash \(hand-off record\)", m.log()))
        sys.stderr.write("%d messages over %d kills: %d delivered more than once; saved from a second copy by "
                         "the hand-off record: %d by a done line, %d by an intent line\n"
                         % (len(acknowledged), ROUNDS, len(duplicates), by_done_line, by_intent))
        self.assertEqual(duplicates, [], "delivered more than once")
        self.assertEqual(os.listdir(m.path("queue", "handoff")), [])

    def test_a_recorded_recipient_is_not_delivered_again(self):
        m = self.mailroom(lmtp_delivery_address="127.0.0.1:1")   # nothing listens: deferred
        m.parameters["minimal_backoff_time"] = m.parameters["maximal_backoff_time"] = "1h"
        rich, ann = m.add_user("rich"), m.add_user("ann")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        client.sendmail("sender@example.org", ["rich@example.com", "ann@example.com"],
                        b"Subject: half done\r\n\r\nbody\r\n")
        client.quit()
        queue_id = m.wait_for_log(r"(\w+): to=<ann@example\.com>.*status=deferred").group(1)
        m.stop()
        # What a crash right after delivery stored rich's copy leaves behind: the record, no 'D'.
        with open(m.path("queue", "deferred", queue_id)) as f:
            nonce = re.search(r"^handoff (\w+)$", f.read(), re.M).group(1)
        with open(m.path("queue", "handoff", queue_id), "w") as f:
            f.write("%s rich@example.com\n" % nonce)
            f.write("0123456789ABCDEF ann@example.com\n")   # another nonce: does not count
        del m.parameters["lmtp_delivery_address"]
        m.start()
        self.assertEqual(m.mailroom("queue", "flush").returncode, 0)
        wait_for(lambda: "half done" in subjects(ann))
        m.wait_for_log(r"to=<rich@example\.com>, relay=handoff, .*status=sent \(delivered before a crash")
        wait_for(lambda: b"Mail queue is empty" in m.mailroom("queue").stdout)
        self.assertEqual(subjects(rich), [])
        self.assertEqual(subjects(ann), ["half done"])
        self.assertFalse(os.path.exists(m.path("queue", "handoff", queue_id)))

    def test_an_announced_store_is_finished_not_repeated(self):
        m = self.mailroom(lmtp_delivery_address="127.0.0.1:1")   # nothing listens: deferred
        m.parameters["minimal_backoff_time"] = m.parameters["maximal_backoff_time"] = "1h"
        rich = m.add_user("rich")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        client.sendmail("sender@example.org", ["rich@example.com"], b"Subject: announced\r\n\r\nbody\r\n")
        client.quit()
        queue_id = m.wait_for_log(r"(\w+): to=<rich@example\.com>.*status=deferred").group(1)
        m.stop()
        # What a kill right after the intent line leaves: the copy complete in tmp/, no rename.
        with open(m.path("queue", "deferred", queue_id)) as f:
            nonce = re.search(r"^handoff (\w+)$", f.read(), re.M).group(1)
        maildir = rich.maildir()
        name = "1795766400.M1P1Q1.crashed"
        written = [maildir] + [os.path.join(maildir, sub) for sub in ("tmp", "new", "cur")]
        for directory in written:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        with open(os.path.join(maildir, "tmp", name), "w") as f:
            f.write("Subject: announced\n\nthe first attempt's copy\n")
        for path in written + [os.path.join(maildir, "tmp", name)]:
            os.chown(path, rich.uid, rich.gid)
        with open(m.path("queue", "handoff", queue_id), "w") as f:
            f.write("%s:intent rich@example.com 1 %s maildir tmp/%s new/%s\n" % (nonce, maildir, name, name))
        del m.parameters["lmtp_delivery_address"]
        m.start()
        self.assertEqual(m.mailroom("queue", "flush").returncode, 0)
        wait_for(lambda: b"Mail queue is empty" in m.mailroom("queue").stdout)
        m.wait_for_log(r"was stored before a crash \(hand-off record\)")
        self.assertEqual(os.listdir(os.path.join(maildir, "new")), [name])
        self.assertEqual(os.listdir(os.path.join(maildir, "tmp")), [])
        self.assertEqual(maildir_messages(maildir), [b"Subject: announced\n\nthe first attempt's copy\n"])

    def test_a_mailbox_delivered_for_one_recipient_is_not_delivered_for_another_after_a_crash(self):
        m = self.mailroom(lmtp_delivery_address="127.0.0.1:1")   # nothing listens: deferred
        m.parameters["minimal_backoff_time"] = m.parameters["maximal_backoff_time"] = "1h"
        rich = m.add_user("rich")
        m.write_file("aliases", "boss: rich\n")
        m.start()
        self.assertEqual(m.mailroom("newaliases").returncode, 0)
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        client.sendmail("sender@example.org", ["rich@example.com", "boss@example.com"], b"Subject: once\r\n\r\nbody\r\n")
        client.quit()
        queue_id = m.wait_for_log(r"(\w+): to=<boss@example\.com>.*status=deferred").group(1)
        m.stop()
        # A kill right after rich@'s done line: rich's copy is stored, boss@ (also rich) is not
        # done. Within one attempt boss@ would be a duplicate of rich@; across the crash too.
        with open(m.path("queue", "deferred", queue_id)) as f:
            nonce = re.search(r"^handoff (\w+)$", f.read(), re.M).group(1)
        with open(m.path("queue", "handoff", queue_id), "w") as f:
            f.write("%s:dest mailbox%%20rich%%20rich\n%s rich@example.com\n" % (nonce, nonce))
        del m.parameters["lmtp_delivery_address"]
        m.start()
        self.assertEqual(m.mailroom("queue", "flush").returncode, 0)
        m.wait_for_log(r"to=<boss@example\.com>, relay=127\.0\.0\.1:\d+, .*status=sent \(.*delivered \(duplicate\)")
        wait_for(lambda: b"Mail queue is empty" in m.mailroom("queue").stdout)
        self.assertEqual(subjects(rich), [])


if __name__ == "__main__":
    unittest.main()
