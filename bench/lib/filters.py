"""bench/lib/filters.py - scenario 8: messages/s through the same 20-recipe rc file, mailroom's
filter engine (mailroom-filterbench, in one process, Maildir folders written with fsync) against
real `procmail -m RCFILE`, one process per message as an MTA runs it. Both write into their own
folder tree; after the first round the number of messages per folder must be the same.

It runs twice: with the folders on the bench's work directory (a disk: every message costs an
fsync on both sides, so the disk sets the pace) and with the folders on tmpfs (/dev/shm, where
fsync returns at once: what is left is the cost of filtering and writing itself)."""

import json
import os
import resource
import shutil
import subprocess
import tempfile
import time

import corpus
from report import Figure

PROCMAIL = "/usr/bin/procmail"

RECIPES = r"""
:0
* ^From:.*mallory@
spam/

:0
* ^Subject:.*(lottery|winner|prize)
spam/

:0
* ^List-Id:.*<dev\.lists\.example\.org>
lists/dev/

:0
* ^X-Spam-Flag: YES
spam/

:0
* ^From:.*(alice|bob)@example\.org
friends/

:0
* ^Subject:.*invoice
* ^Subject:.*payment
billing/

:0
* ^Subject:.*security patch
{
  :0
  * ^From:.*(trent|victor)@
  security/urgent/

  :0
  security/
}

:0 B
* zephyrine
rare/

:0
* ^To:.*postmaster@
admin/

:0
* ^Subject:.*\[ticket [0-9]+\]
tickets/

:0
* 500^0 ^Subject:.*budget
* 300^0 ^Subject:.*quarter
* -900^0
finance/

:0
* ^From:.*(sybil|rupert)@
* ! ^Subject:.*holiday
hr/

:0
* ^Content-Type: multipart/mixed
* ^From:.*(grace|heidi)@
attachments/

:0
* ^Subject:.*travel.*(offer|schedule)
travel/

:0
* ^Message-ID:.*<bench\.[0-9]*7@
sample/

:0 B
* ^-----BEGIN PGP
signed/

:0
* ^Subject:.*(backup|network).*(server|update)
ops/

:0
* ^From:.*(zoe|quinn)@
* ^Date:.*Nov 2026
archive-2026/

:0
* ^Subject:.*lunch
social/

:0
inbox/
"""


def rc_text(base):
    return "MAILDIR=%s\nDEFAULT=%s/inbox/\nSHELL=/bin/sh\n%s" % (base, base, RECIPES)


def folder_counts(base):
    counts = {}
    for root, dirs, files in os.walk(base):
        if os.path.basename(root) == "new":
            counts[os.path.relpath(os.path.dirname(root), base)] = len(files)
    return counts


def _setup(ctx, count, folders_root):
    messages = os.path.join(ctx.work, "filter-messages")
    os.makedirs(messages, exist_ok=True)
    files = []
    for i in range(count):
        path = os.path.join(messages, "%06d.eml" % i)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(b"From bench@example.org  Mon Nov 23 10:00:00 2026\n" + corpus.message(ctx.seed, i))
        files.append(path)
    rcs = {}
    for who in ("mailroom", "procmail"):
        base = os.path.join(folders_root, "filter-" + who)
        os.makedirs(base, exist_ok=True)
        rc = os.path.join(folders_root, "rc-" + who)
        with open(rc, "w") as f:
            f.write(rc_text(base))
        os.chmod(rc, 0o644)
        rcs[who] = (rc, base)
    return files, rcs


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _procmail(rc, files):
    script = 'for f in "$@"; do %s -m "$0" < "$f" || exit 1; done' % PROCMAIL
    cpu = _children_cpu()
    start = time.monotonic()
    subprocess.run(["/bin/sh", "-c", script, rc] + files, check=True, timeout=1800)
    return len(files) / (time.monotonic() - start), _children_cpu() - cpu


def _mailroom(filterbench, rc, base, files):
    done = subprocess.run([filterbench, "--rc", rc, "--home", base] + files, capture_output=True, text=True,
                          timeout=1800)
    if done.returncode != 0:
        raise RuntimeError("mailroom-filterbench failed: %s %s" % (done.stdout, done.stderr))
    out = json.loads(done.stdout)
    return out["messages"] / out["seconds"], out["cpu_s"]


TMPFS = "/dev/shm"


def _is_tmpfs(path):
    with open("/proc/mounts") as mounts:
        return any(line.split()[1] == path and line.split()[2] == "tmpfs" for line in mounts)


def filters(ctx, filterbench):
    _filters_on(ctx, filterbench, ctx.work, "filter_20_recipes", goal=("advantage", 10),
                where="Maildir folders on the work directory's disk, fsync on both sides")
    if not _is_tmpfs(TMPFS):
        ctx.log("filters: %s is not a tmpfs, the tmpfs variant is skipped" % TMPFS)
        return
    root = tempfile.mkdtemp(prefix="mailroom-bench-filters-", dir=TMPFS)
    try:
        _filters_on(ctx, filterbench, root, "filter_20_recipes_tmpfs", goal=("advantage", 10),
                    where="Maildir folders on tmpfs, where fsync costs nothing")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _filters_on(ctx, filterbench, folders_root, name, goal, where):
    count = ctx.sizes["filter_messages"]
    files, rcs = _setup(ctx, count, folders_root)
    f = ctx.figure(name, "messages/s", "higher", peer="procmail", goal=goal,
                   note="%d messages through 20 recipes; %s" % (count, where))
    cpu_figure = ctx.figure(name + "_cpu", "CPU ms/message", "lower", peer="procmail",
                            note="CPU time of the filtering process(es) per message: mailroom-filterbench, "
                                 "or procmail and the shell that starts it")
    for round_number in range(ctx.rounds):
        rate, cpu = _mailroom(filterbench, *rcs["mailroom"], files)
        f.add("mailroom", rate, cpu)
        cpu_figure.add("mailroom", cpu * 1000 / count)
        rate, cpu = _procmail(rcs["procmail"][0], files)
        f.add("procmail", rate, cpu)
        cpu_figure.add("procmail", cpu * 1000 / count)
        if round_number == 0:
            mine, theirs = folder_counts(rcs["mailroom"][1]), folder_counts(rcs["procmail"][1])
            f.extra["folders_agree"] = mine == theirs
            f.extra["folders"] = {"mailroom": mine, "procmail": theirs}
            if mine != theirs:
                ctx.log("filters: folder counts differ: mailroom %s, procmail %s" % (mine, theirs))
