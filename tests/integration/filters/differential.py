#!/usr/bin/env python3
"""Differential test: real procmail against mailroom's filter engine (tests/integration/filters).

For every rc file in CORPUS/rc/*.rc and every message in CORPUS/messages/*.msg, both programs
run in their own temporary home (a copy of CORPUS/home/) the way procmail runs as a user's
delivery agent: `procmail -Y [-f sender] -m HOME=... LOGNAME=... MAILDIR=$HOME DEFAULT=...
ORGMAIL=... SENDMAIL=fake rcfile [args]` with the message on stdin. The homes are then compared:
which files exist, their bytes (From_ dates and Maildir/MH/msg.* file names normalized), the
fake sendmail's records, LOGFILE lines (diagnostic lines dropped) and the exit code.

An rc file may start with "# args: a b" (positional arguments) and "# messages: glob" (only
those messages). Known, documented deviations are listed in CORPUS/expected_differences.txt
as "rc-name message-name" lines; every other difference fails the test.
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FROM_LINE = re.compile(rb"^(>*From \S*) +\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$", re.M)
FOLDER_LINE = re.compile(rb"^  Folder: (.*?)\s+(\d+)$", re.M)
UNIQUE_NAME = re.compile(r"(/new/|/cur/|/tmp/)[^/]+$|/msg\.[^/]+$")

FAKE_SENDMAIL = """#!/bin/sh
dir="$HOME/sent"
mkdir -p "$dir"
f=$(mktemp "$dir/m.XXXXXX")
{ echo "ARGS: $*"; cat; } > "$f"
"""


def read_header(path):
    args, messages = [], "*"
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("# args:"):
                args = line[len("# args:"):].split()
            elif line.startswith("# messages:"):
                messages = line[len("# messages:"):].strip()
            elif not line.startswith("#"):
                break
    return args, messages


def sender_of(message):
    m = re.search(rb"^Return-Path: *<([^>]*)>", message, re.M | re.I)
    return m.group(1).decode("latin-1") if m else "sender@example.org"


def normalize_content(data):
    data = FROM_LINE.sub(rb"\1  DATE", data)
    return data


def snapshot(home, skeleton_files):
    """Map of normalized relative path -> normalized content, ignoring the skeleton."""
    files = {}
    for root, _dirs, names in os.walk(home):
        for name in names:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, home)
            if rel in skeleton_files or rel in ("procmailrc", "sendmail"):
                continue
            with open(full, "rb") as f:
                data = f.read()
            data = data.replace(home.encode(), b"$HOME")
            if rel == "log":
                lines = [l for l in data.split(b"\n")
                         if not l.startswith(b"procmail: ") and not l.startswith(b"mailroom: ")]
                data = normalize_content(b"\n".join(lines))
                data = FOLDER_LINE.sub(lambda m: b"  Folder: " + re.sub(
                    rb"(/new/|/cur/)[^/\s]+$|/msg\.[^/\s]+$", rb"\1*", m.group(1)) + b" " + m.group(2), data)
            else:
                data = normalize_content(data)
            key = UNIQUE_NAME.sub(lambda m: (m.group(1) or "/msg.") + "*", rel)
            if "/" in rel and re.fullmatch(r"\d+", os.path.basename(rel)):
                key = os.path.dirname(rel) + "/<mh>"
            if rel.startswith("sent/"):
                key = "sent/*"   # procmail may run two sendmails at once: names are random
            files.setdefault(key, []).append(data)
    return {k: sorted(v) for k, v in files.items()}


def wait_for_group(pgid, limit=60.0):
    """procmail does not wait for a program started without w: let its children finish
    (they stay in the process group of the session started for the run) before looking. The
    limit is generous: on a loaded CI machine a formail | sendmail chain took over 10 s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.005)


