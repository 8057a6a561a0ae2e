"""IMAP through Python's imaplib against a real mailroomd: every command and extension of
docs/imap.md, with messages delivered over mailroomd's LMTP, and the NO/BAD paths (wrong state,
bad arguments, missing mailboxes, names that try to leave the store, another user's mail).
After every refused command the server must still serve a fresh connection."""

import imaplib
import os
import re
import smtplib
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_client import RawImap  # noqa: E402
from mailroom_harness import Mailroom  # noqa: E402

# Commands imaplib does not know (extensions, and a bogus one for the error paths).
for _name in ("MOVE", "UNSELECT", "ID", "BOGUS", "CHECK"):
    imaplib.Commands.setdefault(_name, ("NONAUTH", "AUTH", "SELECTED"))

MESSAGES = [
    b"From: Alice <alice@example.org>\r\nTo: ann@example.com\r\nSubject: first\r\n"
    b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <m1@example.org>\r\n\r\nHello Ann, the first.\r\n",
    b"From: Bob <bob@example.net>\r\nTo: ann@example.com\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"Sch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n--b\r\nContent-Type: application/pdf; name=x.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n",
    b"From: Carl <carl@example.net>\r\nTo: ann@example.com\r\nSubject: third\r\n\r\nnothing special\r\n",
]


class ImapTestCase(unittest.TestCase):
    """One mailroomd for the class, with LMTP for deliveries; each test has its own user."""

    extra_parameters = {}

    @classmethod
    def setUpClass(cls):
        cls.m = Mailroom(services=["lmtp", "imap"], auto_create_folders="Sent Drafts Trash Junk Archive",
                         **cls.extra_parameters)
        for name in ("ann", "bob", "carl", "dora", "eve", "fred", "gina", "hank"):
            cls.m.add_user(name, extra="userdb_quota_rule=*:storage=10M" if name == "eve" else "")
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()

    def deliver(self, user, messages=MESSAGES):
        lmtp = smtplib.LMTP("127.0.0.1", self.m.port("lmtp"))
        try:
            for message in messages:
                lmtp.sendmail("sender@example.org", ["%s@example.com" % user], message)
        finally:
            lmtp.quit()

    def connect(self, user=None):
        client = imaplib.IMAP4("127.0.0.1", self.m.port("imap"))
        if user:
            self.assertEqual(client.login(user, "secret")[0], "OK")
        self.addCleanup(self.close, client)
        return client

    @staticmethod
    def close(client):
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def assert_still_serving(self):
        client = imaplib.IMAP4("127.0.0.1", self.m.port("imap"))
        self.assertEqual(client.noop()[0], "OK")
        client.logout()


