"""Submission (RFC 6409) and relaying with a real mailroomd: AUTH only after STARTTLS (smtplib,
msmtp and swaks, which also pipelines its commands to the smtp port),
then relaying to relayhost and the sender check; the SMTP port refuses relaying to clients
outside mynetworks; a relay that keeps answering 4xx leaves the message deferred, where
`mailroom queue` lists, shows, flushes and deletes it; a message that outlives
maximal_queue_lifetime is returned with a DSN. mailroom's own relay client against a second
mailroomd's submission port: STARTTLS and AUTH PLAIN with smtp_sasl_username; with
smtp_tls_security_level = verify the relay's certificate must chain to smtp_tls_ca_file and name
the relayhost."""

import email
import os
import shutil
import smtplib
import subprocess
import ssl
import time
import unittest

from mailroom_harness import Mailroom, maildir_messages, wait_for
from smtp_sink import SmtpSink


class SubmissionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = SmtpSink(plan=["250 2.0.0 Ok: queued"])
        cls.slow = SmtpSink(plan=["451 4.3.0 always later"])
        cls.m = Mailroom(services=["lmtp", "smtp", "submission"], queue_run_delay="1s",
                         minimal_backoff_time="1s", maximal_backoff_time="1s",
                         relayhost="[127.0.0.1]:%d" % cls.sink.port, smtp_tls_security_level="none",
                         mynetworks="192.0.2.0/24")
        cls.m.parameters["queue_directory"] = cls.m.path("queue")
        cls.m.enable_tls()
        cls.ann = cls.m.add_user("ann", password="annpw")
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()
        cls.sink.close()
        cls.slow.close()

    def submission(self, tls=True, login=True):
        client = smtplib.SMTP("127.0.0.1", self.m.port("submission"), timeout=20)
        self.addCleanup(client.close)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            client.starttls(context=context)
        if login:
            client.login("ann", "annpw")
        return client

    def test_auth_is_offered_only_after_starttls(self):
        client = self.submission(tls=False, login=False)
        code, text = client.ehlo("client.example")
        self.assertIn(b"STARTTLS", text)
        self.assertIn(b"DSN", text.split(b"\n"))   # RFC 3461, as on the smtp port
        self.assertNotIn(b"AUTH", text)
        code, text = client.docmd("AUTH", "PLAIN AGFubgBhbm5wdw==")
        self.assertEqual((code, text[:5]), (530, b"5.7.0"))
        code, text = client.docmd("MAIL", "FROM:<ann@example.com>")
        self.assertEqual((code, text[:5]), (530, b"5.7.0"))

    def test_wrong_password_is_refused(self):
        client = self.submission(login=False)
        self.assertIn(b"AUTH PLAIN LOGIN", client.ehlo("client.example")[1])
        with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
            client.login("ann", "wrong")
        self.assertEqual(caught.exception.smtp_code, 535)

    def test_authenticated_submission_relays(self):
        client = self.submission()
        client.sendmail("ann@example.com", ["friend@remote.example"], b"Subject: submitted\r\n\r\nhi\r\n")
        wait_for(lambda: any(b"submitted" in data for _, _, data in self.sink.messages))
        data = [d for _, _, d in self.sink.messages if b"submitted" in d][0]
        self.assertIn(b"with ESMTPSA id", data)
        self.m.wait_for_log(r"sasl_method=PLAIN, sasl_username=ann")

    def test_login_mechanism_works_too(self):
        client = smtplib.SMTP("127.0.0.1", self.m.port("submission"), timeout=20)
        self.addCleanup(client.close)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        client.starttls(context=context)
        client.ehlo()
        client.user, client.password = "ann", "annpw"
        code, _ = client.auth("LOGIN", client.auth_login)
        self.assertEqual(code, 235)

    @unittest.skipUnless(shutil.which("msmtp"), "msmtp is not installed (scripts/install-deps --tests)")
    def test_msmtp_submits_with_starttls_and_auth(self):
        rc = self.m.write_file("msmtprc", "account default\nhost 127.0.0.1\nport %d\nfrom ann@example.com\n"
                               "tls on\ntls_starttls on\ntls_certcheck off\nauth plain\nuser ann\n"
                               "password annpw\n" % self.m.port("submission"), mode=0o600)
        result = subprocess.run(["msmtp", "-C", rc, "friend2@remote.example"], timeout=30, capture_output=True,
                                input=b"From: ann@example.com\nSubject: from msmtp\n\nhello\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        wait_for(lambda: any(b"from msmtp" in data for _, _, data in self.sink.messages))
        rc_plain = self.m.write_file("msmtprc-plain", "account default\nhost 127.0.0.1\nport %d\n"
                                     "from ann@example.com\ntls off\nauth plain\nuser ann\npassword annpw\n"
                                     % self.m.port("submission"), mode=0o600)
        result = subprocess.run(["msmtp", "-C", rc_plain, "friend2@remote.example"], timeout=30,
                                capture_output=True, input=b"Subject: no tls\n\nx\n")
        self.assertNotEqual(result.returncode, 0)   # no AUTH without STARTTLS

    def swaks(self, *arguments):
        return subprocess.run(["swaks", "--server", "127.0.0.1", "--helo", "client.example", *arguments],
                              timeout=30, capture_output=True)

    @unittest.skipUnless(shutil.which("swaks"), "swaks is not installed (scripts/install-deps --tests)")
    def test_swaks_delivers_locally_and_submits_with_starttls_and_auth(self):
        # The smtp port, with the commands pipelined (RFC 2920): a local user's Maildir.
        result = self.swaks("--port", str(self.m.port("smtp")), "--pipeline", "--from", "someone@elsewhere.example",
                            "--to", "ann@example.com", "--header", "Subject: from swaks to ann")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        wait_for(lambda: any(b"from swaks to ann" in m for m in maildir_messages(self.ann.maildir())))
        # The submission port: STARTTLS, AUTH PLAIN, then relaying to relayhost.
        result = self.swaks("--port", str(self.m.port("submission")), "--tls", "--auth", "PLAIN",
                            "--auth-user", "ann", "--auth-password", "annpw", "--from", "ann@example.com",
                            "--to", "friend3@remote.example", "--header", "Subject: from swaks via submission")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        wait_for(lambda: any(b"from swaks via submission" in data for _, _, data in self.sink.messages))
        # No AUTH without STARTTLS, and without AUTH no relaying.
        result = self.swaks("--port", str(self.m.port("submission")), "--auth", "PLAIN", "--auth-user", "ann",
                            "--auth-password", "annpw", "--from", "ann@example.com", "--to", "x@remote.example")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b"did not advertise authentication", result.stdout + result.stderr)

    def test_sender_must_belong_to_the_user(self):
        client = self.submission()
        code, text = client.mail("boss@example.com")
        self.assertEqual((code, text[:5]), (553, b"5.7.1"))
        code, _ = client.mail("ann@example.com")
        self.assertEqual(code, 250)

    def test_smtp_port_refuses_relaying_outside_mynetworks(self):
        client = smtplib.SMTP("127.0.0.1", self.m.port("smtp"), timeout=20)
        self.addCleanup(client.close)
        client.ehlo("client.example")
        client.mail("someone@elsewhere.example")
        code, text = client.rcpt("victim@remote.example")
        self.assertEqual((code, text[:5]), (554, b"5.7.1"))
        code, _ = client.rcpt("ann@example.com")   # local mail is still welcome
        self.assertEqual(code, 250)

    def test_deferred_mail_in_the_queue_commands_and_expiry(self):
        self.m.parameters["relayhost"] = "[127.0.0.1]:%d" % self.slow.port
        self.m.parameters["maximal_queue_lifetime"] = "3s"
        self.m.reload()
        self.m.wait_for_log(r"reloaded configuration")
        client = self.submission()
        client.sendmail("ann@example.com", ["far@remote.example", "far2@remote.example"],
                        b"Subject: stuck\r\n\r\nwaiting\r\n")
        queue_id = self.m.wait_for_log(r"(\w+): to=<far@remote\.example>.*status=deferred").group(1)
        listing = self.m.mailroom("queue").stdout.decode()
        self.assertIn(queue_id, listing)
        self.assertIn("ann@example.com", listing)
        self.assertIn("(4.3.0 host [127.0.0.1]", listing)
        shown = self.m.mailroom("queue", "show", queue_id).stdout.decode()
        self.assertIn("recipient: far2@remote.example", shown)
        self.assertIn("Subject: stuck", shown)
        self.assertEqual(self.m.mailroom("queue", "flush").returncode, 0)
        # After maximal_queue_lifetime the message comes back to ann as a DSN.
        bounce = wait_for(lambda: [m for m in maildir_messages(self.ann.maildir()) if b"stuck" in m], timeout=20)[0]
        report = email.message_from_bytes(bounce)
        status = report.get_payload()[1].get_payload()
        self.assertEqual({s["Final-Recipient"] for s in status[1:]},
                         {"rfc822; far@remote.example", "rfc822; far2@remote.example"})
        self.assertTrue(all(s["Status"] == "4.3.0" for s in status[1:]))
        self.assertIn(b"delivery time expired", bounce)
        wait_for(lambda: queue_id not in self.m.mailroom("queue").stdout.decode())
        # delete: a new stuck message goes away for good.
        self.m.parameters["maximal_queue_lifetime"] = "1h"
        self.m.reload()
        time.sleep(0.5)
        client = self.submission()
        client.sendmail("ann@example.com", ["far3@remote.example"], b"Subject: delete me\r\n\r\nx\r\n")
        queue_id = self.m.wait_for_log(r"(\w+): to=<far3@remote\.example>.*status=deferred").group(1)
        result = self.m.mailroom("queue", "delete", queue_id)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn(queue_id, self.m.mailroom("queue").stdout.decode())
        self.assertEqual(self.m.mailroom("queue", "show", queue_id).returncode, 66)
        self.m.parameters["relayhost"] = "[127.0.0.1]:%d" % self.sink.port
        self.m.reload()


