"""The queue manager's concurrent deliveries and its connection cache (docs/mta.md, "The
queue"): up to default_process_limit messages at once, each LMTP connection kept open between
messages (RSET before the next transaction) for lmtp_connection_cache_time_limit, a new
connection when a cached one no longer works, and all local recipients of a message in one
LMTP transaction. The LMTP side is a sink (smtp_sink.py in LMTP mode) that holds each DATA
reply for a while, so overlapping deliveries show."""

import email
import re
import smtplib
import unittest

from mailroom_harness import Mailroom, maildir_messages, wait_for
from smtp_sink import SmtpSink

MESSAGES = 12


class QueueDeliveryTest(unittest.TestCase):
    def run_queue(self, sink, **parameters):
        """Starts mailroomd with the sink as its LMTP destination, submits MESSAGES messages
        to two local recipients each, and waits until the sink has them all."""
        self.addCleanup(sink.close)
        m = Mailroom(services=["lmtp", "smtp"], lmtp_delivery_address="127.0.0.1:%d" % sink.port,
                     queue_run_delay="1s", minimal_backoff_time="1s", maximal_backoff_time="1s", **parameters)
        self.addCleanup(m.cleanup)
        m.parameters["queue_directory"] = m.path("queue")
        m.add_user("rich")
        m.add_user("ann")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        for i in range(MESSAGES):
            client.sendmail("sender@example.org", ["rich@example.com", "ann@example.com"],
                            b"Subject: message %d\r\n\r\nbody\r\n" % i)
        client.quit()
        wait_for(lambda: len(sink.messages) >= MESSAGES, timeout=60,
                 failure=lambda: "%d of %d messages arrived:\n%s" % (len(sink.messages), MESSAGES, m.log()))
        self.assertNotIn("status=deferred", m.log())
        return m

    def test_deliveries_overlap_up_to_the_limit_over_reused_connections(self):
        sink = SmtpSink(lmtp=True, delay=0.4)
        self.run_queue(sink, default_process_limit="4")
        self.assertEqual(sink.max_active, 4)
        self.assertLessEqual(sink.connections, 4)   # one per delivery slot, then reused
        self.assertGreater(sink.commands.count("RSET"), 0)
        for sender, recipients, data in sink.messages:
            self.assertEqual(sorted(recipients), ["ann@example.com", "rich@example.com"])   # one transaction
            self.assertNotIn(b"X-Mailroom-Handoff", data)   # the sink does not offer XMAILROOM-HANDOFF

    def test_a_limit_of_one_delivers_one_message_at_a_time(self):
        sink = SmtpSink(lmtp=True, delay=0.1)
        self.run_queue(sink, default_process_limit="1")
        self.assertEqual(sink.max_active, 1)
        self.assertEqual(sink.connections, 1)

    def test_a_connection_the_server_closed_is_replaced(self):
        sink = SmtpSink(lmtp=True, close_after=1)   # the server hangs up after each transaction
        self.run_queue(sink, default_process_limit="2")
        self.assertEqual(sink.connections, MESSAGES)

    def test_without_the_cache_every_message_has_its_own_connection(self):
        sink = SmtpSink(lmtp=True)
        self.run_queue(sink, default_process_limit="2", lmtp_connection_cache_time_limit="0")
        self.assertEqual(sink.connections, MESSAGES)
        self.assertEqual(sink.commands.count("RSET"), 0)
        wait_for(lambda: sink.commands.count("QUIT") == MESSAGES)

    def test_idle_connections_are_closed_after_the_time_limit(self):
        sink = SmtpSink(lmtp=True)
        self.run_queue(sink, lmtp_connection_cache_time_limit="1s")
        wait_for(lambda: sink.commands.count("QUIT") == sink.connections, timeout=10)


    def test_without_relayhost_remote_mail_goes_by_mx_lookup(self):
        # RFC 2606 reserves .invalid: a resolver says NXDOMAIN (5.1.2, bounced) or, without a
        # reachable DNS server, fails (4.4.3, deferred). Either way the MX lookup was made;
        # the MX parsing itself is in tests/unit/mta/test_mx_lookup.cpp.
        m = Mailroom(services=["lmtp", "smtp"], queue_run_delay="1s", minimal_backoff_time="1h")
        self.addCleanup(m.cleanup)
        m.parameters["queue_directory"] = m.path("queue")
        m.add_user("ann")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        client.sendmail("ann@example.com", ["far@nowhere.invalid"], b"Subject: far away\r\n\r\nbody\r\n")
        client.quit()
        line = m.wait_for_log(r"to=<far@nowhere\.invalid>, relay=none, .*dsn=(5\.1\.2|4\.4\.3), "
                              r"status=(bounced|deferred) \((domain nowhere\.invalid does not exist|"
                              r"cannot look up the MX records of nowhere\.invalid)", timeout=60)
        self.assertNotIn("relayhost is not set", m.log())
        self.assertEqual(line.group(1) == "5.1.2", line.group(2) == "bounced")


    def test_delay_warning_goes_once_while_the_message_is_retried(self):
        sink = SmtpSink(plan=["451 4.3.0 sink says later"])
        self.addCleanup(sink.close)
        m = Mailroom(services=["lmtp", "smtp"], queue_run_delay="1s", minimal_backoff_time="1s",
                     maximal_backoff_time="1s", delay_warning_time="2s", smtp_tls_security_level="none",
                     relayhost="[127.0.0.1]:%d" % sink.port)
        self.addCleanup(m.cleanup)
        m.parameters["queue_directory"] = m.path("queue")
        ann = m.add_user("ann")
        m.start()
        client = smtplib.SMTP("127.0.0.1", m.port("smtp"), timeout=20)
        client.sendmail("ann@example.com", ["slow@remote.example"], b"Subject: patience\r\n\r\nbody\r\n")
        client.quit()
        warnings = lambda: [x for x in maildir_messages(ann.maildir()) if b"Delayed Mail" in x]
        stored = wait_for(warnings, timeout=30)[0]
        report = email.message_from_bytes(stored)
        self.assertEqual(report.get_content_type(), "multipart/report")
        recipient = report.get_payload()[1].get_payload()[1]
        self.assertEqual(recipient["Action"], "delayed")
        self.assertEqual(recipient["Final-Recipient"], "rfc822; slow@remote.example")
        self.assertIsNotNone(recipient["Will-Retry-Until"])
        self.assertIn(b"Subject: patience", stored)
        # More retries come and go; the warning does not come again.
        wait_for(lambda: len(re.findall(r"to=<slow@remote\.example>.*status=deferred", m.log())) >= 5, timeout=30)
        self.assertEqual(len(warnings()), 1)
        self.assertEqual(len(re.findall(r"sender delay notification", m.log())), 1)
        self.assertIn(b"slow@remote.example", m.mailroom("queue").stdout)   # still queued


if __name__ == "__main__":
    unittest.main()
