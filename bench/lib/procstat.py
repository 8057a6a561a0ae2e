"""bench/lib/procstat.py - what a server costs, read from /proc: CPU seconds (user + system,
with the reaped children's time, over the whole process tree, so Dovecot's short-lived
imap/lmtp processes count) and memory (RSS and PSS summed over the tree; PSS shares a page
between the processes mapping it, so a forking server is not over-counted)."""

import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()   # fields from "state" on


def tree(root):
    """root and all of its descendants that are alive now."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(_stat(int(entry))[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(root):
    total = 0
    for pid in tree(root):
        try:
            fields = _stat(pid)
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])   # utime stime cutime cstime
    return total / CLOCK_TICKS


def memory_kib(root):
    """{"rss": KiB, "pss": KiB, "processes": n} summed over the tree."""
    rss = pss = count = 0
    for pid in tree(root):
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            count += 1
        except OSError:
            pass
    return {"rss": rss, "pss": pss, "processes": count}
