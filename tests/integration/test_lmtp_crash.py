"""Crash safety: mailroomd is killed with SIGKILL in the middle of a stream of pipelined LMTP
deliveries on several connections. Every recipient that got 250 must have exactly one
complete copy; no message file in any new/ may be partial; a restarted daemon delivers."""

import os
import re
import threading
import time
import unittest

from mailroom_harness import LmtpClient, Mailroom, maildir_messages

USERS = ["u%d" % i for i in range(8)]
CONNECTIONS = 4
RECIPIENTS = 3
FILLER = b"".join(b"line %05d of filler text to make the message long enough to take a while\r\n" % i
                  for i in range(300))


def message(tag):
    return b"Subject: crash %s\r\nX-Seq: %s\r\n\r\n%sEND-OF-MESSAGE %s\r\n" % (tag, tag, FILLER, tag)


def transaction(tag, recipients):
    return (b"MAIL FROM:<load@example.org>\r\n" + b"".join(b"RCPT TO:<%s@example.com>\r\n" % r.encode()
                                                           for r in recipients) + b"DATA\r\n")


class CrashTest(unittest.TestCase):
    def test_kill_during_pipelined_deliveries(self):
        with Mailroom(services=["lmtp"]) as m:
            users = {name: m.add_user(name) for name in USERS}
            m.start()
            acknowledged = []   # (tag, user) that got 250
            lock = threading.Lock()

            def client(number):
                seq = 0
                c = LmtpClient(m.port(), timeout=20)
                try:
                    c.command("LHLO load.example")

                    def next_group():
                        nonlocal seq
                        tag = b"%d-%d" % (number, seq)
                        recipients = [USERS[(number + seq + j) % len(USERS)] for j in range(RECIPIENTS)]
                        seq += 1
                        return tag, recipients

                    tag, recipients = next_group()
                    c.send(transaction(tag, recipients))
                    while True:
                        c.reply()                                        # MAIL
                        for _ in recipients:
                            c.reply()                                    # RCPT
                        if c.reply()[0] != 354:
                            return
                        following = next_group()
                        # The content, its end, and the next transaction's commands in one write.
                        c.send(message(tag) + b".\r\n" + transaction(*following))
                        for r in recipients:
                            if c.reply()[0] == 250:
                                with lock:
                                    acknowledged.append((tag.decode(), r))
                        tag, recipients = following
                except (ConnectionError, OSError):
                    pass   # the daemon was killed
                finally:
                    c.close()

            threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
            for t in threads:
                t.start()
            deadline = time.time() + 20
            while len(acknowledged) < 60 and time.time() < deadline:
                time.sleep(0.01)
            m.kill()
            for t in threads:
                t.join(30)
            self.assertGreaterEqual(len(acknowledged), 60)

            copies = {}
            for name, user in users.items():
                for stored in maildir_messages(user.maildir()):
                    tag = re.search(rb"X-Seq: (\S+)", stored).group(1).decode()
                    self.assertTrue(stored.endswith(b"END-OF-MESSAGE " + tag.encode() + b"\n"),
                                    "partial message %s for %s" % (tag, name))
                    copies[(tag, name)] = copies.get((tag, name), 0) + 1
            self.assertEqual([k for k, n in copies.items() if n != 1], [])
            for key in acknowledged:
                self.assertEqual(copies.get(key), 1, "acknowledged but not stored: %s" % (key,))
            print("\n%d copies acknowledged, %d stored (the rest were in flight)" % (len(acknowledged), len(copies)))

            # A new daemon starts over the killed one's state and delivers.
            m.start()
            c = LmtpClient(m.port())
            c.command("LHLO again.example")
            c.command("MAIL FROM:<a@b>")
            c.command("RCPT TO:<u0@example.com>")
            c.command("DATA")
            c.send(message(b"after") + b".\r\n")
            self.assertEqual(c.reply()[0], 250)
            c.close()


if __name__ == "__main__":
    unittest.main()