def run_one(tool, exe, rc, message, args, corpus, skeleton, preload=None):
    home = tempfile.mkdtemp(prefix="mrdiff-")
    try:
        shutil.copytree(os.path.join(corpus, "home"), home, dirs_exist_ok=True)
        shutil.copy(rc, os.path.join(home, "procmailrc"))
        sendmail = os.path.join(home, "sendmail")
        with open(sendmail, "w") as f:
            f.write(FAKE_SENDMAIL)
        os.chmod(sendmail, 0o755)
        with open(message, "rb") as f:
            data = f.read()
        assigns = [f"HOME={home}", "LOGNAME=mruser", f"MAILDIR={home}", f"DEFAULT={home}/Mailbox",
                   f"ORGMAIL={home}/Mailbox", f"SENDMAIL={sendmail}", "SHELL=/bin/sh"]
        from_opt = [] if data.startswith(b"From ") else ["-f", sender_of(data)]
        rcfile = os.path.join(home, "procmailrc")
        if tool == "procmail":
            cmd = [exe, "-Y"] + from_opt + ["-m"] + assigns + [rcfile] + args
        else:
            cmd = [exe] + from_opt + assigns + [rcfile] + args
        env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": home}
        if preload and tool == "procmail":
            env["LD_PRELOAD"] = preload
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=home, env=env, start_new_session=True)
        _out, err = proc.communicate(data, timeout=60)
        wait_for_group(proc.pid)
        return proc.returncode, snapshot(home, skeleton), err.decode("latin-1", "replace")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def describe(a, b):
    out = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            out.append(f"    {key}:\n      procmail: {a.get(key)!r:.600}\n      mailroom: {b.get(key)!r:.600}")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--driver", required=True)
    p.add_argument("--procmail", default="procmail")
    p.add_argument("--corpus", required=True)
    p.add_argument("--preload", help="shared object preloaded into procmail (no-op sleep)")
    p.add_argument("--only", default="*", help="glob of rc names to run")
    p.add_argument("--jobs", type=int, default=2)
    opts = p.parse_args()
    if opts.preload:
        # procmail is installed set-uid, so the dynamic loader would ignore LD_PRELOAD for it:
        # run a private copy without the set-uid bit instead.
        copy_dir = tempfile.mkdtemp(prefix="mrdiff-bin-")
        shutil.copy(shutil.which(opts.procmail) or opts.procmail, os.path.join(copy_dir, "procmail"))
        opts.procmail = os.path.join(copy_dir, "procmail")
    rcs = sorted(f for f in os.listdir(os.path.join(opts.corpus, "rc"))
                 if f.endswith(".rc") and fnmatch.fnmatch(f, opts.only))
    msgs = sorted(f for f in os.listdir(os.path.join(opts.corpus, "messages")) if f.endswith(".msg"))
    skeleton = set()
    for root, _d, names in os.walk(os.path.join(opts.corpus, "home")):
        for n in names:
            skeleton.add(os.path.relpath(os.path.join(root, n), os.path.join(opts.corpus, "home")))
    expected = set()
    exp_path = os.path.join(opts.corpus, "expected_differences.txt")
    if os.path.exists(exp_path):
        with open(exp_path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    expected.add(tuple(line.split()[:2]))
    pairs = []
    for rc in rcs:
        args, pattern = read_header(os.path.join(opts.corpus, "rc", rc))
        for m in msgs:
            if fnmatch.fnmatch(m, pattern):
                pairs.append((rc, m, args))

    def compare(pair):
        rc, m, args = pair
        rc_path = os.path.join(opts.corpus, "rc", rc)
        msg_path = os.path.join(opts.corpus, "messages", m)
        a = run_one("procmail", opts.procmail, rc_path, msg_path, args, opts.corpus, skeleton, opts.preload)
        b = run_one("mailroom", opts.driver, rc_path, msg_path, args, opts.corpus, skeleton)
        if a[:2] == b[:2]:
            return None
        text = f"  {rc} x {m}: exit procmail={a[0]} mailroom={b[0]}\n" + describe(a[1], b[1])
        if b[2]:
            text += "\n    mailroom stderr: " + b[2].strip().replace("\n", "\n      ")
        return (rc, m, text)

    failures, documented = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for result in pool.map(compare, pairs):
            if result is None:
                continue
            if (result[0], result[1]) in expected or (result[0], "*") in expected:
                documented += 1
            else:
                failures.append(result[2])
    for f in failures:
        print(f)
    passed = len(pairs) - len(failures)
    print(f"differential: {len(rcs)} rc files x {len(msgs)} messages, {len(pairs)} pairs, "
          f"{documented} documented deviations")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
