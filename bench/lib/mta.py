"""bench/lib/mta.py - scenario 9 (issue 9, "Speed"): SMTP to a local Maildir, messages/s with 4
and 32 concurrent clients from Postfix's smtp-source (the Postfix book, chapter 22). mailroom:
a mailroomd of its own with smtp_listen and a queue, handing mail to its own LMTP service.
Peer: a private Postfix (tests/integration/postfix_instance.py) whose local_transport is the
run's private Dovecot's LMTP. Each message goes to one user, `mta@example.com`. A figure is
the rate from the first connection until the last message is in the Maildir (delivered); the
rate until smtp-source finished (accepted) is in the figure's extra field. mailroomd's
client_connection_limit is raised: its queue's LMTP connections come from 127.0.0.1 like the
32 SMTP clients and would count against the default 50 (docs/mta.md)."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
from mailroom_harness import Mailroom  # noqa: E402
from postfix_instance import PostfixInstance  # noqa: E402

import procstat  # noqa: E402
from scenarios import SMTP_SOURCE, _lmtp_samples, count_files  # noqa: E402

USER = "mta"
CLIENTS = (4, 32)


class _Side:
    """One system under test: where smtp-source connects, where the mail lands, whose CPU counts."""

    def __init__(self, name, port, maildir, pids):
        self.name, self.port, self.maildir, self.pids = name, port, maildir, pids

    def cpu(self):
        return sum(procstat.cpu_seconds(pid) for pid in self.pids())


def _sample(ctx):
    """The 2 KB plain-text message of the LMTP scenario's corpus."""
    return min(_lmtp_samples(ctx), key=lambda item: os.path.getsize(item[0]))[0]


def _run(ctx, side, sample, clients, messages, timeout=600):
    before = count_files(side.maildir)
    cpu = side.cpu()
    start = time.monotonic()
    subprocess.run([SMTP_SOURCE, "-d", "-s", str(clients), "-m", str(messages), "-f", "bench@example.org",
             "-t", USER + "@example.com", "-F", sample, "127.0.0.1:%d" % side.port],
                   check=True, capture_output=True, timeout=timeout)
    accepted = time.monotonic() - start
    deadline = start + timeout
    while count_files(side.maildir) - before < messages:
        if time.monotonic() > deadline:
            raise RuntimeError("%s delivered %d of %d messages" % (side.name, count_files(side.maildir) - before,
                                                                   messages))
        time.sleep(0.02)
    delivered = time.monotonic() - start
    return messages / accepted, messages / delivered, side.cpu() - cpu


def mta(ctx):
    dovecot = [s for s in ctx.servers if s.name == "dovecot"][0]
    peer = "postfix+dovecot"
    m = Mailroom(services=["lmtp", "smtp"], io_threads="2", blocking_threads="4", mailbox_size_limit="0",
                 queue_run_delay="10s", connection_limit="500", client_connection_limit="500")
    postfix = PostfixInstance(mydestination="example.com",
                              local_transport="lmtp:inet:127.0.0.1:%d" % dovecot.port("lmtp"))
    try:
        m.parameters["queue_directory"] = m.path("queue")
        m.add_user(USER)
        m.start()
        postfix.start()
        sides = [_Side("mailroom", m.port("smtp"), m.users[USER].maildir(), lambda: [m.process.pid]),
                 _Side(peer, postfix.smtp_port, dovecot.maildir(USER),
                       lambda: [_postfix_master(postfix), dovecot.pid()])]
        sample = _sample(ctx)
        messages = ctx.sizes["mta_messages"]
        for clients in CLIENTS:
            f = ctx.figure("smtp_to_maildir_%d_clients" % clients, "messages/s", "higher", peer=peer,
                           note="%d messages of %d bytes, smtp-source -s %d, to one Maildir, until stored"
                           % (messages, os.path.getsize(sample), clients))
            f.extra["accepted_per_s"] = {"mailroom": [], peer: []}
            for _ in range(ctx.rounds):
                for side in sides:
                    accepted, delivered, cpu = _run(ctx, side, sample, clients, messages)
                    f.add(side.name, delivered, cpu)
                    f.extra["accepted_per_s"][side.name].append(round(accepted, 1))
                    ctx.log("mta %s, %d clients: %.0f accepted/s, %.0f delivered/s"
                            % (side.name, clients, accepted, delivered))
    finally:
        postfix.cleanup()
        m.cleanup()


def _postfix_master(postfix):
    with open(os.path.join(postfix.queue_dir, "pid", "master.pid")) as f:
        return int(f.read().split()[0])
