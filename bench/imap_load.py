#!/usr/bin/env python3
"""imap_load.py - IMAP load generator modelled on imaptest's default command mix.

Each client loops over sessions; one session is, with imaptest's default probabilities:
  connect, LOGIN (100%), LIST "" * (50%), STATUS INBOX (50%), SELECT INBOX (100%),
  FETCH <range> (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE) (100%), FETCH <n> BODY.PEEK[] (100%),
  COPY <range> INBOX (33%), STORE <range> +/-FLAGS (random flags) (50%),
  STORE <range> +FLAGS \\Deleted when the mailbox is above --msgs messages (100%), EXPUNGE (100%),
  APPEND one message of the mbox (100%), LOGOUT (100%).
Client i logs in as user template % (i % users + 1). APPEND uses a synchronizing literal (no LITERAL+), the
same on every server. Latency is taken from the command's first byte to its tagged reply.

Modes:
  seed   HOST PORT: empty each user's INBOX and APPEND --msgs messages from --mbox (same contents everywhere)
  mix    HOST PORT: the default mix for --secs seconds with --clients clients
  login  HOST PORT: connect + LOGIN + LOGOUT in a loop (login rate)
Output: one line "RESULT key=value ..." plus one "CMD name n=.. p50_ms=.. p99_ms=.." line per command.
"""
import argparse
import asyncio
import random
import re
import sys
import time

EXISTS = re.compile(rb"^\* (\d+) EXISTS")
EXPUNGE = re.compile(rb"^\* (\d+) EXPUNGE")
LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")
FLAGS = [b"\\Seen", b"\\Flagged", b"\\Answered", b"\\Draft", b"$Label1", b"$Label2"]


def read_mbox(path):
    """Messages of an mbox file (split on 'From ' lines), CRLF line ends."""
    messages, current = [], None
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"From "):
                if current is not None:
                    messages.append(current)
                current = []
                continue
            if current is not None:
                current.append(line.rstrip(b"\r\n") + b"\r\n")
    if current is not None:
        messages.append(current)
    out = []
    for m in messages:
        while m and m[-1] == b"\r\n":
            m.pop()
        out.append(b"".join(m))
    return out


class ImapError(Exception):
    pass


class Client:
    def __init__(self, reader, writer):
        self.r, self.w, self.n, self.exists = reader, writer, 0, 0

    @classmethod
    async def connect(cls, host, port):
        r, w = await asyncio.open_connection(host, port, limit=1 << 20)
        c = cls(r, w)
        greeting = await r.readline()
        if not greeting.startswith(b"* OK"):
            raise ImapError("greeting " + greeting[:60].decode(errors="replace"))
        return c

    async def _line(self):
        """One response line with any literals inlined."""
        line = await self.r.readline()
        if not line:
            raise ImapError("connection closed")
        parts = [line]
        while (m := LITERAL.search(line)) is not None:
            parts.append(await self.r.readexactly(int(m.group(1))))
            line = await self.r.readline()
            parts.append(line)
        return b"".join(parts)

    def _track(self, line):
        if (m := EXISTS.match(line)) is not None:
            self.exists = int(m.group(1))
        elif EXPUNGE.match(line) is not None:
            self.exists -= 1

    async def command(self, text, literal=None):
        """Sends a command (text without tag/CRLF; with literal, text ends with {n}); returns the tagged line."""
        self.n += 1
        tag = b"a%d" % self.n
        if literal is None:
            self.w.write(tag + b" " + text + b"\r\n")
        else:
            self.w.write(tag + b" " + text + b"\r\n")
            while True:
                line = await self._line()
                if line.startswith(b"+"):
                    break
                if line.startswith(tag + b" "):
                    raise ImapError(line[:80].decode(errors="replace"))
                self._track(line)
            self.w.write(literal + b"\r\n")
        while True:
            line = await self._line()
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise ImapError(text[:40].decode(errors="replace") + ": " + line[:100].decode(errors="replace"))
                return line
            self._track(line)

    async def close(self):
        try:
            self.w.close()
            await self.w.wait_closed()
        except Exception:
            pass


class Stats:
    def __init__(self):
        self.lat = {}
        self.errors = {}
        self.sessions = 0

    def add(self, name, seconds):
        self.lat.setdefault(name, []).append(seconds)

    def error(self, e):
        key = f"{type(e).__name__}: {e}"[:100]
        self.errors[key] = self.errors.get(key, 0) + 1


async def timed(stats, name, coro):
    t = time.perf_counter()
    result = await coro
    stats.add(name, time.perf_counter() - t)
    return result


def rand_range(rnd, exists):
    a = rnd.randint(1, exists)
    b = min(exists, a + rnd.randint(0, 4))
    return b"%d" % a if a == b else b"%d:%d" % (a, b)


