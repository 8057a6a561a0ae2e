"""mailroom_harness - run a real mailroomd from the build tree for integration tests.

A Mailroom object owns a scratch directory with a configuration file, a Dovecot-style users
file, home directories and a data directory. start() picks free loopback ports for the
services asked for (lmtp, imap, pop3, ...: each becomes NAME_listen = 127.0.0.1:PORT), runs
`mailroomd -f -c FILE` with its log on a file, and waits until every port accepts
connections; stop() sends SIGTERM (kill() sends SIGKILL, for crash tests). The build tree is
found through the MAILROOM_BUILD_DIR environment variable (ctest sets it).

    with Mailroom(services=["lmtp"]) as m:
        m.add_user("ann")
        m.start()
        ... smtplib.LMTP("127.0.0.1", m.port("lmtp")) ...

Users get their own uid/gid when the tests run as root (so ownership checks are real), or the
test's own uid otherwise. Nothing outside the scratch directory is touched.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

FIRST_TEST_UID = 23000   # uids with no account, for users of the users file when running as root


def program(name):
    """Path of a program built in the build tree (mailroomd, mailroom)."""
    path = os.path.join(os.environ.get("MAILROOM_BUILD_DIR", ""), "core", "programs", name)
    if not os.access(path, os.X_OK):
        raise RuntimeError("%s not found: set MAILROOM_BUILD_DIR to the build directory" % path)
    return path


def wait_for(predicate, timeout=15, interval=0.05, failure=lambda: "timed out waiting"):
    """Calls `predicate` until it returns something true, and returns that; after `timeout`
    seconds raises AssertionError with the text `failure()` gives."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() >= deadline:
            raise AssertionError(failure())
        time.sleep(interval)