class RelayClientTest(unittest.TestCase):
    def test_relay_over_starttls_with_auth(self):
        relay = Mailroom(services=["lmtp", "submission"], submission_sender_check="no")
        self.addCleanup(relay.cleanup)
        relay.parameters["queue_directory"] = relay.path("queue")
        relay.enable_tls()
        relay.add_user("relayuser", password="relaypw")
        bob = relay.add_user("bob")
        relay.start()
        m = Mailroom(services=["lmtp", "smtp"], mydestination="$myhostname, localhost, a.example",
                     relayhost="[127.0.0.1]:%d" % relay.port("submission"), smtp_tls_security_level="encrypt",
                     smtp_sasl_username="relayuser", smtp_sasl_password="relaypw")
        self.addCleanup(m.cleanup)
        m.parameters["queue_directory"] = m.path("queue")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        self.addCleanup(client.close)
        client.sendmail("someone@a.example", ["bob@example.com"], b"Subject: relayed twice\r\n\r\nx\r\n")
        stored = wait_for(lambda: [x for x in maildir_messages(bob.maildir()) if b"relayed twice" in x])[0]
        self.assertIn(b"with ESMTPSA id", stored)   # the relay saw TLS and AUTH
        relay.wait_for_log(r"sasl_method=PLAIN, sasl_username=relayuser")

    def relay_with_certificate(self):
        relay = Mailroom(services=["lmtp", "submission"], submission_sender_check="no")
        self.addCleanup(relay.cleanup)
        relay.parameters["queue_directory"] = relay.path("queue")
        cert = relay.enable_tls()   # self-signed, CN=localhost
        relay.add_user("relayuser", password="relaypw")
        bob = relay.add_user("bob")
        relay.start()
        return relay, bob, cert

    def send_verified(self, relayhost, ca_file):
        m = Mailroom(services=["lmtp", "smtp"], mydestination="$myhostname, localhost, a.example",
                     relayhost=relayhost, smtp_tls_security_level="verify", smtp_tls_ca_file=ca_file,
                     smtp_sasl_username="relayuser", smtp_sasl_password="relaypw")
        self.addCleanup(m.cleanup)
        m.parameters["queue_directory"] = m.path("queue")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        self.addCleanup(client.close)
        client.sendmail("someone@a.example", ["bob@example.com"], b"Subject: verified\r\n\r\nx\r\n")
        return m

    def test_verify_accepts_a_certificate_from_the_ca_file_that_names_the_host(self):
        relay, bob, cert = self.relay_with_certificate()
        m = self.send_verified("[localhost]:%d" % relay.port("submission"), cert)
        wait_for(lambda: [x for x in maildir_messages(bob.maildir()) if b"verified" in x])
        m.wait_for_log(r"to=<bob@example\.com>, relay=\[localhost\]:\d+, .*status=sent")

    def test_verify_refuses_an_unknown_ca_and_a_wrong_name(self):
        relay, bob, cert = self.relay_with_certificate()
        port = relay.port("submission")
        unknown = self.send_verified("[localhost]:%d" % port, "")   # the system's CAs do not know it
        unknown.wait_for_log(r"to=<bob@example\.com>, .*dsn=4\.7\.5, status=deferred \(TLS handshake with "
                             r"\[localhost\]:\d+ failed")
        wrong = self.send_verified("[127.0.0.1]:%d" % port, cert)    # the certificate names localhost
        wrong.wait_for_log(r"to=<bob@example\.com>, .*dsn=4\.7\.5, status=deferred \(TLS handshake with "
                           r"\[127\.0\.0\.1\]:\d+ failed")
        self.assertEqual(maildir_messages(bob.maildir()), [])
        self.assertNotIn("sasl_username=relayuser", relay.log())   # no password went out


if __name__ == "__main__":
    unittest.main()
