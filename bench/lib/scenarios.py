"""bench/lib/scenarios.py - the scenarios of issue 8 against mailroom and Dovecot, alternating
A B A B over the rounds. Each scenario function takes the run's Context and appends Figures.
The IMAP/POP3 load comes from mailroom-loadgen (C++), LMTP load from Postfix's smtp-source."""

import json
import os
import subprocess
import time

import corpus
from report import Figure
from servers import cpu_seconds, drop_index, memory_kib

SMTP_SOURCE = "/usr/sbin/smtp-source"
FETCH_FLAGS = "FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)"
LMTP_USERS = ["lmtp"] + ["%dlmtp" % n for n in range(2, 11)]


class Context:
    def __init__(self, servers, rounds, sizes, loadgen, work, seed, log):
        self.servers, self.rounds, self.sizes, self.loadgen = servers, rounds, sizes, loadgen
        self.work, self.seed, self.log = work, seed, log
        self.figures = []

    def figure(self, *args, **kwargs):
        f = Figure(*args, **kwargs)
        self.figures.append(f)
        return f


def loadgen(ctx, mode, server, timeout=900, **options):
    """Runs one loadgen mode against a server; returns its JSON output (the last line)."""
    argv = [ctx.loadgen, mode]
    for name, value in options.items():
        for item in value if isinstance(value, list) else [value]:
            argv += ["--" + name.replace("_", "-"), str(item)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError("loadgen %s against %s failed: %s\n%s" % (mode, server.name, done.stderr, server.log()))
    return json.loads(done.stdout.strip().splitlines()[-1])


def open_mailbox(ctx, server, user):
    """One LOGIN + SELECT before the concurrent sessions of a scenario, so the server has built
    the mailbox's index (mailroom fails concurrent first SELECTs of a new Maildir, see
    docs/performance.md)."""
    loadgen(ctx, "imap", server, port=server.port("imap"), user=user, password="secret", command="NOOP")


def timed(server, action):
    """(result, server CPU seconds) of action()."""
    before = cpu_seconds(server)
    result = action()
    return result, cpu_seconds(server) - before


def count_files(maildir):
    return sum(len(os.listdir(os.path.join(maildir, sub))) for sub in ("new", "cur")
               if os.path.isdir(os.path.join(maildir, sub)))


# -- 1. LMTP delivery --------------------------------------------------------------------
def _lmtp_samples(ctx):
    """One message file per (size, kind) class and how many of each a run sends (6:3:1)."""
    found = {}
    i = 0
    while len(found) < 6:
        data = corpus.message(ctx.seed, i)
        key = (min(corpus.SIZES, key=lambda s: abs(s - len(data))), b"multipart" in data)
        if key not in found:
            path = os.path.join(ctx.work, "lmtp-%d-%s.eml" % key)
            with open(path, "wb") as f:
                f.write(data)
            found[key] = path
        i += 1
    total = ctx.sizes["lmtp_messages"]
    weights = dict(zip(corpus.SIZES, corpus.SIZE_WEIGHTS))
    return [(path, max(1, total * weights[size] // (2 * sum(corpus.SIZE_WEIGHTS))))
            for (size, _), path in sorted(found.items())]


def _smtp_source(server, samples, recipients):
    for path, count in samples:
        subprocess.run([SMTP_SOURCE, "-L", "-d", "-s", "4", "-m", str(count), "-r", str(recipients),
                        "-f", "bench@example.org", "-t", "lmtp@example.com", "-F", path,
                        "127.0.0.1:%d" % server.port("lmtp")], check=True, capture_output=True, timeout=900)


def lmtp(ctx):
    samples = _lmtp_samples(ctx)
    messages = sum(count for _, count in samples)
    for recipients in (1, 10):
        unit = "messages/s" if recipients == 1 else "deliveries/s"
        f = ctx.figure("lmtp_%drcpt" % recipients, unit, "higher", goal=("advantage", 2),
                       note="%d messages, 4 connections, %d recipient(s) each" % (messages, recipients))
        users = LMTP_USERS[:recipients]   # smtp-source -r N: lmtp, 2lmtp, ..., Nlmtp
        for _ in range(ctx.rounds):
            for server in ctx.servers:
                before = sum(count_files(server.maildir(u)) for u in users)
                start = time.monotonic()
                _, cpu = timed(server, lambda: _smtp_source(server, samples, recipients))
                seconds = time.monotonic() - start
                stored = sum(count_files(server.maildir(u)) for u in users) - before
                if stored != messages * recipients:
                    raise RuntimeError("%s stored %d of %d deliveries" % (server.name, stored, messages * recipients))
                f.add(server.name, messages * recipients / seconds, cpu)


# -- 2-4. IMAP on the big mailbox --------------------------------------------------------
def _imap(ctx, server, commands, repeat=1):
    return loadgen(ctx, "imap", server, port=server.port("imap"), user="bench", password="secret",
                   command=commands, repeat=repeat)


def imap_fetch(ctx):
    n = ctx.sizes["messages"]
    cold = ctx.figure("imap_select_fetch_flags_cold", "ms", "lower", goal=("advantage", 1),
                      note="LOGIN+SELECT+%s on %d messages, no index" % (FETCH_FLAGS, n))
    warm = ctx.figure("imap_select_fetch_flags_warm", "ms", "lower", goal=("advantage", 1.5),
                      note="the same again, index built")
    envelope = ctx.figure("imap_fetch_envelope_warm", "ms", "lower", goal=("advantage", 1.5),
                          note="FETCH 1:* ENVELOPE, second run in the session")
    structure = ctx.figure("imap_fetch_bodystructure_warm", "ms", "lower", goal=("advantage", 1.5),
                           note="FETCH 1:* BODYSTRUCTURE, second run in the session")
    for _ in range(ctx.rounds):
        for server in ctx.servers:
            server.stop()
            drop_index(server, "bench")
            server.start()
            for figure in (cold, warm):
                out, cpu = timed(server, lambda: _imap(ctx, server, [FETCH_FLAGS]))
                figure.add(server.name, out["open_ms"] + out["results"][0][0], cpu)
            out, cpu = timed(server, lambda: _imap(ctx, server, ["FETCH 1:* ENVELOPE", "FETCH 1:* BODYSTRUCTURE"], 2))
            envelope.add(server.name, out["results"][0][-1], cpu / 2)
            structure.add(server.name, out["results"][1][-1], cpu / 2)


def imap_body(ctx):
    f = ctx.figure("imap_fetch_body_all", "MB/s", "higher",
                   note="FETCH 1:* BODY.PEEK[] of %d messages" % ctx.sizes["messages"])
    for _ in range(ctx.rounds):
        for server in ctx.servers:
            out, cpu = timed(server, lambda: _imap(ctx, server, ["FETCH 1:* BODY.PEEK[]"]))
            f.add(server.name, out["bytes"] / 1e6 / (out["results"][0][0] / 1000), cpu)


SEARCHES = [("from", "SEARCH FROM alice", None), ("subject", "SEARCH SUBJECT invoice", None),
            ("body", "SEARCH BODY %s" % corpus.RARE_WORD, ("advantage", 2)),
            ("text", "SEARCH TEXT %s" % corpus.RARE_WORD, None)]


def imap_search(ctx):
    figures = [ctx.figure("imap_search_" + name, "ms", "lower", goal=goal,
                          note="%s on %d messages, median of 3 in one session" % (command, ctx.sizes["messages"]))
               for name, command, goal in SEARCHES]
    for _ in range(ctx.rounds):
        for server in ctx.servers:
            out, cpu = timed(server, lambda: _imap(ctx, server, [c for _, c, _ in SEARCHES], 3))
            for figure, times in zip(figures, out["results"]):
                figure.add(server.name, sorted(times)[len(times) // 2], cpu / len(SEARCHES))


# -- 6. idle sessions ----------------------------------------------------------------------
def _held_sessions(ctx, server, argv, sessions):
    """Starts the loadgen (argv: a mode that prints {"ready": n} and waits for a line on stdin),
    measures the server's memory before and with the sessions open, lets the loadgen go on and
    returns (its last JSON line, PSS KiB per session, RSS KiB per session, server processes)."""
    time.sleep(0.5)
    before = memory_kib(server)
    child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = json.loads(child.stdout.readline() or "{}")
    if ready.get("ready") != sessions:
        child.kill()
        raise RuntimeError("%s: %s of %d sessions opened: %s\n%s" % (
            server.name, ready.get("ready"), sessions, child.stderr.read(), server.log()))
    time.sleep(1)
    after = memory_kib(server)
    child.stdin.write("go\n")
    child.stdin.flush()
    out, errors = child.communicate(timeout=600)
    if child.returncode != 0:
        raise RuntimeError("%s: %s failed: %s" % (server.name, argv[1], errors))
    return (json.loads(out.strip().splitlines()[-1]), (after["pss"] - before["pss"]) / sessions,
            (after["rss"] - before["rss"]) / sessions, after["processes"])


def _idle_run(ctx, server, sessions):
    open_mailbox(ctx, server, "idle")
    argv = [ctx.loadgen, "idle", "--port", str(server.port("imap")), "--user", "idle", "--password", "secret",
            "--sessions", str(sessions), "--lmtp-port", str(server.port("lmtp")), "--rcpt", "idle@example.com",
            "--deliveries", str(ctx.sizes["idle_deliveries"]), "--timeout", "30", "--wait-stdin", "1"]
    result, pss, rss, processes = _held_sessions(ctx, server, argv, sessions)
    result.update(pss_kib_per_session=pss, rss_kib_per_session=rss, processes=processes)
    return result


def idle(ctx):
    sessions = ctx.sizes["idle_sessions"]
    memory = ctx.figure("idle_memory_per_session_%d" % sessions, "KiB", "lower", goal=("advantage", 10),
                        note="server PSS growth / %d sessions in IDLE (all processes)" % sessions)
    p50 = ctx.figure("idle_push_p50_%d" % sessions, "ms", "lower",
                     note="LMTP end of DATA to * EXISTS, every session, %d deliveries" % ctx.sizes["idle_deliveries"])
    p99 = ctx.figure("idle_push_p99_%d" % sessions, "ms", "lower",
                     goal=("max", 1000) if sessions >= 10000 else None,
                     note="99th percentile; the goal (< 1 s) is set for 10,000 sessions")
    for _ in range(ctx.rounds):
        for server in ctx.servers:
            result, cpu = timed(server, lambda: _idle_run(ctx, server, sessions))
            memory.add(server.name, result["pss_kib_per_session"], cpu)
            p50.add(server.name, result["p50_ms"])
            p99.add(server.name, result["p99_ms"])
            p99.extra.setdefault("missing_" + server.name, []).append(result["missing"])
            memory.extra.setdefault("rss_kib_per_session_" + server.name, []).append(result["rss_kib_per_session"])
            server.stop()   # the loadgen's sessions are gone; start clean for the next round
            server.start()


# -- 7. POP3 -----------------------------------------------------------------------------
def pop3(ctx):
    retr = ctx.figure("pop3_stat_uidl_retr_all", "MB/s", "higher", goal=("advantage", 1),
                      note="STAT, UIDL, RETR 1..%d one by one" % ctx.sizes["messages"])
    sessions = ctx.sizes["pop3_logins"]
    logins = ctx.figure("pop3_logins_%d" % sessions, "logins/s", "higher",
                        note="%d concurrent connections, USER/PASS/STAT/QUIT, %d users" % (sessions, sessions))
    memory = ctx.figure("pop3_memory_per_session_%d" % sessions, "KiB", "lower", goal=("advantage", 10),
                        note="server PSS growth / %d sessions logged in after STAT (all processes)" % sessions)
    for _ in range(ctx.rounds):
        for server in ctx.servers:
            out, cpu = timed(server, lambda: loadgen(ctx, "pop3-retr", server, port=server.port("pop3"),
                                                     user="bench", password="secret"))
            retr.add(server.name, out["bytes"] / 1e6 / (out["ms"] / 1000), cpu)
            out, cpu = timed(server, lambda: loadgen(ctx, "pop3-logins", server, port=server.port("pop3"),
                                                     user_prefix="pop", users=sessions, sessions=sessions,
                                                     password="secret"))
            logins.add(server.name, sessions / (out["ms"] / 1000), cpu)
            # From a fresh start: a heap grown by the logins above would hold the sessions'
            # memory without growing, and show too little per session.
            server.stop()
            server.start()
            argv = [ctx.loadgen, "pop3-logins", "--port", str(server.port("pop3")), "--user-prefix", "pop",
                    "--users", str(sessions), "--sessions", str(sessions), "--password", "secret", "--hold", "1"]
            _, pss, rss, _ = _held_sessions(ctx, server, argv, sessions)
            memory.add(server.name, pss)
            memory.extra.setdefault("rss_kib_per_session_" + server.name, []).append(rss)


# -- 5. sessions reading while mail arrives ----------------------------------------------
def imap_mixed(ctx):
    sessions, seconds = ctx.sizes["mixed_sessions"], ctx.sizes["mixed_seconds"]
    ops = ctx.figure("imap_mixed_%d_sessions" % sessions, "ops/s", "higher",
                     note="SELECT, UID FETCH of new UIDs, 3 random header FETCHes, looped for %d s while "
                          "LMTP delivers every 20 ms" % seconds)
    wrong = ctx.figure("imap_mixed_uid_violations", "count", "lower", goal=("max", 1),
                       note="UIDVALIDITY changed, UIDNEXT went down, or a new UID not above the ones seen")
    for _ in range(ctx.rounds):
        for server in ctx.servers:
            open_mailbox(ctx, server, "mixed")
            out, cpu = timed(server, lambda: loadgen(ctx, "mixed", server, port=server.port("imap"), user="mixed",
                                                     password="secret", sessions=sessions, seconds=seconds,
                                                     lmtp_port=server.port("lmtp"), rcpt="mixed@example.com"))
            ops.add(server.name, out["ops_per_s"], cpu)
            wrong.add(server.name, out["violations"])
            ops.extra.setdefault("delivered_" + server.name, []).append(out["delivered"])
