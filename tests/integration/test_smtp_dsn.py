"""The RFC 3461 DSN extension through a real mailroomd (docs/mta.md, "Delivery status
notifications"): EHLO offers DSN; malformed parameters get 501; NOTIFY=NEVER suppresses the
bounce for its recipient only; NOTIFY=SUCCESS to a local user brings the sender a success
report (multipart/report with ENVID and ORCPT in their fields); RET=HDRS and RET=FULL decide
what a bounce returns; a relay without DSN gets Action: relayed, a relay offering DSN gets the
parameters passed on and no notice is sent; `mailroom queue show` and `mailroom sendmail
-N/-R/-V`. The relay is tests/integration/smtp_sink.py; the connection cache is off so that each
delivery sees the sink's current EHLO reply. PostfixDsnTest relays to a real Postfix, which
offers DSN: it takes the parameters from mailroom's client and, delivering to mailroom's LMTP
(which offers no DSN), sends the success notice itself."""

import email
import re
import smtplib
import unittest

import postfix_instance
from mailroom_harness import Mailroom, maildir_messages, wait_for
from postfix_instance import PostfixInstance
from smtp_sink import SmtpSink


class DsnTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = SmtpSink()
        cls.m = Mailroom(services=["lmtp", "smtp"], queue_run_delay="1s", relayhost="[127.0.0.1]:%d" % cls.sink.port,
                         smtp_tls_security_level="none", smtp_connection_cache_time_limit="0s",
                         bounce_size_limit="2000", minimal_backoff_time="1s", maximal_backoff_time="1s",
                         delay_warning_time="1s")
        cls.m.parameters["queue_directory"] = cls.m.path("queue")
        cls.rich = cls.m.add_user("rich")
        cls.ann = cls.m.add_user("ann")
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.m.cleanup()
        cls.sink.close()

    def smtp(self):
        client = smtplib.SMTP("127.0.0.1", self.m.port("smtp"), timeout=20)
        self.addCleanup(client.close)
        self.assertEqual(client.ehlo("client.example")[0], 250)
        return client

    def send(self, recipients, subject, mail_options=(), body=b"The body text.\r\n"):
        """One transaction; `recipients` maps each address to its RCPT options. Returns the queue id."""
        client = self.smtp()
        code, text = client.mail("ann@example.com", list(mail_options))
        self.assertEqual(code, 250, text)
        for address, options in recipients.items():
            code, text = client.rcpt(address, list(options))
            self.assertEqual(code, 250, text)
        code, text = client.data(b"Subject: " + subject + b"\r\nFrom: ann@example.com\r\n\r\n" + body)
        self.assertEqual(code, 250, text)
        return re.search(rb"queued as (\w+)", text).group(1).decode()

    def report(self, user, kind, subject):
        """The report of `kind` about the message with `subject` in `user`'s Maildir, parsed."""
        def find():
            found = [m for m in maildir_messages(user.maildir()) if kind in m and subject in m]
            return found[0] if found else None
        stored = wait_for(find)
        self.assertIn(b"Return-Path: <>", stored)
        report = email.message_from_bytes(stored)
        self.assertEqual(report.get_content_type(), "multipart/report")
        self.assertEqual(report.get_param("report-type"), "delivery-status")
        return report

    def removed(self, queue_id):
        self.m.wait_for_log(queue_id + r": removed")

    def test_ehlo_offers_dsn_on_smtp_and_sendmail_bs(self):
        self.assertIn(b"\nDSN", b"\n" + self.smtp().ehlo_resp)
        result = self.m.mailroom("sendmail", "-bs", input=b"EHLO localhost\r\nQUIT\r\n")
        self.assertRegex(result.stdout, rb"\r\n250[- ]DSN\r\n")

    def test_malformed_parameters_get_501_and_unknown_ones_555(self):
        client = self.smtp()
        for options in (["RET=BOGUS"], ["ENVID=a+zz"], ["ENVID=" + "e" * 101], ["RET=FULL", "RET=HDRS"]):
            code, text = client.mail("ann@example.com", options)
            self.assertEqual((code, text[:5]), (501, b"5.5.4"), options)
        self.assertEqual(client.mail("ann@example.com", ["XFOO=1"])[0], 555)
        self.assertEqual(client.mail("ann@example.com", ["RET=HDRS", "ENVID=" + "e" * 100])[0], 250)
        for options in (["NOTIFY=NEVER,SUCCESS"], ["NOTIFY=SOMETIMES"], ["NOTIFY=DELAY", "NOTIFY=DELAY"],
                        ["ORCPT=rfc822"], ["ORCPT=rfc822;a+zz"]):
            code, text = client.rcpt("rich@example.com", options)
            self.assertEqual((code, text[:5]), (501, b"5.5.4"), options)
            self.assertIn(b"NOTIFY" if "NOTIFY" in options[0] else b"ORCPT", text)
        self.assertEqual(client.rcpt("rich@example.com", ["XBAR=2"])[0], 555)
        self.assertEqual(client.rcpt("rich@example.com", ["NOTIFY=never", "ORCPT=rfc822;rich@example.com"])[0], 250)

    def test_notify_never_suppresses_the_bounce_for_its_recipient_only(self):
        queue_id = self.send({"reject-never@remote.example": ["NOTIFY=NEVER"],
                              "reject-told@remote.example": []}, b"dsn never")
        self.removed(queue_id)
        report = self.report(self.ann, b"Undelivered Mail", b"dsn never")
        recipients = report.get_payload()[1].get_payload()[1:]
        self.assertEqual([r["Final-Recipient"] for r in recipients], ["rfc822; reject-told@remote.example"])

        alone = self.send({"reject-alone@remote.example": ["NOTIFY=NEVER"]}, b"dsn never alone")
        self.removed(alone)
        self.assertIn("to=<reject-alone@remote.example>", self.m.log())
        self.assertNotIn(alone + ": sender non-delivery notification", self.m.log())

    def test_notify_success_to_a_local_user_sends_a_success_report(self):
        queue_id = self.send({"rich@example.com": ["NOTIFY=SUCCESS", "ORCPT=rfc822;Rich+2Bdsn@example.com"]},
                             b"dsn success local", mail_options=["ENVID=QQ314159+2Bann"])
        self.m.wait_for_log(queue_id + r": sender delivery status notification: \w+")
        report = self.report(self.ann, b"Successful Mail Delivery Report", b"dsn success local")
        parts = report.get_payload()
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        per_message, per_recipient = parts[1].get_payload()
        self.assertEqual(per_message["Original-Envelope-Id"], "QQ314159+ann")
        self.assertEqual(per_message["Reporting-MTA"], "dns; mail.example.com")
        self.assertEqual(per_recipient["Original-Recipient"], "rfc822;Rich+dsn@example.com")
        self.assertEqual(per_recipient["Final-Recipient"], "rfc822; rich@example.com")
        self.assertEqual(per_recipient["Action"], "delivered")
        self.assertEqual(per_recipient["Status"], "2.0.0")
        self.assertTrue(per_recipient["Diagnostic-Code"].startswith("lmtp; 250"))
        self.assertNotIn(b"The body text", parts[2].as_bytes())
        wait_for(lambda: any(b"dsn success local" in m for m in maildir_messages(self.rich.maildir())))

    def test_without_notify_success_no_report(self):
        queue_id = self.send({"rich@example.com": ["NOTIFY=FAILURE,DELAY"]}, b"dsn quiet local")
        self.removed(queue_id)
        self.assertNotIn(queue_id + ": sender delivery status notification", self.m.log())

    def test_ret_hdrs_returns_the_headers_and_ret_full_the_message(self):
        headers = self.send({"reject-hdrs@remote.example": []}, b"dsn ret hdrs", mail_options=["RET=HDRS"],
                            body=b"secret hdrs body\r\n")
        full = self.send({"reject-full@remote.example": []}, b"dsn ret full", mail_options=["RET=FULL"],
                         body=b"whole full body\r\n")
        big = self.send({"reject-big@remote.example": []}, b"dsn ret big", mail_options=["RET=FULL"],
                        body=b"big body line\r\n" * 200)   # over bounce_size_limit = 2000
        for queue_id in (headers, full, big):
            self.removed(queue_id)

        report = self.report(self.ann, b"Undelivered Mail", b"dsn ret hdrs")
        self.assertEqual(report.get_payload()[2].get_content_type(), "text/rfc822-headers")
        self.assertNotIn(b"secret hdrs body", report.as_bytes())

        report = self.report(self.ann, b"Undelivered Mail", b"dsn ret full")
        returned = report.get_payload()[2]
        self.assertEqual(returned.get_content_type(), "message/rfc822")
        self.assertEqual(returned.get_payload()[0]["Subject"], "dsn ret full")
        self.assertIn(b"whole full body", returned.get_payload()[0].as_bytes())

        report = self.report(self.ann, b"Undelivered Mail", b"dsn ret big")
        self.assertEqual(report.get_payload()[2].get_content_type(), "text/rfc822-headers")
        self.assertNotIn(b"big body line", report.as_bytes())
        self.assertIn(b"too large to be returned in full", report.as_bytes())

    def test_a_relay_without_dsn_gets_the_message_and_the_sender_a_relayed_report(self):
        self.sink.dsn = False
        queue_id = self.send({"far-relayed@remote.example": ["NOTIFY=SUCCESS"]}, b"dsn relayed",
                             mail_options=["ENVID=relayed-1"])
        report = self.report(self.ann, b"Successful Mail Delivery Report", b"dsn relayed")
        per_message, per_recipient = report.get_payload()[1].get_payload()
        self.assertEqual(per_message["Original-Envelope-Id"], "relayed-1")
        self.assertEqual(per_recipient["Action"], "relayed")
        self.assertNotIn("Original-Recipient", per_recipient)
        rcpt = [c for c in self.sink.commands if "far-relayed@" in c]
        self.assertEqual(rcpt, ["RCPT TO:<far-relayed@remote.example>"])   # never DSN to a server without it
        self.removed(queue_id)

    def test_a_relay_offering_dsn_gets_the_parameters_and_no_report_is_sent(self):
        self.sink.dsn = True
        self.addCleanup(setattr, self.sink, "dsn", False)
        queue_id = self.send({"far-dsn@remote.example": ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Far+2Bx@remote.example"],
                              "far-plain@remote.example": []},
                             b"dsn passed on", mail_options=["RET=HDRS", "ENVID=pass+2Bon"])
        self.removed(queue_id)
        commands = self.sink.commands
        rcpt = commands.index("RCPT TO:<far-dsn@remote.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Far+2Bx@remote.example")
        mail = commands[rcpt - 1]
        self.assertTrue(mail.startswith("MAIL FROM:<ann@example.com>"), mail)
        self.assertIn(" RET=HDRS", mail)
        self.assertIn(" ENVID=pass+2Bon", mail)
        # Without an ORCPT of its own a recipient gets one naming it as received, as from Postfix.
        self.assertIn("RCPT TO:<far-plain@remote.example> ORCPT=rfc822;far-plain@remote.example", commands)
        self.assertNotIn(queue_id + ": sender delivery status notification", self.m.log())

    def test_delay_warnings_only_for_recipients_whose_notify_asks_for_them(self):
        warned = self.send({"defer-warn@remote.example": [], "defer-quiet@remote.example": ["NOTIFY=FAILURE"]},
                           b"dsn delayed")
        quiet = self.send({"defer-success@remote.example": ["NOTIFY=SUCCESS"]}, b"dsn never warned")
        self.addCleanup(self.m.mailroom, "queue", "delete", warned, quiet)
        report = self.report(self.ann, b"Delayed Mail", b"dsn delayed")
        recipients = report.get_payload()[1].get_payload()[1:]
        self.assertEqual([(r["Final-Recipient"], r["Action"]) for r in recipients],
                         [("rfc822; defer-warn@remote.example", "delayed")])
        # Retried every second: by the third attempt the warning would have gone out.
        wait_for(lambda: len(re.findall(quiet + r": to=<defer-success@remote\.example>.*status=deferred",
                                        self.m.log())) >= 3)
        self.assertNotIn(quiet + ": sender delay notification", self.m.log())

    def test_queue_show_and_sendmail_options(self):
        result = self.m.mailroom("sendmail", "-i", "-f", "ann@example.com", "-N", "delay,failure", "-R", "hdrs",
                                 "-V", "sendmail env", "defer-me@remote.example", input=b"Subject: dsn deferred\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        match = self.m.wait_for_log(r"(\w+): to=<defer-me@remote\.example>.*status=deferred")
        shown = self.m.mailroom("queue", "show", match.group(1)).stdout
        for line in (b"dsn_ret: HDRS\n", b"dsn_envid: sendmail env\n", b"recipient: defer-me@remote.example\n"
                     b"dsn_notify: FAILURE,DELAY\n"):
            self.assertIn(line, shown)
        self.assertEqual(self.m.mailroom("queue", "delete", match.group(1)).returncode, 0)

        result = self.m.mailroom("sendmail", "-i", "-f", "ann@example.com", "-N", "success", "-V", "env via sendmail",
                                 "rich@example.com", input=b"Subject: dsn via sendmail\n\nx\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        report = self.report(self.ann, b"Successful Mail Delivery Report", b"dsn via sendmail")
        self.assertEqual(report.get_payload()[1].get_payload()[0]["Original-Envelope-Id"], "env via sendmail")

        for bad in (["-N", "sometimes"], ["-R", "body"], ["-N", "never,success"], ["-V", "x" * 120]):
            result = self.m.mailroom("sendmail", "-i", *bad, "rich@example.com", input=b"Subject: no\n\nx\n")
            self.assertEqual(result.returncode, 64, bad)
            self.assertIn(b"Bad" if bad[0] != "-V" else b"longer than", result.stderr)


@unittest.skipUnless(postfix_instance.available(), "needs root and Debian's postfix")
class PostfixDsnTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # mailroom (front, mr.example) -> Postfix smtpd (pf.example.com) -> LMTP -> mailroom (store);
        # Postfix's notices to mr.example go to its relayhost, a sink that keeps them.
        cls.store = Mailroom(services=["lmtp"], myhostname="pf.example.com", mydestination="$myhostname")
        cls.rich = cls.store.add_user("rich")
        cls.store.start()
        cls.notices = SmtpSink()
        cls.postfix = PostfixInstance(mailbox_transport="lmtp:inet:127.0.0.1:%d" % cls.store.port(),
                                      relayhost="[127.0.0.1]:%d" % cls.notices.port)
        cls.front = Mailroom(services=["smtp"], myhostname="mr.example", mydestination="$myhostname",
                             relayhost="[127.0.0.1]:%d" % cls.postfix.smtp_port, smtp_tls_security_level="none")
        cls.front.parameters["queue_directory"] = cls.front.path("queue")
        try:
            cls.postfix.start()
            cls.front.start()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.postfix.cleanup()
        cls.front.cleanup()
        cls.store.cleanup()
        cls.notices.close()

    def test_postfix_takes_the_parameters_and_reports_the_lmtp_delivery_itself(self):
        with smtplib.SMTP("127.0.0.1", self.front.port("smtp"), timeout=20) as client:
            client.ehlo("client.example")
            self.assertEqual(client.mail("ann@mr.example", ["ENVID=pf-dsn-1", "RET=HDRS"])[0], 250)
            self.assertEqual(client.rcpt("rich@pf.example.com",
                                         ["NOTIFY=SUCCESS", "ORCPT=rfc822;Rich+2Bpf@pf.example.com"])[0], 250)
            code, text = client.data(b"Subject: dsn through postfix\r\n\r\nx\r\n")
            self.assertEqual(code, 250, text)
        queue_id = re.search(rb"queued as (\w+)", text).group(1).decode()
        self.front.wait_for_log(queue_id + r": to=<rich@pf\.example\.com>, relay=\[127\.0\.0\.1\]:\d+.*status=sent")
        self.front.wait_for_log(queue_id + r": removed")
        # After its lmtp client got 250 from mailroom's LMTP (no DSN there), Postfix itself sends
        # the success notice, with the ENVID and ORCPT mailroom's client passed on.
        self.postfix.wait_for_log(r"to=<rich@pf\.example\.com>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:\d+.*status=sent")
        self.postfix.wait_for_log(r"sender delivery status notification")
        self.assertNotIn("sender delivery status notification", self.front.log())
        wait_for(lambda: any(b"dsn through postfix" in m for m in maildir_messages(self.rich.maildir())))
        sender, recipients, data = wait_for(lambda: self.notices.messages[0] if self.notices.messages else None)
        self.assertEqual((sender, recipients), ("", ["ann@mr.example"]))
        report = email.message_from_bytes(data)
        self.assertEqual(report.get_content_type(), "multipart/report")
        per_message, per_recipient = report.get_payload()[1].get_payload()
        self.assertEqual(per_message["Original-Envelope-Id"], "pf-dsn-1")
        self.assertEqual(per_recipient["Original-Recipient"].replace(" ", ""), "rfc822;Rich+pf@pf.example.com")
        # Postfix counts an LMTP server without DSN as a further hop; mailroom's own queue says
        # "delivered" for its LMTP service (docs/mta.md).
        self.assertEqual(per_recipient["Action"], "relayed")


if __name__ == "__main__":
    unittest.main()