class TestImapCommands(ImapTestCase):
    def test_capability_login_logout(self):
        c = self.connect()
        self.assertIn("AUTH=PLAIN", c.capabilities)
        self.assertIn("SASL-IR", c.capabilities)
        self.assertIn("LITERAL+", c.capabilities)
        with self.assertRaises(imaplib.IMAP4.error):
            c.login("ann", "wrong")
        self.assertEqual(c.login("ann", "secret")[0], "OK")
        typ, data = c.capability()
        for name in (b"IDLE", b"UIDPLUS", b"MOVE", b"NAMESPACE", b"ENABLE", b"ID", b"SPECIAL-USE", b"UNSELECT",
                     b"CHILDREN", b"ESEARCH", b"LIST-EXTENDED", b"LIST-STATUS", b"QUOTA", b"CONDSTORE"):
            self.assertIn(name, data[0].split())
        self.assertEqual(c.logout()[0], "BYE")
        log = self.m.wait_for_log(r"imap\[\d+\]: \w+: logout: user=<ann>, rip=127\.0\.0\.1, in=\d+, out=\d+$")
        self.assertTrue(log)
        self.m.wait_for_log(r"login failed: user=<ann>, method=LOGIN, rip=127\.0\.0\.1")

    def test_authenticate_plain_with_initial_response(self):
        c = self.connect()
        typ, data = c.authenticate("PLAIN", lambda _: b"\0ann\0secret")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.select("INBOX")[0], "OK")

    def test_select_fetch_search(self):
        self.deliver("bob")
        c = self.connect("bob")
        typ, data = c.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"3"]))
        self.assertEqual(c.untagged_responses.get("RECENT"), [b"3"])
        typ, data = c.fetch("1:*", "(UID FLAGS RFC822.SIZE ENVELOPE)")
        self.assertEqual(len(data), 3)
        self.assertIn(b'"first" (("Alice" NIL "alice" "example.org"))', data[0])
        typ, data = c.fetch("2", "(BODYSTRUCTURE)")
        self.assertIn(b'("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable"', data[0])
        self.assertIn(b'"application" "pdf" ("name" "x.pdf")', data[0])
        typ, data = c.fetch("1", "(BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[TEXT])")
        self.assertEqual(data[0][1], b"Subject: first\r\n\r\n")
        self.assertEqual(data[1][1], b"Hello Ann, the first.\r\n")
        typ, data = c.fetch("1", "(FLAGS)")
        self.assertNotIn(b"\\Seen", data[0])
        typ, data = c.fetch("1", "(BODY[])")
        self.assertTrue(data[0][1].endswith(MESSAGES[0]))   # delivery added trace headers in front
        self.assertIn(b"\\Seen", data[1] if len(data) > 1 else data[0][0])
        self.assertEqual(c.search(None, "UNSEEN"), ("OK", [b"2 3"]))
        self.assertEqual(c.search(None, "FROM", "carl"), ("OK", [b"3"]))
        self.assertEqual(c.search(None, "BODY", "SCHÖNE".encode())[0], "OK")
        c.literal = "Grüße".encode()
        self.assertEqual(c.search("UTF-8", "SUBJECT"), ("OK", [b"2"]))
        c.literal = "schöne grüsse".encode()
        self.assertEqual(c.search("UTF-8", "BODY"), ("OK", [b"2"]))
        self.assertEqual(c.search(None, "OR", "SEEN", "FROM", "carl"), ("OK", [b"1 3"]))
        self.assertEqual(c.uid("SEARCH", "UID", "2:*"), ("OK", [b"2 3"]))
        self.assertEqual(c.search(None, "SENTBEFORE", "1-Jan-2000"), ("OK", [b"1"]))
        typ, data = c.uid("FETCH", "3", "(UID BODY[HEADER.FIELDS (FROM)])")
        self.assertIn(b"UID 3", data[0][0])

    def test_store_expunge_close(self):
        self.deliver("carl")
        c = self.connect("carl")
        c.select("INBOX")
        typ, data = c.store("1", "+FLAGS", r"(\Flagged $Important)")
        self.assertIn(b"\\Flagged", data[0])
        self.assertIn(b"$Important", data[0])
        self.assertEqual(c.store("2", "+FLAGS.SILENT", r"(\Deleted)"), ("OK", [None]))
        self.assertEqual(c.uid("STORE", "3", "+FLAGS", r"(\Deleted)")[0], "OK")
        typ, data = c.uid("EXPUNGE", "3")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.untagged_responses.pop("EXPUNGE"), [b"3"])
        typ, data = c.expunge()
        self.assertEqual(data, [b"2"])
        self.assertEqual(c.search(None, "ALL"), ("OK", [b"1"]))
        self.assertEqual(c.search(None, "KEYWORD", "$Important"), ("OK", [b"1"]))
        c.store("1", "+FLAGS", r"(\Deleted)")
        self.assertEqual(c.close()[0], "OK")
        typ, data = c.select("INBOX")
        self.assertEqual(data, [b"0"])

    def test_mailboxes(self):
        c = self.connect("dora")
        self.assertEqual(c.create("Work/Projects")[0], "OK")
        self.assertEqual(c.create("&AMk-t&AOk-")[0], "OK")   # "Été" in modified UTF-7
        typ, data = c.list()
        names = [line.decode() for line in data]
        self.assertIn('(\\HasNoChildren) "/" INBOX', names)
        self.assertIn('(\\HasNoChildren \\Sent) "/" Sent', names)
        self.assertIn('(\\Noselect \\HasChildren) "/" Work', names)
        self.assertIn('(\\HasNoChildren) "/" &AMk-t&AOk-', names)
        self.assertTrue(os.path.isdir(os.path.join(self.m.users["dora"].maildir("&AMk-t&AOk-"))))
        typ, data = c.list('""', "%")
        self.assertNotIn(b'"/" Work/Projects', b" ".join(data))
        self.assertEqual(c.rename("Work/Projects", "Done")[0], "OK")
        self.assertEqual(c.subscribe("Done")[0], "OK")
        typ, data = c.lsub()
        self.assertIn(b'() "/" Done', data)
        self.assertEqual(c.unsubscribe("Done")[0], "OK")
        self.assertEqual(c.delete("Done")[0], "OK")
        self.assertEqual(c.status("INBOX", "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)")[0], "OK")
        self.deliver("dora", MESSAGES[:1])
        self.assertEqual(c.rename("INBOX", "Old")[0], "OK")
        self.assertEqual(c.status("Old", "(MESSAGES)")[1], [b"Old (MESSAGES 1)"])
        self.assertEqual(c.status("INBOX", "(MESSAGES)")[1], [b"INBOX (MESSAGES 0)"])

    def test_append_copy_move(self):
        c = self.connect("fred")
        typ, data = c.append("INBOX", r"(\Seen $Draft2)", imaplib.Time2Internaldate(1700000000),
                             b"Subject: appended\r\n\r\nbody\r\n")
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0].decode(), r"^\[APPENDUID \d+ 1\]")
        c.select("INBOX")
        typ, data = c.fetch("1", "(FLAGS INTERNALDATE RFC822.SIZE)")
        self.assertIn(b"\\Seen", data[0])
        self.assertIn(b"$Draft2", data[0])
        self.assertIn(b"RFC822.SIZE 27", data[0])
        typ, data = c.copy("1", "Archive")
        self.assertRegex(data[0].decode(), r"^\[COPYUID \d+ 1 1\]")
        typ, data = c.copy("1", "Missing")
        self.assertEqual(typ, "NO")
        self.assertTrue(data[0].startswith(b"[TRYCREATE]"))
        typ, data = c._simple_command("MOVE", "1", "Trash")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.untagged_responses.get("EXPUNGE"), [b"1"])
        self.assertRegex(c.untagged_responses["OK"][-1].decode(), r"^\[COPYUID \d+ 1 1\]")
        self.assertEqual(c.status("Trash", "(MESSAGES)")[1], [b"Trash (MESSAGES 1)"])
        self.assertEqual(c.append("Nowhere", None, None, b"x\r\n")[1][0][:10], b"[TRYCREATE")

    def test_extensions(self):
        self.deliver("eve")
        c = self.connect("eve")
        typ, data = c.xatom("ID", '("name" "test")')
        self.assertEqual(c.untagged_responses["ID"][0][:8], b'("name" ')
        typ, data = c.namespace()
        self.assertEqual(data, [b'(("" "/")) NIL NIL'])
        typ, data = c.getquotaroot("INBOX")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0], [b'INBOX ""'])
        self.assertRegex(data[1][0].decode(), r'^"" \(STORAGE \d+ 10240\)$')
        typ, data = c.enable("CONDSTORE")
        self.assertEqual(c.untagged_responses.get("ENABLED"), [b"CONDSTORE"])
        typ, data = c.select("INBOX")
        self.assertRegex(c.untagged_responses["OK"][-1].decode(), r"HIGHESTMODSEQ \d+")
        typ, data = c.fetch("1:*", "(FLAGS) (CHANGEDSINCE 1)")
        self.assertEqual(len(data), 3)
        self.assertIn(b"MODSEQ (", data[0])
        typ, data = c._simple_command("STORE", "1", "(UNCHANGEDSINCE 1)", "+FLAGS", r"(\Seen)")
        self.assertEqual(typ, "OK")
        self.assertTrue(data[0].startswith(b"[MODIFIED 1]"), data)
        typ, data = c._simple_command("SEARCH", "RETURN", "(MIN MAX COUNT)", "ALL")
        self.assertRegex(c.untagged_responses["ESEARCH"][-1].decode(), r'^\(TAG "\w+"\) MIN 1 MAX 3 COUNT 3$')
        typ, data = c._simple_command("LIST", '""', "*", "RETURN", "(SPECIAL-USE STATUS (MESSAGES))")
        lists = [line.decode() for line in c.untagged_responses["LIST"]]
        self.assertIn('(\\HasNoChildren \\Junk) "/" Junk', lists)
        self.assertIn(b"INBOX (MESSAGES 3)", c.untagged_responses["STATUS"])
        c.untagged_responses.pop("LIST")
        typ, data = c._simple_command("LIST", "(SPECIAL-USE)", '""', "*")
        self.assertEqual(len(c.untagged_responses["LIST"]), 5)
        self.assertEqual(c._simple_command("UNSELECT")[0], "OK")
        with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD.*No mailbox selected"):
            c._simple_command("CHECK")
        c.select("INBOX", readonly=True)
        self.assertEqual(c.store("1", "+FLAGS", r"(\Deleted)")[0], "NO")

    def test_refused_commands_leave_the_server_serving(self):
        # imaplib refuses to send most of these: a raw client does.
        with RawImap(self.m.port("imap")) as c:
            for command in ("SELECT INBOX", "FETCH 1 FLAGS", "CREATE x", "LOGIN gina", "AUTHENTICATE CRAM-MD5"):
                with self.subTest(command=command):
                    untagged, tagged = c.command(command)
                    self.assertIn(c.status_of(tagged), ("BAD", "NO"))
                    self.assert_still_serving()
            c.login("gina")
            cases = [
                ("CREATE ../outside", "NO"),
                ("CREATE /etc/x", "NO"),
                ("CREATE a//b", "NO"),
                ("SELECT ../../ann/Maildir", "NO"),
                ("SELECT Nowhere", "NO"),
                ("DELETE INBOX", "NO"),
                ("DELETE Nowhere", "NO"),
                ("RENAME Nowhere Elsewhere", "NO"),
                ("FETCH 1 FLAGS", "BAD"),             # nothing selected
                ("STATUS INBOX (BOGUS)", "BAD"),
                ("SEARCH ALL", "BAD"),
                ('LIST ""', "BAD"),
                ("BOGUS", "BAD"),
                ("CREATE &Jjo", "BAD"),               # not modified UTF-7
                ("LOGIN gina secret", "BAD"),         # already logged in
                ("SELECT INBOX (BOGUS)", "BAD"),
                ("NOOP (", "BAD"),
                ('NOOP "unterminated', "BAD"),
            ]
            for command, expected in cases:
                with self.subTest(command=command):
                    untagged, tagged = c.command(command)
                    self.assertEqual(c.status_of(tagged), expected, tagged)
                    self.assert_still_serving()
            c.ok("SELECT INBOX")
            for command in ("FETCH 5 FLAGS", "FETCH 1:x FLAGS", "FETCH 0 FLAGS", "STORE 1 FLAGS (\\Bogus)",
                            "FETCH * BODY[1.0]", "SEARCH BEFORE 1-Foo-2000", "COPY 0 Sent", "UID STORE 1 FOO x",
                            "SEARCH NOT", "FETCH 1 (BODY[]<5.0>)"):
                with self.subTest(command=command):
                    untagged, tagged = c.command(command)
                    self.assertEqual(c.status_of(tagged), "BAD", tagged)
            self.assertEqual(c.ok("NOOP"), [])
        self.assertFalse(os.path.exists(self.m.path("home", "outside")))
        self.assertFalse(os.path.exists(self.m.path("home", "gina", "outside")))
        self.assertFalse(os.path.exists("/etc/x"))

    def test_users_cannot_reach_each_other(self):
        self.deliver("hank", MESSAGES[:1])
        c = self.connect("ann")
        typ, data = c.list()
        self.assertNotIn(b"hank", b"".join(data))
        for name in ("../hank/Maildir", "../../hank", self.m.users["hank"].maildir(), "~hank/INBOX", "#users/hank"):
            with self.subTest(name=name):
                self.assertNotEqual(c.select(name)[0], "OK")
                self.assertEqual(c.status(name, "(MESSAGES)")[0], "NO")
        self.assertEqual(c.select("INBOX")[0], "OK")


if __name__ == "__main__":
    unittest.main()