def read_log(path):
    """A log file's text so far ("" before it exists)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class User:
    def __init__(self, name, uid, gid, home):
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home

    def maildir(self, folder=None):
        base = os.path.join(self.home, "Maildir")
        return base if folder is None else os.path.join(base, "." + folder)


class Mailroom:
    def __init__(self, services=("lmtp",), unix_sockets=(), **parameters):
        """services: listeners on free loopback ports; unix_sockets: listeners on unix sockets
        in the scratch directory (socket_path(name) tells where). Other keyword arguments are
        configuration parameters."""
        self.root = tempfile.mkdtemp(prefix="mailroom-it-")
        os.chmod(self.root, 0o755)
        self.services = list(services)
        self.unix_sockets = list(unix_sockets)
        self.users = {}
        self.user_lines = []
        self.data_dir = self.path("data")
        os.makedirs(self.data_dir)
        self.config_file = self.path("mailroom.conf")
        self.users_file = self.path("users")
        self.log_file = self.path("mailroomd.log")
        self.ports = {}
        self.process = None
        self.parameters = {
            "myhostname": "mail.example.com",
            "mydestination": "$myhostname, localhost, example.com",
            "user_database": "passwd-file:" + self.users_file,
            "data_directory": self.data_dir,
            "pid_file": self.path("data", "mailroomd.pid"),
            "log_destination": "stderr",
            "home_mailbox": "Maildir/",
            "alias_maps": "hash:" + self.path("aliases"),
            "io_threads": "2",
            "blocking_threads": "4",
            "shutdown_timeout": "3s",
        }
        self.parameters.update(parameters)
        self.write_file("aliases", "")

    # -- files -------------------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write_file(self, relative, text, mode=0o644, owner=None):
        """Writes a file under the scratch directory (bytes or str); returns its path."""
        path = relative if os.path.isabs(relative) else self.path(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text.encode() if isinstance(text, str) else text)
        os.chmod(path, mode)
        if owner is not None and os.geteuid() == 0:
            os.chown(path, owner.uid, owner.gid)
        return path

    def add_user(self, name, password="secret", extra="", home=None, uid=None, gid=None):
        """Adds a users-file entry ("ann" or "ann@example.net") with a home of its own."""
        if os.geteuid() == 0:
            uid = uid if uid is not None else FIRST_TEST_UID + len(self.users)
            gid = gid if gid is not None else uid
        else:
            uid, gid = os.getuid(), os.getgid()
        home = home or self.path("home", name)
        os.makedirs(home, exist_ok=True)
        os.chmod(home, 0o755)
        if os.geteuid() == 0:
            os.chown(home, uid, gid)
        self.user_lines.append("%s:{PLAIN}%s:%d:%d::%s:/bin/sh:%s" % (name, password, uid, gid, home, extra))
        with open(self.users_file, "w") as f:
            f.write("\n".join(self.user_lines) + "\n")
        user = User(name, uid, gid, home)
        self.users[name] = user
        return user

    def enable_tls(self):
        """A self-signed certificate for localhost in the scratch directory, used by STARTTLS,
        STLS and the implicit-TLS services (imaps, pop3s). Returns the certificate's path."""
        cert, key = self.path("tls", "cert.pem"), self.path("tls", "key.pem")
        if not os.path.exists(cert):
            os.makedirs(self.path("tls"), exist_ok=True)
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            os.chmod(key, 0o600)
        self.parameters["tls_cert_file"] = cert
        self.parameters["tls_key_file"] = key
        return cert

    def write_config(self):
        # Atomically, and only when it changed: tests run `mailroom` from several threads.
        text = "\n".join("%s = %s" % (k, v) for k, v in self.parameters.items()) + "\n"
        try:
            with open(self.config_file) as f:
                unchanged = f.read() == text
        except FileNotFoundError:
            unchanged = False
        if not unchanged:
            temporary = "%s.%d.%d" % (self.config_file, os.getpid(), threading.get_ident())
            with open(temporary, "w") as f:
                f.write(text)
            os.replace(temporary, self.config_file)
        if not os.path.exists(self.users_file):
            open(self.users_file, "w").close()

    # -- the daemon --------------------------------------------------------------------
    def socket_path(self, service):
        return self.path(service + ".sock")

    def start(self, timeout=15):
        waiting = {}
        for service in self.services:
            if service not in self.ports:
                self.ports[service] = free_port()
            self.parameters[service + "_listen"] = "127.0.0.1:%d" % self.ports[service]
            waiting[service] = (socket.AF_INET, ("127.0.0.1", self.ports[service]))
        for service in self.unix_sockets:
            self.parameters[service + "_listen"] = "unix:" + self.socket_path(service)
            waiting[service + " (unix)"] = (socket.AF_UNIX, self.socket_path(service))
        self.write_config()
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen([program("mailroomd"), "-f", "-c", self.config_file],
                                            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while waiting:
            if self.process.poll() is not None:
                raise RuntimeError("mailroomd exited with %s:\n%s" % (self.process.returncode, self.log()))
            if time.time() > deadline:
                raise RuntimeError("mailroomd did not open its ports:\n" + self.log())
            for name, (family, address) in list(waiting.items()):
                try:
                    with socket.socket(family, socket.SOCK_STREAM) as probe:
                        probe.settimeout(1)
                        probe.connect(address)
                    del waiting[name]
                except OSError:
                    pass
            time.sleep(0.05)
        return self

    def port(self, service="lmtp"):
        return self.ports[service]

    def stop(self, timeout=10):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self):
        """SIGKILL: no goodbye, nothing flushed; for crash-safety tests."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def reload(self):
        self.write_config()
        self.process.send_signal(signal.SIGHUP)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    # -- the mailroom command ----------------------------------------------------------
    def mailroom(self, *args, input=None, env=None, user=None, timeout=60):
        """Runs `mailroom -c FILE ARGS...`; with `user`, as that user (needs root)."""
        self.write_config()
        preexec = None
        if user is not None and os.geteuid() == 0:
            def preexec():
                os.setgroups([user.gid])
                os.setgid(user.gid)
                os.setuid(user.uid)
        return subprocess.run([program("mailroom"), "-c", self.config_file] + list(args), input=input,
                              env=env if env is not None else {"PATH": "/usr/bin:/bin"},
                              capture_output=True, timeout=timeout, preexec_fn=preexec)

    # -- what happened -----------------------------------------------------------------
    def log(self):
        return read_log(self.log_file)

    def wait_for_log(self, pattern, timeout=10):
        """Waits until a log line matches the regular expression; returns the match."""
        return wait_for(lambda: re.search(pattern, self.log(), re.M), timeout,
                        failure=lambda: "no log line matches %r:\n%s" % (pattern, self.log()))


def maildir_messages(maildir):
    """The messages in a Maildir's new/ and cur/, as bytes, in file-name order."""
    found = []
    for sub in ("new", "cur"):
        directory = os.path.join(maildir, sub)
        if os.path.isdir(directory):
            for name in sorted(os.listdir(directory)):
                with open(os.path.join(directory, name), "rb") as f:
                    found.append(f.read())
    return found


def body_of(stored):
    """What follows the trace headers mailroom added (Return-Path, Delivered-To, Received)."""
    lines = stored.split(b"\n")
    i = 0
    while i < len(lines) and (lines[i].startswith((b"Return-Path:", b"Delivered-To:", b"Received:", b"\t"))):
        i += 1
    return b"\n".join(lines[i:])


class LmtpClient:
    """A byte-exact LMTP client (smtplib.LMTP reads one reply after DATA and knows no BDAT).
    `address` is a port on 127.0.0.1 or a unix socket path."""

    def __init__(self, address, timeout=30):
        if isinstance(address, str):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(address)
        else:
            self.sock = socket.create_connection(("127.0.0.1", address), timeout=timeout)
        self.buffer = b""
        self.greeting = self.reply()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed; unparsed: %r" % self.buffer)
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self):
        """One (code, text) reply; multi-line text joined with newlines."""
        lines = []
        while True:
            line = self.line()
            lines.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), "\n".join(lines)

    def command(self, text):
        self.send(text + "\r\n")
        return self.reply()

    def replies(self, count):
        return [self.reply() for _ in range(count)]

    def close(self):
        self.sock.close()
