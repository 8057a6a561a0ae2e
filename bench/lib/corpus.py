"""bench/lib/corpus.py - reproducible benchmark messages (fixed seed): 2 KB, 20 KB and 200 KB
(weights 6:3:1, so a mailbox looks like real mail: mostly small), half plain text and half
multipart/mixed (a text part and a base64 attachment). Senders come from a pool of 40 names,
subjects and bodies from a word list, and the rare word "zephyrine" is in about 1 message of
50, so SEARCH has a few hits. Messages have LF line ends (Maildir files, procmail input);
crlf() makes the wire form."""

import base64
import os
import random

SIZES = (2048, 20480, 204800)
SIZE_WEIGHTS = (6, 3, 1)
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe",
         "amir", "bea", "chen", "dmitri", "eva", "farid", "gita", "hugo", "ines", "jonas",
         "kemal", "lena", "mateo", "nora", "oskar", "priya", "quinn", "rosa", "sven", "tomas"]
WORDS = ("meeting invoice report budget release server mailbox delivery schedule review draft "
         "project quarter summary network backup update security patch travel lunch offer "
         "contract customer support ticket order payment shipping account password holiday").split()
RARE_WORD = "zephyrine"


def _text(rng, size, rare):
    words = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    if rare:
        words.insert(rng.randrange(len(words)), RARE_WORD)
    lines = []
    for i in range(0, len(words), 12):
        lines.append(" ".join(words[i:i + 12]))
    return "\n".join(lines) + "\n"


def _headers(rng, index, subject):
    sender = rng.choice(NAMES)
    day = 1 + index % 28
    return ("From: %s <%s@example.org>\nTo: bench <bench@example.com>\nSubject: %s\n"
            "Date: Mon, %02d Nov 2026 %02d:%02d:%02d +0000\nMessage-ID: <bench.%d@example.org>\n"
            "MIME-Version: 1.0\n" % (sender.title(), sender, subject, day, index % 24, index % 60,
                                     (index * 7) % 60, index))


def message(seed, index):
    """Message number `index` of the corpus `seed`, as bytes with LF line ends."""
    rng = random.Random("%d/%d" % (seed, index))
    size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
    rare = rng.random() < 0.02
    subject = " ".join(rng.choice(WORDS) for _ in range(4)) + " #%d" % index
    head = _headers(rng, index, subject)
    if rng.random() < 0.5:
        body = _text(rng, size - len(head) - 60, rare)
        text = head + "Content-Type: text/plain; charset=us-ascii\n\n" + body
    else:
        boundary = "=_bench_%d" % index
        intro = _text(rng, min(1024, size // 4), rare)
        blob = rng.randbytes(max(0, (size - len(head) - len(intro) - 400) * 3 // 4))
        encoded = base64.encodebytes(blob).decode()
        text = (head + 'Content-Type: multipart/mixed; boundary="%s"\n\nThis is a multi-part message.\n'
                "--%s\nContent-Type: text/plain; charset=us-ascii\n\n%s"
                "--%s\nContent-Type: application/octet-stream; name=\"data%d.bin\"\n"
                "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"data%d.bin\"\n\n"
                "%s--%s--\n" % (boundary, boundary, intro, boundary, index, index, encoded, boundary))
    return text.encode()


def crlf(data):
    return data.replace(b"\n", b"\r\n")


def fill_maildir(maildir, seed, count, owner=None):
    """Writes messages 0..count-1 into MAILDIR/cur as already-seen mail with the S=size names
    both Dovecot and mailroom read; returns the total size. owner: (uid, gid) to chown to."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    total = 0
    for i in range(count):
        data = message(seed, i)
        total += len(data)
        name = "%d.M%dP1.bench,S=%d:2,S" % (1790000000 + i, i, len(data))
        path = os.path.join(maildir, "cur", name)
        with open(path, "wb") as f:
            f.write(data)
        if owner:
            os.chown(path, *owner)
    if owner:
        for root, dirs, _ in os.walk(maildir):
            os.chown(root, *owner)
    return total
