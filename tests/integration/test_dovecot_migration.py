"""Moving a Maildir or an mbox user from Dovecot to mailroom in place: the real Dovecot 2.3 (Debian's
dovecot-imapd, -pop3d, -lmtpd, a private instance from bench/lib/dovecot.py) delivers, flags
and expunges; then mailroom serves the same home. IMAP clients must see the same UIDVALIDITY,
UIDs and flags (or they download everything again), and POP3 clients the same UIDLs
(Dovecot's default %08Xu%08Xv, which is also mailroom's)."""

import imaplib
import os
import poplib
import re
import smtplib
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "lib"))
from dovecot import Dovecot  # noqa: E402
from mailroom_harness import Mailroom  # noqa: E402


def message(n):
    return ("From: sender%d@example.org\r\nTo: ann@example.com\r\nSubject: before the move %d\r\n"
            "Message-ID: <move.%d@example.org>\r\n\r\nbody %d\r\n" % (n, n, n, n)).encode()


def imap_state(port):
    """(UIDVALIDITY, [(uid, sorted flags)]) of ann's INBOX."""
    imap = imaplib.IMAP4("127.0.0.1", port)
    imap.login("ann", "secret")
    imap.select("INBOX")
    validity = int(imap.response("UIDVALIDITY")[1][0])
    typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
    assert typ == "OK", data
    messages = []
    for line in data:
        found = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)|FLAGS \(([^)]*)\) UID (\d+)", line)
        if found.group(1):
            uid, flags = int(found.group(1)), found.group(2)
        else:
            uid, flags = int(found.group(4)), found.group(3)
        messages.append((uid, sorted(f for f in flags.decode().split() if f != "\\Recent")))
    imap.logout()
    return validity, sorted(messages)


def pop3_uidls(port):
    pop = poplib.POP3("127.0.0.1", port)
    pop.user("ann")
    pop.pass_("secret")
    uidls = [line.split()[1] for line in pop.uidl()[1]]
    pop.quit()
    return uidls


MBOX = "userdb_mail=mbox:~/mail:INBOX=~/mbox"


@unittest.skipUnless(os.geteuid() == 0 and os.path.exists("/usr/lib/dovecot/imap"),
                     "needs root and Debian's dovecot-imapd, -pop3d, -lmtpd (scripts/install-deps --tests)")
class DovecotToMailroom(unittest.TestCase):
    def start_both(self, extra):
        self.m = Mailroom(services=["imap", "pop3"])
        self.addCleanup(self.m.cleanup)
        self.ann = self.m.add_user("ann", extra=extra)
        self.d = Dovecot(process_limit=50)
        self.addCleanup(self.d.cleanup)
        self.d.add_user("ann", self.ann.uid, self.ann.gid, home=self.ann.home, extra=extra)
        self.d.start()

    def use_dovecot(self):
        """Delivers 5, flags and expunges, delivers one more; returns what clients saw."""
        with smtplib.LMTP("127.0.0.1", self.d.port("lmtp")) as lmtp:
            for n in range(1, 6):
                lmtp.sendmail("sender%d@example.org" % n, ["ann"], message(n))
        imap = imaplib.IMAP4("127.0.0.1", self.d.port("imap"))
        imap.login("ann", "secret")
        imap.select("INBOX")
        imap.uid("STORE", "2", "+FLAGS", "(\\Seen \\Flagged)")
        imap.uid("STORE", "3", "+FLAGS", "(\\Deleted)")
        imap.expunge()
        imap.uid("STORE", "4", "+FLAGS", "($Forwarded)")
        imap.logout()
        with smtplib.LMTP("127.0.0.1", self.d.port("lmtp")) as lmtp:
            lmtp.sendmail("sender6@example.org", ["ann"], message(6))
        state, uidls = imap_state(self.d.port("imap")), pop3_uidls(self.d.port("pop3"))
        self.d.stop()
        self.assertEqual([uid for uid, _ in state[1]], [1, 2, 4, 5, 6])
        return state, uidls

    def check_mailroom(self, before, uidls_before, late_uid):
        self.m.start()
        validity, messages = imap_state(self.m.port("imap"))
        self.assertEqual(validity, before[0])
        self.assertEqual(messages[:len(before[1])], before[1])
        self.assertEqual(messages[len(before[1]):], [(late_uid, [])])
        uidls = pop3_uidls(self.m.port("pop3"))
        self.assertEqual(uidls[:-1], uidls_before)
        self.assertEqual(uidls[-1], ("%08x%08x" % (late_uid, validity)).encode())

    def test_maildir(self):
        self.start_both("")
        before, uidls_before = self.use_dovecot()
        # Mail that arrives between the two servers (another program writing into new/).
        late = os.path.join(self.ann.maildir(), "new", "1800000000.M1P1.late")
        with open(late, "wb") as f:
            f.write(message(7).replace(b"\r\n", b"\n"))
        os.chown(late, self.ann.uid, self.ann.gid)
        self.check_mailroom(before, uidls_before, 7)   # Dovecot's next UID was 7

    def test_mbox(self):
        self.start_both(MBOX)
        before, uidls_before = self.use_dovecot()
        with open(os.path.join(self.ann.home, "mbox"), "ab") as f:
            f.write(b"From sender7@example.org Fri Nov 27 10:00:00 2026\n" + message(7).replace(b"\r\n", b"\n") + b"\n")
        self.check_mailroom(before, uidls_before, 7)


if __name__ == "__main__":
    unittest.main()