async def mix_session(a, i, stats, rnd, messages, stop):
    user = (a.user % (i % a.users + 1)).encode()
    t = time.perf_counter()
    c = await Client.connect(a.host, a.port)
    try:
        await c.command(b'LOGIN "%s" "%s"' % (user, a.password.encode()))
        stats.add("LOGIN", time.perf_counter() - t)  # connect + greeting + LOGIN, as a client sees it
        if rnd.random() < 0.5:
            await timed(stats, "LIST", c.command(b'LIST "" *'))
        if rnd.random() < 0.5:
            await timed(stats, "STATUS", c.command(b"STATUS INBOX (MESSAGES UNSEEN UIDNEXT)"))
        await timed(stats, "SELECT", c.command(b"SELECT INBOX"))
        if c.exists > 0:
            await timed(stats, "FETCH", c.command(b"FETCH " + rand_range(rnd, c.exists) + b" (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)"))
        if c.exists > 0:
            await timed(stats, "FETCH_BODY", c.command(b"FETCH %d BODY.PEEK[]" % rnd.randint(1, c.exists)))
        if c.exists > 0 and rnd.random() < 0.33:
            await timed(stats, "COPY", c.command(b"COPY " + rand_range(rnd, c.exists) + b" INBOX"))
        if c.exists > 0 and rnd.random() < 0.5:
            flags = b" ".join(rnd.sample(FLAGS, rnd.randint(1, 3)))
            await timed(stats, "STORE", c.command(b"STORE " + rand_range(rnd, c.exists) + (b" +FLAGS (" if rnd.random() < 0.7 else b" -FLAGS (") + flags + b")"))
        if c.exists > a.msgs:
            await timed(stats, "STORE_DELETED", c.command(b"STORE 1:%d +FLAGS.SILENT (\\Deleted)" % min(c.exists - a.msgs, c.exists)))
        await timed(stats, "EXPUNGE", c.command(b"EXPUNGE"))
        body = messages[rnd.randrange(len(messages))]
        await timed(stats, "APPEND", c.command(b"APPEND INBOX {%d}" % len(body), literal=body))
        await timed(stats, "LOGOUT", c.command(b"LOGOUT"))
        stats.sessions += 1
    finally:
        await c.close()


async def client_loop(a, i, stats, messages, stop, session):
    rnd = random.Random(a.seed * 1000 + i)
    while not stop.is_set():
        try:
            await session(a, i, stats, rnd, messages, stop)
        except (ImapError, OSError, asyncio.IncompleteReadError) as e:
            if not stop.is_set():
                stats.error(e)
                await asyncio.sleep(0.05)


async def login_session(a, i, stats, rnd, messages, stop):
    user = (a.user % (i % a.users + 1)).encode()
    t = time.perf_counter()
    c = await Client.connect(a.host, a.port)
    try:
        await c.command(b'LOGIN "%s" "%s"' % (user, a.password.encode()))
        stats.add("LOGIN", time.perf_counter() - t)
        await timed(stats, "LOGOUT", c.command(b"LOGOUT"))
        stats.sessions += 1
    finally:
        await c.close()


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] * 1000


async def run(a, session):
    messages = read_mbox(a.mbox)
    stats = Stats()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(client_loop(a, i, stats, messages, stop, session)) for i in range(a.clients)]
    await asyncio.sleep(a.warmup)
    stats.lat.clear(); stats.errors.clear(); stats.sessions = 0
    t0 = time.perf_counter()
    await asyncio.sleep(a.secs)
    elapsed = time.perf_counter() - t0
    snapshot = {k: list(v) for k, v in stats.lat.items()}
    sessions, errors = stats.sessions, dict(stats.errors)
    stop.set()
    await asyncio.wait(tasks, timeout=30)
    total = sum(len(v) for v in snapshot.values())
    logins = len(snapshot.get("LOGIN", []))
    print(f"RESULT mode={a.mode} clients={a.clients} secs={elapsed:.1f} commands={total} commands_per_s={total / elapsed:.1f} "
          f"logins_per_s={logins / elapsed:.1f} sessions={sessions} errors={sum(errors.values())}", flush=True)
    for name in ["LOGIN", "LIST", "STATUS", "SELECT", "FETCH", "FETCH_BODY", "COPY", "STORE", "STORE_DELETED", "EXPUNGE", "APPEND", "LOGOUT"]:
        v = snapshot.get(name)
        if v:
            print(f"CMD {name} n={len(v)} per_s={len(v) / elapsed:.1f} p50_ms={pct(v, 50):.2f} p99_ms={pct(v, 99):.2f}", flush=True)
    for k, n in sorted(errors.items(), key=lambda kv: -kv[1])[:5]:
        print(f"ERROR x{n}: {k}", flush=True)


async def seed(a):
    messages = read_mbox(a.mbox)
    for u in range(1, a.users + 1):
        c = await Client.connect(a.host, a.port)
        await c.command(b'LOGIN "%s" "%s"' % ((a.user % u).encode(), a.password.encode()))
        await c.command(b"SELECT INBOX")
        if c.exists > 0:
            await c.command(b"STORE 1:* +FLAGS.SILENT (\\Deleted)")
            await c.command(b"EXPUNGE")
        for k in range(a.msgs):
            body = messages[k % len(messages)]
            await c.command(b"APPEND INBOX {%d}" % len(body), literal=body)
        await c.command(b"LOGOUT")
        await c.close()
    print(f"seeded {a.users} users x {a.msgs} messages", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["seed", "mix", "login"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--user", default="user%d")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--password", default="pass")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--secs", type=float, default=30)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--msgs", type=int, default=30)
    p.add_argument("--mbox", required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.mode == "seed":
        asyncio.run(seed(a))
    else:
        asyncio.run(run(a, mix_session if a.mode == "mix" else login_session))


if __name__ == "__main__":
    sys.exit(main())
