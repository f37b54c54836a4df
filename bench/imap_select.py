#!/usr/bin/env python3
"""imap_select.py - the cost of a large mailbox to an IMAP server (issue 3 / issue 7 webmail list).

usage: imap_select.py HOST PORT USER PASS REPS SESSIONS SERVER_PID [LABEL]

Against a server whose INBOX holds a large mailbox (100,000 messages) it measures, over raw sockets:
  select_cold   the first SELECT INBOX after the server started (nothing cached), ms
  select_warm   SELECT INBOX by a new session while another holds the mailbox selected, p50/p95 ms over REPS
  sort_partial  UID SORT RETURN (PARTIAL 1:50) (REVERSE ARRIVAL) UTF-8 ALL (skipped without PARTIAL), ms and bytes
  sort_all      UID SORT RETURN (ALL) (REVERSE ARRIVAL) UTF-8 ALL, ms and bytes
  search_all    UID SEARCH RETURN (ALL) ALL, ms and bytes
  rss           server VmRSS before and after SESSIONS sessions that each LOGIN and SELECT INBOX (all kept open),
                growth per session in KiB (SERVER_PID may be 0 to skip; for a multi-process server give a pattern
                of process names through RSS_PATTERN and the sum of their VmRSS is used)
Prints RESULT lines.
"""
import os
import re
import socket
import statistics
import sys
import time


class Imap:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=600)
        self.buf = b""
        self.tag = 0
        self.line()  # greeting

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def command(self, text):
        """Sends one command; returns (ms, response bytes, lines)."""
        self.tag += 1
        tag = b"t%d" % self.tag
        start = time.perf_counter()
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        lines = []
        size = 0
        while True:
            line = self.line()
            size += len(line) + 2
            lines.append(line)
            m = re.search(rb"\{(\d+)\}$", line)
            if m:  # a literal: read it whole
                need = int(m.group(1))
                while len(self.buf) < need:
                    self.buf += self.sock.recv(1 << 20)
                self.buf = self.buf[need:]
                size += need
            if line.startswith(tag + b" "):
                ms = (time.perf_counter() - start) * 1000
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError(f"{text!r}: {line!r}")
                return ms, size, lines

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def login(host, port, user, password):
    c = Imap(host, port)
    c.command(f'LOGIN "{user}" "{password}"')
    return c


def rss_kib(pid):
    pattern = os.environ.get("RSS_PATTERN")
    total = 0
    if pattern:
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open(f"/proc/{p}/comm") as f:
                    if not re.fullmatch(pattern, f.read().strip()):
                        continue
                with open(f"/proc/{p}/status") as f:
                    total += int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
            except (OSError, AttributeError):
                continue
        return total
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    reps, sessions, pid = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    label = sys.argv[8] if len(sys.argv) > 8 else "ours"

    first = login(host, port, user, password)
    caps = b" ".join(first.command("CAPABILITY")[2])
    ms, _, lines = first.command("SELECT INBOX")
    exists = next(int(l.split()[1]) for l in lines if l.endswith(b" EXISTS"))
    print(f"RESULT {label} messages={exists}")
    print(f"RESULT {label} select_cold ms={ms:.1f}")

    warm = []
    for _ in range(reps):
        c = login(host, port, user, password)
        warm.append(c.command("SELECT INBOX")[0])
        c.close()
    print(f"RESULT {label} select_warm n={reps} p50_ms={statistics.median(warm):.1f} p95_ms={pct(warm, 95):.1f}")

    def bench(name, text):
        times, size = [], 0
        for _ in range(reps):
            ms, size, _ = first.command(text)
            times.append(ms)
        print(f"RESULT {label} {name} n={reps} p50_ms={statistics.median(times):.1f} p95_ms={pct(times, 95):.1f} bytes={size}")

    if b" PARTIAL" in caps:
        bench("sort_partial", "UID SORT RETURN (PARTIAL 1:50) (REVERSE ARRIVAL) UTF-8 ALL")
        bench("search_partial_last", "UID SEARCH RETURN (PARTIAL -1:-50) ALL")
    bench("sort_all", "UID SORT RETURN (ALL) (REVERSE ARRIVAL) UTF-8 ALL")
    bench("search_all", "UID SEARCH RETURN (ALL) ALL")
    bench("fetch_page", "UID FETCH 99951:100000 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)")

    if pid or os.environ.get("RSS_PATTERN"):
        time.sleep(2)
        before = rss_kib(pid)
        held = []
        for _ in range(sessions):
            c = login(host, port, user, password)
            c.command("SELECT INBOX")
            held.append(c)
        time.sleep(5)
        after = rss_kib(pid)
        print(f"RESULT {label} rss sessions={sessions} before_kib={before} after_kib={after} per_session_kib={(after - before) / sessions:.1f}")
        for c in held:
            c.close()
    first.close()


if __name__ == "__main__":
    main()
