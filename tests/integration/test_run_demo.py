"""test_run_demo - scripts/run as a new user meets it: the demo starts on the documented ports,
every command it prints works as printed (LMTP delivery, the delivery agent, IMAP, IMAPS and
POP3 reads with curl), a second start keeps the demo's user and certificate, and Ctrl-C
(SIGINT) stops mailroomd cleanly. Uses the fixed demo ports 2424, 1143, 1993, 1110 and 1995."""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO_PORTS = (2424, 1143, 1993, 1110, 1995)


def read_file(*path):
    with open(os.path.join(*path)) as f:
        return f.read()


def port_open(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


class RunDemoTest(unittest.TestCase):
    def start_demo(self):
        busy = [port for port in DEMO_PORTS if port_open(port)]
        self.assertEqual(busy, [], "the demo's ports are taken (is scripts/run running elsewhere?)")
        env = dict(os.environ, MAILROOM_SKIP_BUILD="1", MAILROOM_BUILD_DIR=os.environ["MAILROOM_BUILD_DIR"],
                   MAILROOM_DEMO_DIR=self.demo)
        process = subprocess.Popen([os.path.join(ROOT, "scripts", "run")], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while not all(port_open(port) for port in DEMO_PORTS):
            if process.poll() is not None:
                self.fail("scripts/run exited: " + process.stderr.read().decode(errors="replace"))
            self.assertLess(time.time(), deadline, "the demo did not open its ports")
            time.sleep(0.1)
        return process

    def stop_demo(self, process):
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
        self.assertEqual(process.returncode, 0, err.decode(errors="replace"))
        self.assertFalse(any(port_open(port) for port in DEMO_PORTS))
        return out.decode(), err.decode(errors="replace")

    def run_printed(self, command):
        result = subprocess.run(["bash", "-c", command], capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 0, "%s\n%s" % (command, result.stderr.decode(errors="replace")))
        return result.stdout

    def test_the_printed_commands_deliver_and_read_mail(self):
        with tempfile.TemporaryDirectory() as scratch:
            self.demo = os.path.join(scratch, "demo")
            process = self.start_demo()
            try:
                # The banner is complete before mailroomd starts listening.
                banner = process.stdout.read1().decode()
                while "Ctrl-C stops mailroomd" not in banner:
                    banner += process.stdout.read1().decode()
                commands = [line.strip() for line in banner.splitlines()
                            if line.startswith("  ") and line.strip()]
                lmtp = next(c for c in commands if c.startswith("python3 -c"))
                deliver = next(c for c in commands if " deliver " in c)
                imap, pop3, imaps = (next(c for c in commands if c.startswith("curl") and scheme in c)
                                     for scheme in ("'imap://", "pop3://", "'imaps://"))
                self.run_printed(lmtp)
                self.run_printed(deliver)
                self.assertIn(b"Hello from mailroom.", self.run_printed(imap))
                self.assertIn(b"Subject: hello", self.run_printed(pop3))
                listing = self.run_printed(imaps)
                self.assertEqual(len(re.findall(rb"\* \d+ FETCH \(FLAGS", listing)), 2, listing)
                new = os.path.join(self.demo, "home", "demo", "Maildir", "new")
                cur = os.path.join(self.demo, "home", "demo", "Maildir", "cur")
                self.assertEqual(len(os.listdir(new)) + len(os.listdir(cur)), 2)
            finally:
                self.stop_demo(process)
            users = read_file(self.demo, "users")
            certificate = read_file(self.demo, "tls", "cert.pem")
            # A second start keeps the user, the certificate and the mail.
            process = self.start_demo()
            try:
                self.assertIn(b"Hello again.", self.run_printed(
                    "curl -s --user demo:demo 'imap://127.0.0.1:1143/INBOX;UID=2'"))
            finally:
                self.stop_demo(process)
            self.assertEqual(read_file(self.demo, "users"), users)
            self.assertEqual(read_file(self.demo, "tls", "cert.pem"), certificate)


if __name__ == "__main__":
    unittest.main()
