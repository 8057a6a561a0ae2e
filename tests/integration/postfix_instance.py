"""postfix_instance - a private Postfix for integration tests, next to mailroomd.

Everything lives in a scratch directory: config_directory (main.cf, master.cf),
queue_directory, data_directory and the log (maillog_file). It listens on loopback only, with
smtpd on a free high port, and is started and stopped with `postfix -c DIR`; /etc/postfix and
the system's instance are never touched. Needs root (Postfix's master runs as root and its
daemons as mail_owner) and Debian's postfix package.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from mailroom_harness import free_port, read_log, wait_for

MASTER_CF = """\
127.0.0.1:%(smtp_port)d inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def available():
    return os.geteuid() == 0 and shutil.which("postfix") is not None and os.path.isdir("/usr/lib/postfix/sbin")


class PostfixInstance:
    def __init__(self, **parameters):
        self.root = tempfile.mkdtemp(prefix="mailroom-postfix-")
        os.chmod(self.root, 0o755)
        self.config_dir = os.path.join(self.root, "etc")
        self.queue_dir = os.path.join(self.root, "queue")
        self.data_dir = os.path.join(self.root, "data")
        self.log_file = os.path.join(self.root, "maillog")
        for d in (self.config_dir, self.queue_dir, self.data_dir):
            os.makedirs(d)
        shutil.chown(self.data_dir, "postfix")
        self.smtp_port = free_port()
        self.parameters = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue_dir,
            "data_directory": self.data_dir,
            "maillog_file": self.log_file,
            "maillog_file_prefixes": self.root,
            "myhostname": "pf.example.com",
            "mydomain": "example.com",
            "mydestination": "pf.example.com, localhost",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "smtpd_reject_unlisted_recipient": "no",
            "biff": "no",
            "smtputf8_enable": "no",
            "relayhost": "[127.0.0.1]:9",   # nothing leaves the machine: remote mail is deferred
            "bounce_queue_lifetime": "0",
            "maximal_queue_lifetime": "1h",
        }
        self.parameters.update(parameters)

    @property
    def sendmail(self):
        """A sendmail_path that submits to this instance."""
        return "/usr/sbin/sendmail -C " + self.config_dir

    def postfix(self, *args):
        return subprocess.run(["postfix", "-c", self.config_dir] + list(args), capture_output=True, timeout=60,
                              env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "MAIL_CONFIG": self.config_dir})

    def start(self, timeout=20):
        with open(os.path.join(self.config_dir, "main.cf"), "w") as f:
            f.write("".join("%s = %s\n" % item for item in self.parameters.items()))
        with open(os.path.join(self.config_dir, "master.cf"), "w") as f:
            f.write(MASTER_CF % {"smtp_port": self.smtp_port})
        result = self.postfix("start")
        if result.returncode != 0:
            raise RuntimeError("postfix start failed: %s\n%s" % (result.stderr, self.log()))
        deadline = time.time() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1).close()
                return self
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("postfix smtpd did not start:\n" + self.log())
                time.sleep(0.1)

    def stop(self):
        self.postfix("stop")
        deadline = time.time() + 10
        while os.path.exists(os.path.join(self.data_dir, "master.lock")) and time.time() < deadline:
            result = self.postfix("status")
            if result.returncode != 0:
                break
            time.sleep(0.1)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self):
        return read_log(self.log_file)

    def wait_for_log(self, pattern, timeout=30):
        return wait_for(lambda: re.search(pattern, self.log(), re.M), timeout, interval=0.1,
                        failure=lambda: "no Postfix log line matches %r:\n%s" % (pattern, self.log()))
