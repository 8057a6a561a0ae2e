"""bench/lib/servers.py - the two servers under test behind one interface: mailroom (the
build tree's mailroomd, started by tests/integration/mailroom_harness.py) and Dovecot
(dovecot.py). Both get the same users with the same uids, and each keeps its mail in
HOME/Maildir under its own scratch directory."""

import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
from mailroom_harness import Mailroom  # noqa: E402

from dovecot import Dovecot  # noqa: E402
import procstat  # noqa: E402


def extra_parameters():
    """MAILROOM_BENCH_PARAMETERS="name=value ...": mailroom parameters to compare one setting
    against another (bench/README.md)."""
    return dict(item.split("=", 1) for item in os.environ.get("MAILROOM_BENCH_PARAMETERS", "").split())


class MailroomServer:
    name = "mailroom"
    index_prefix = "mailroom"   # mailroom-uidlist, mailroom.index*, beside the Maildir

    def __init__(self, connections):
        parameters = dict(connection_limit=str(connections + 500), client_connection_limit=str(connections + 500),
                          mailbox_size_limit="0", imap_idle_notify_interval="30m", io_threads="2",
                          blocking_threads="4")
        parameters.update(extra_parameters())
        self.m = Mailroom(services=["lmtp", "imap", "pop3"], **parameters)

    def add_user(self, name):
        user = self.m.add_user(name)
        return user.uid, user.gid

    def maildir(self, name):
        return self.m.users[name].maildir()

    def port(self, service):
        return self.m.port(service)

    def pid(self):
        return self.m.process.pid

    def start(self):
        self.m.start()

    def stop(self):
        self.m.stop()

    def log(self):
        return self.m.log()[-4000:]

    def cleanup(self):
        self.m.cleanup()


class DovecotServer:
    name = "dovecot"
    index_prefix = "dovecot"    # dovecot-uidlist, dovecot.index*, dovecot.list.index*

    def __init__(self, connections):
        self.d = Dovecot(process_limit=connections + 500)

    def add_user(self, name, uid, gid):
        self.d.add_user(name, uid, gid)

    def maildir(self, name):
        return self.d.maildir(name)

    def port(self, service):
        return self.d.port(service)

    def pid(self):
        return self.d.pid()

    def start(self):
        self.d.start()

    def stop(self):
        self.d.stop()

    def log(self):
        return self.d.log()

    def cleanup(self):
        self.d.cleanup()


def cpu_seconds(server):
    return procstat.cpu_seconds(server.pid())


def memory_kib(server):
    return procstat.memory_kib(server.pid())


def drop_index(server, user):
    """Removes the server's index files of the user's INBOX (the server must be stopped)."""
    for path in glob.glob(os.path.join(server.maildir(user), server.index_prefix + "*")):
        os.remove(path)
