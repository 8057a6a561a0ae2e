#!/usr/bin/env python3
# tests/corpus/messages/make_goldens.py - records Dovecot's IMAP answers for every corpus
# message (RFC 3501 §7.4.2 ENVELOPE/BODY/BODYSTRUCTURE, §6.4.5 BODY[section]<partial>).
# Needs Dovecot (Debian 12: apt-get install dovecot-imapd); not run in CI.
"""Regenerate tests/corpus/messages/*.golden from a private Dovecot instance.

Usage: make_goldens.py [--dovecot /usr/sbin/dovecot] [--port 14300] [--keep]

Each corpus message NAME.eml is copied, byte for byte, into a Maildir folder of its own
(.NAME), so Dovecot sees exactly the stored bytes (no APPEND, which would convert line
ends). A throwaway Dovecot (its own base_dir, state, log, passwd-file, loopback, high
port; the system service is never touched) answers FETCH for each message, and the
answers are written to NAME.golden, one item per line:

    RFC822.SIZE <number>
    ENVELOPE <value>
    BODY <value>
    BODYSTRUCTURE <value>
    SECTION <section spec> <value>

<value> is the IMAP text of the item, literals kept as "{n}\\r\\n<bytes>". Bytes outside
0x20-0x7e and the backslash are written as \\r, \\n, \\\\ or \\xHH. A SECTION value longer
than 2000 bytes is written as "#<length>:<sha256 hex>" to keep the goldens small.
"""
import argparse
import hashlib
import imaplib
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
USER, PASSWORD = "golden", "golden"
MAX_INLINE_SECTION = 2000
MAX_PATHS = 40  # sections probed per message (the 200-part message needs no more)


def escape(data: bytes) -> str:
    out = []
    for b in data:
        if b == 0x5C:
            out.append("\\\\")
        elif b == 0x0D:
            out.append("\\r")
        elif b == 0x0A:
            out.append("\\n")
        elif 0x20 <= b <= 0x7E:
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


class Sexp:
    """Tiny IMAP response reader: values with their byte spans."""

    def __init__(self, data: bytes):
        self.d, self.i = data, 0

    def skip_sp(self):
        while self.i < len(self.d) and self.d[self.i] == 0x20:
            self.i += 1

    def value(self):
        self.skip_sp()
        start, c = self.i, self.d[self.i:self.i + 1]
        if c == b"(":
            self.i += 1
            items = []
            while True:
                self.skip_sp()
                if self.d[self.i:self.i + 1] == b")":
                    self.i += 1
                    return ("list", items, start, self.i)
                items.append(self.value())
        if c == b'"':
            self.i += 1
            buf = bytearray()
            while self.d[self.i] != 0x22:
                if self.d[self.i] == 0x5C:
                    self.i += 1
                buf.append(self.d[self.i])
                self.i += 1
            self.i += 1
            return ("str", bytes(buf), start, self.i)
        if c == b"{":
            end = self.d.index(b"}", self.i)
            n = int(self.d[self.i + 1:end])
            body_start = end + 3  # "}\r\n"
            self.i = body_start + n
            return ("str", self.d[body_start:self.i], start, self.i)
        while self.i < len(self.d) and self.d[self.i] not in b" ()":
            if self.d[self.i] == 0x5B:  # BODY[...] item names contain spaces
                self.i = self.d.index(b"]", self.i)
            self.i += 1
        atom = self.d[start:self.i]
        return ("nil" if atom.upper() == b"NIL" else "atom", atom, start, self.i)


def fetch(imap, items: str) -> bytes:
    typ, data = imap.fetch("1", items)
    if typ != "OK":
        raise RuntimeError("FETCH %s: %r" % (items, data))
    raw = b""
    for part in data:
        if isinstance(part, tuple):
            raw += part[0] + b"\r\n" + part[1]
        else:
            raw += part
    return raw


def fetch_items(imap, items: str):
    """Returns [(name, raw value bytes, parsed value)] of the one FETCH response."""
    raw = fetch(imap, items)
    p = Sexp(raw)
    p.i = raw.index(b"(")
    kind, values, _, _ = p.value()
    pairs = []
    for k in range(0, len(values), 2):
        name = values[k][1].decode()
        v = values[k + 1]
        pairs.append((name, raw[v[2]:v[3]], v))
    return pairs


def part_paths(body, prefix=""):
    """Part numbers (RFC 3501 §6.4.5) in a parsed BODYSTRUCTURE, with 'is message/rfc822'."""
    kind, items, _, _ = body
    out = []
    if items and items[0][0] == "list":  # multipart: children first
        n = 0
        for child in items:
            if child[0] != "list":
                break
            n += 1
            out += part_paths_child(child, "%s%d" % (prefix, n))
        return out
    return part_paths_child(body, prefix + "1") if prefix == "" else out


