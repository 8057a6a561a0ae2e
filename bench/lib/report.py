"""bench/lib/report.py - figures and how they are reported: every figure keeps each round's
value for mailroom and for its peer (Dovecot or procmail) and the server CPU seconds spent on
it; the median is what counts. `advantage` is the ratio in mailroom's favour: mailroom/peer
for higher-is-better figures (messages/s, MB/s), peer/mailroom for lower-is-better ones (ms,
KiB), so > 1 always means mailroom did better. Goals are either a minimum advantage or an
absolute limit on mailroom's own value."""

import json
import statistics
import time


class Figure:
    def __init__(self, name, unit, better, peer="dovecot", goal=None, note=""):
        """better: "higher" or "lower". goal: ("advantage", x) or ("max", x) or None."""
        self.name, self.unit, self.better, self.peer, self.goal, self.note = name, unit, better, peer, goal, note
        self.values = {"mailroom": [], peer: []}
        self.cpu = {"mailroom": [], peer: []}
        self.extra = {}

    def add(self, who, value, cpu=None):
        self.values[who].append(value)
        if cpu is not None:
            self.cpu[who].append(cpu)

    def median(self, who):
        values = self.values[who]
        return statistics.median(values) if values else None

    def advantage(self):
        mine, theirs = self.median("mailroom"), self.median(self.peer)
        if mine is None or theirs is None or mine == 0 or theirs == 0:
            return None
        return mine / theirs if self.better == "higher" else theirs / mine

    def goal_text(self):
        if not self.goal:
            return "-"
        kind, value = self.goal
        if kind == "advantage":
            return "≥ %gx" % value
        return "mailroom < %g %s" % (value, self.unit)

    def met(self):
        if not self.goal:
            return None
        kind, value = self.goal
        if kind == "advantage":
            advantage = self.advantage()
            return advantage is not None and advantage >= value
        mine = self.median("mailroom")
        return mine is not None and mine < value

    def json(self, run_id, params):
        cpu = {who: statistics.median(v) if v else None for who, v in self.cpu.items()}
        return json.dumps({"run": run_id, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "figure": self.name, "unit": self.unit, "better": self.better, "peer": self.peer,
                           "mailroom": self.median("mailroom"), "peer_value": self.median(self.peer),
                           "advantage": self.advantage(), "goal": self.goal_text(), "met": self.met(),
                           "rounds": self.values, "cpu_s": cpu, "extra": self.extra, "note": self.note,
                           "params": params})


def _number(value):
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return "%.0f" % value
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.3g" % value


def _cpu(figure, who):
    values = figure.cpu[who]
    return _number(statistics.median(values)) if values else "-"


def markdown(figures):
    lines = ["| figure | mailroom | peer | advantage | goal | met? | CPU s mailroom / peer |",
             "|---|---|---|---|---|---|---|"]
    for f in figures:
        met = f.met()
        advantage = f.advantage()
        lines.append("| %s (%s) | %s | %s %s | %s | %s | %s | %s / %s |" % (
            f.name, f.unit, _number(f.median("mailroom")), f.peer, _number(f.median(f.peer)),
            "%.2fx" % advantage if advantage is not None else "n/a", f.goal_text(),
            "-" if met is None else ("yes" if met else "**no**"), _cpu(f, "mailroom"), _cpu(f, f.peer)))
    return "\n".join(lines)
