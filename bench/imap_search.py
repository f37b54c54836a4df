#!/usr/bin/env python3
"""imap_search.py - SEARCH latency over one large mailbox (issue 3: full-text search <= 100 ms).

Usage: imap_search.py HOST PORT USER PASSWORD [REPS] [SERVER_PID]
Logs in, SELECTs INBOX, then runs each query REPS times (default 20) after one warm-up, timing from sending the
command to its tagged reply (the whole reply read). Prints one RESULT line per query: p50/p95/max in ms and hits,
and with SERVER_PID the server's CPU time per query (user+system from /proc, load-independent on a busy machine).
"""
import os
import socket
import statistics
import sys
import time

QUERIES = [
    ("rare word, TEXT", "SEARCH TEXT zyzzogeton"),
    ("rare word, BODY", "SEARCH BODY zyzzogeton"),
    ("rare word, UID SEARCH BODY", "UID SEARCH BODY zyzzogeton"),
    ("phrase, BODY", 'SEARCH BODY "budget review meeting"'),
    ("common word, TEXT", "SEARCH TEXT the"),
    ("common word, BODY", "SEARCH BODY office"),
    ("absent word, TEXT", "SEARCH TEXT qwxzjvk"),
    ("two-letter, BODY (word prefix)", "SEARCH BODY zy"),
    ("two-letter, TEXT (word prefix)", "SEARCH TEXT ab"),
    ("one-letter, TEXT (word prefix)", "SEARCH TEXT q"),
    ("two characters with punctuation, BODY (scan)", 'SEARCH BODY "y."'),
]


class Client:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=600)
        self.file = self.sock.makefile("rb")
        self.n = 0
        self.file.readline()

    def command(self, text):
        self.n += 1
        tag = f"t{self.n}"
        self.sock.sendall(f"{tag} {text}\r\n".encode())
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise RuntimeError("connection closed")
            if line.startswith(tag.encode() + b" "):
                return line.decode("latin-1").rstrip(), lines
            lines.append(line)


def cpu_ms(pid):
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def main():
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    reps = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    pid = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    c = Client(host, port)
    reply, _ = c.command(f"LOGIN {user} {password}")
    assert reply.split()[1] == "OK", reply
    started = time.monotonic()
    reply, lines = c.command("SELECT INBOX")
    exists = next((l.split()[1].decode() for l in lines if l.endswith(b"EXISTS\r\n")), "?")
    print(f"SELECT INBOX: {exists} messages, {(time.monotonic() - started) * 1000:.0f} ms", flush=True)
    for name, query in QUERIES:
        reply, lines = c.command(query)  # warm-up (also a backfill of the index, if any)
        assert reply.split()[1] == "OK", reply
        hits = sum(len(l.split()) - 2 for l in lines if l.startswith(b"* SEARCH"))
        times = []
        cpu_before = cpu_ms(pid)
        for _ in range(reps):
            started = time.monotonic()
            c.command(query)
            times.append((time.monotonic() - started) * 1000)
        cpu = (cpu_ms(pid) - cpu_before) / reps
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"RESULT query={query!r} kind={name!r} hits={hits} p50_ms={statistics.median(times):.1f} "
              f"p95_ms={p95:.1f} max_ms={times[-1]:.1f}" + (f" server_cpu_ms={cpu:.1f}" if pid else ""), flush=True)
    c.command("LOGOUT")


if __name__ == "__main__":
    main()
