"""A small SMTP relay sink for the mta tests: an asyncio server on 127.0.0.1 in a thread of its
own that records every message it accepts. `plan` decides the reply after DATA for each
attempt in turn (e.g. ["451 4.3.0 try later", "250 2.0.0 ok"]: the first attempt is deferred);
recipients whose local part starts with "reject" get 550 5.1.1 at RCPT time, "defer" 450 4.2.0.
With dsn=True (an attribute: it may change between connections) EHLO offers DSN (RFC 3461) and
`commands` shows the parameters the client sent. With lmtp=True
it speaks LMTP (LHLO, one reply per accepted recipient after DATA, RFC 2033); `delay` seconds
pass before the reply to DATA, so concurrent deliveries overlap (`max_active` counts them);
`close_after` transactions the sink closes the connection by itself, as a server whose idle
timeout expired does; `connections` counts the connections."""

import asyncio
import threading


class SmtpSink:
    def __init__(self, plan=("250 2.0.0 Ok: queued",), lmtp=False, delay=0, close_after=None, dsn=False):
        self.plan = list(plan)
        self.dsn = dsn
        self.lmtp, self.delay, self.close_after = lmtp, delay, close_after
        self.connections = self.active = self.max_active = 0
        self.attempts = 0
        self.messages = []          # (sender, [recipients], bytes)
        self.commands = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(5)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _session(self, reader, writer):
        def send(line):
            writer.write(line.encode() + b"\r\n")

        send("220 sink.example " + ("LMTP" if self.lmtp else "ESMTP"))
        self.connections += 1
        sender, recipients, transactions = None, [], 0
        while self.close_after is None or transactions < self.close_after:
            line = await reader.readline()
            if not line:
                break
            command = line.decode(errors="replace").strip()
            self.commands.append(command)
            verb = command[:4].upper()
            if verb == ("LHLO" if self.lmtp else "EHLO"):
                send("250-sink.example")
                send("250-8BITMIME")
                if self.dsn:
                    send("250-DSN")
                send("250 PIPELINING")
            elif verb == "MAIL":
                sender, recipients = command[10:].split(">")[0].lstrip("<"), []
                send("250 2.1.0 Ok")
            elif verb == "RCPT":
                address = command[8:].split(">")[0].lstrip("<")
                if address.startswith("reject"):
                    send("550 5.1.1 <%s>: Recipient address rejected: User unknown" % address)
                elif address.startswith("defer"):
                    send("450 4.2.0 <%s>: Recipient address rejected: try again later" % address)
                else:
                    recipients.append(address)
                    send("250 2.1.5 Ok")
            elif verb == "DATA":
                send("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while True:
                    chunk = await reader.readline()
                    if chunk in (b".\r\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.active += 1
                self.max_active = max(self.max_active, self.active)
                await asyncio.sleep(self.delay)
                self.active -= 1
                reply = self.plan[min(self.attempts, len(self.plan) - 1)]
                self.attempts += 1
                transactions += 1
                if reply.startswith("250"):
                    self.messages.append((sender, recipients, data))
                for _ in (recipients if self.lmtp else [None]):
                    send(reply)
            elif verb == "QUIT":
                send("221 2.0.0 Bye")
                await writer.drain()
                break
            else:
                send("250 2.0.0 Ok")
            await writer.drain()
        writer.close()
