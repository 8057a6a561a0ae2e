#!/usr/bin/env python3
"""bench/imap_idle_memory.py - memory of many idle IMAP sessions (issue 7: 10,000 sessions in
IDLE must fit well under 1 GB). Starts the build tree's mailroomd with one user and a few
messages, opens N connections that log in, SELECT INBOX and enter IDLE, and reports the
daemon's resident memory before and after, per session. Not a test: run it by hand.

    MAILROOM_BUILD_DIR=build python3 bench/imap_idle_memory.py [N] [--tls]
"""

import os
import resource
import selectors
import smtplib
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from mailroom_harness import Mailroom  # noqa: E402


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_idle_session(port, tls):
    """A blocking login + SELECT + IDLE; returns the socket left in IDLE."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock, server_hostname="localhost")
    data = b""

    def until(marker):
        nonlocal data
        while marker not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError(data)
            data += chunk
        data = b""

    until(b"\r\n")
    sock.sendall(b"a LOGIN ann secret\r\nb SELECT INBOX\r\nc IDLE\r\n")
    until(b"+ idling\r\n")
    return sock


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10000
    tls = "--tls" in sys.argv
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, count + 1000)), hard))
    service = "imaps" if tls else "imap"
    with Mailroom(services=["lmtp", service], connection_limit=str(count + 100), client_connection_limit=str(count + 100),
                  io_threads="2", blocking_threads="4", imap_idle_notify_interval="30m") as m:
        if tls:
            m.enable_tls()
        m.add_user("ann")
        m.start()
        lmtp = smtplib.LMTP("127.0.0.1", m.port("lmtp"))
        for i in range(100):
            lmtp.sendmail("bench@example.org", ["ann@example.com"], b"Subject: message %d\r\n\r\nbody\r\n" % i)
        lmtp.quit()
        pid = m.process.pid
        warm = open_idle_session(m.port(service), tls)   # first login loads the users and the index
        time.sleep(0.5)
        before = rss_kib(pid)
        sockets = []
        started = time.time()
        for i in range(count):
            sockets.append(open_idle_session(m.port(service), tls))
            if (i + 1) % 1000 == 0:
                print("%d sessions, %.1f s, RSS %d KiB" % (i + 1, time.time() - started, rss_kib(pid)), flush=True)
        time.sleep(2)
        after = rss_kib(pid)
        print("sessions: %d (%s)" % (count, "TLS" if tls else "plain"))
        print("RSS before: %d KiB, after: %d KiB" % (before, after))
        print("per idle session: %.1f KiB" % ((after - before) / count))
        # Each session must still answer: end IDLE on a sample.
        selector = selectors.DefaultSelector()
        for sock in sockets[:: max(1, count // 100)]:
            sock.sendall(b"DONE\r\n")
            selector.register(sock, selectors.EVENT_READ)
        answered = 0
        deadline = time.time() + 30
        while answered < len(selector.get_map()) and time.time() < deadline:
            for key, _ in selector.select(1):
                if b"OK" in key.fileobj.recv(4096):
                    answered += 1
                    selector.unregister(key.fileobj)
        print("sampled sessions answering DONE: %d" % answered)
        for sock in sockets + [warm]:
            sock.close()


if __name__ == "__main__":
    main()
