"""bench/lib/packages.py - what the benchmarks need from Debian: Dovecot's IMAP, POP3 and LMTP
servers, Postfix (for /usr/sbin/smtp-source) and procmail. Missing ones are installed through
scripts/install-deps --tests, which keeps the packaged Dovecot and Postfix services from
starting; a system Dovecot that runs anyway is left alone (the benchmark's own listens on free
ports and reads only its own configuration)."""

import os
import subprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NEEDED = {"/usr/sbin/dovecot": "dovecot-core", "/usr/lib/dovecot/imap": "dovecot-imapd",
          "/usr/lib/dovecot/pop3": "dovecot-pop3d", "/usr/lib/dovecot/lmtp": "dovecot-lmtpd",
          "/usr/sbin/smtp-source": "postfix", "/usr/bin/procmail": "procmail"}
INOTIFY = "/proc/sys/fs/inotify/max_user_instances"


def ensure():
    missing = [package for path, package in NEEDED.items() if not os.path.exists(path)]
    if missing:
        subprocess.run([os.path.join(ROOT, "scripts", "install-deps"), "--tests"], check=True)
    still = [package for path, package in NEEDED.items() if not os.path.exists(path)]
    if still:
        raise SystemExit("bench/run: still missing after scripts/install-deps: " + " ".join(still))


def raise_inotify_instances(wanted, log):
    """Dovecot's imap processes take inotify instances for IDLE (several each: at 10,064 only
    about 2,500 of 10,000 sessions got theirs), all under the user's uid; the sessions that get
    none poll every 30 s. Raises the limit for the
    run when the kernel lets us; returns a function that puts the old value back."""
    try:
        with open(INOTIFY) as f:
            old = int(f.read())
    except OSError:
        return lambda: None
    if old >= wanted:
        return lambda: None
    try:
        with open(INOTIFY, "w") as f:
            f.write(str(wanted))
    except OSError:
        log("cannot raise %s from %d to %d: Dovecot's IDLE beyond %d sessions will poll" % (INOTIFY, old, wanted, old))
        return lambda: None
    log("raised %s from %d to %d for this run" % (INOTIFY, old, wanted))

    def restore():
        with open(INOTIFY, "w") as f:
            f.write(str(old))
    return restore
