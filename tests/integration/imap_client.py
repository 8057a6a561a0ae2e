"""imap_client - a byte-exact IMAP client for the integration tests, for what imaplib is too
lenient or too high-level to show: literals, pipelining, untagged responses between
commands, IDLE, garbage. Responses are kept as bytes; literals are read by their length and
appended to the line that announced them (RFC 3501 section 4.3).

    with RawImap(port) as c:
        c.greeting                      # b"* OK [CAPABILITY ...] mailroom ready."
        untagged, tagged = c.command("LOGIN ann secret")
        tagged                          # b"a1 OK [CAPABILITY ...] Logged in"
"""

import re
import socket
import ssl

LITERAL_AT_END = re.compile(rb"\{(\d+)\}$")


class RawImap:
    def __init__(self, port, host="127.0.0.1", tls=False, timeout=15, read_greeting=True):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            self.sock = self.insecure_context().wrap_socket(self.sock, server_hostname="localhost")
        self.buffer = b""
        self.counter = 0
        self.greeting = self.response_line() if read_greeting else None

    @staticmethod
    def insecure_context():
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def starttls(self):
        """After a tagged OK to STARTTLS: the handshake on the same socket."""
        assert self.buffer == b"", "plaintext left over after STARTTLS: %r" % self.buffer
        self.sock = self.insecure_context().wrap_socket(self.sock, server_hostname="localhost")

    # -- sending -------------------------------------------------------------------------
    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def next_tag(self):
        self.counter += 1
        return "a%d" % self.counter

    # -- receiving -----------------------------------------------------------------------
    def read_line(self):
        """One raw line without its CRLF; ConnectionError when the server closed."""
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed; unparsed: %r" % self.buffer[:200])
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_exact(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed inside a literal")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def response_line(self):
        """One response with its literals inlined: b'* 1 FETCH (BODY[] {3}\\r\\nabc)'."""
        line = self.read_line()
        while True:
            literal = LITERAL_AT_END.search(line)
            if not literal:
                return line
            line += b"\r\n" + self.read_exact(int(literal.group(1))) + self.read_line()

    def read_until_tagged(self, tag):
        untagged = []
        while True:
            line = self.response_line()
            if line.startswith(tag.encode() + b" "):
                return untagged, line
            untagged.append(line)

    def command(self, text, tag=None):
        """Sends `tag text` and returns (untagged lines, tagged line)."""
        tag = tag or self.next_tag()
        self.send("%s %s\r\n" % (tag, text) if isinstance(text, str) else tag.encode() + b" " + text + b"\r\n")
        return self.read_until_tagged(tag)

    def ok(self, text):
        """Like command(), but the tagged response must be OK; returns the untagged lines."""
        untagged, tagged = self.command(text)
        status = tagged.split(b" ", 2)[1]
        assert status == b"OK", "%s -> %r (untagged %r)" % (text, tagged, untagged)
        return untagged

    def login(self, user="ann", password="secret"):
        return self.ok("LOGIN %s %s" % (user, password))

    def status_of(self, tagged):
        return tagged.split(b" ", 2)[1].decode()