def part_paths_child(body, path):
    kind, items, _, _ = body
    is_msg = (len(items) > 8 and items[0][0] == "str" and items[0][1].lower() == b"message"
              and items[1][1].lower() in (b"rfc822", b"global") and items[8][0] == "list")
    out = [(path, is_msg)]
    if items and items[0][0] == "list":
        n = 0
        for child in items:
            if child[0] != "list":
                break
            n += 1
            out += part_paths_child(child, "%s.%d" % (path, n))
    elif is_msg:
        nested = items[8]
        if nested[1] and nested[1][0][0] == "list":
            out += part_paths(nested, path + ".")
        else:
            out += part_paths_child(nested, path + ".1")
    return out


def sections_for(paths):
    specs = ["HEADER", "TEXT", "HEADER.FIELDS (From Subject To)",
             "HEADER.FIELDS.NOT (Subject Received)", "", "TEXT]<3.10>", "1]<0.5>", "99"]
    for path, is_msg in paths[:MAX_PATHS]:
        specs += [path, path + ".MIME"]
        if is_msg:
            specs += [path + ".HEADER", path + ".TEXT", path + ".HEADER.FIELDS (Subject From)"]
    return specs


def record(imap, folder, golden_path):
    imap.select('"%s"' % folder, readonly=True)
    lines = []
    size = dict((n, r) for n, r, _ in fetch_items(imap, "(RFC822.SIZE)"))["RFC822.SIZE"]
    lines.append("RFC822.SIZE " + size.decode())
    body_struct = None
    for item in ("ENVELOPE", "BODY", "BODYSTRUCTURE"):
        name, raw, parsed = fetch_items(imap, "(%s)" % item)[0]
        lines.append("%s %s" % (item, escape(raw)))
        if item == "BODYSTRUCTURE":
            body_struct = parsed
    for spec in sections_for(part_paths(body_struct)):
        fetch_spec = ("BODY.PEEK[%s" % spec) if spec.endswith(">") else "BODY.PEEK[%s]" % spec
        name, raw, parsed = fetch_items(imap, "(%s)" % fetch_spec)[0]
        data = parsed[1] if parsed[0] == "str" else None
        if data is None:
            value = "NIL"
        elif len(data) > MAX_INLINE_SECTION:
            value = "#%d:%s" % (len(data), hashlib.sha256(data).hexdigest())
        else:
            value = "{%d}%s" % (len(data), escape(data))
        lines.append("SECTION %s %s" % (spec.replace("]", ""), value))
    golden_path.write_text("\n".join(lines) + "\n")


DOVECOT_CONF = """\
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{tmp}/mail
mailbox_list_index = no
passdb {{
  driver = passwd-file
  args = {tmp}/passwd
}}
userdb {{
  driver = passwd-file
  args = {tmp}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dovecot", default="/usr/sbin/dovecot")
    ap.add_argument("--port", type=int, default=14300)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir for debugging")
    ap.add_argument("names", nargs="*", help="only these corpus messages (without .eml)")
    args = ap.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mr-goldens-"))
    os.chmod(tmp, 0o755)
    messages = sorted(HERE.glob("*.eml"))
    if args.names:
        messages = [m for m in messages if m.stem in args.names]
    mail = tmp / "mail"
    for m in messages:
        folder = mail / ("." + m.stem)
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(m, folder / "cur" / "1000000000.M1P1.golden:2,S")
    for sub in ("cur", "new", "tmp"):
        (mail / sub).mkdir(parents=True, exist_ok=True)
    (tmp / "passwd").write_text("%s:{PLAIN}%s:65534:65534::%s::\n" % (USER, PASSWORD, tmp / "home"))
    (tmp / "dovecot.conf").write_text(DOVECOT_CONF.format(tmp=tmp, port=args.port))
    subprocess.run(["chown", "-R", "65534:65534", str(mail)], check=True)

    proc = subprocess.Popen([args.dovecot, "-F", "-c", str(tmp / "dovecot.conf")])
    try:
        imap = None
        for _ in range(50):
            try:
                imap = imaplib.IMAP4("127.0.0.1", args.port)
                break
            except OSError:
                time.sleep(0.2)
        if imap is None:
            raise RuntimeError("Dovecot did not start; see %s/dovecot.log" % tmp)
        imap.login(USER, PASSWORD)
        for m in messages:
            record(imap, m.stem, m.with_suffix(".golden"))
            print("recorded", m.stem)
        imap.logout()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        if args.keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
