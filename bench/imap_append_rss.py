#!/usr/bin/env python3
"""imap_append_rss.py - server RSS while a client streams one huge APPEND literal (issue 3: "RSS flat").

Usage: imap_append_rss.py HOST PORT USER PASSWORD PID MIB [MIB...]
For each size, sends `APPEND INBOX {n}` (synchronizing), streams n octets of 998-character lines, and samples
the server's VmRSS (process PID, /proc) before and every 10 MB while streaming and until the tagged reply.
Prints one RESULT line per size: mib, baseline_kib, peak_kib, growth_kib, growth_per_octet, reply.
"""
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    host, port, user, password, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    sizes = [int(a) for a in sys.argv[6:]]
    s = socket.create_connection((host, port), timeout=600)
    f = s.makefile("rb")

    def tagged(tag):
        while True:
            line = f.readline().decode("latin-1").rstrip("\r\n")
            if not line or line.startswith(tag + " "):
                return line

    f.readline()
    s.sendall(f"a LOGIN {user} {password}\r\n".encode())
    assert tagged("a").startswith("a OK")
    warm = b"Subject: warm\r\n\r\nwarm up body\r\n"
    s.sendall(b"w APPEND INBOX {%d+}\r\n" % len(warm) + warm + b"\r\n")
    assert tagged("w").startswith("w OK")
    line = b"x" * 998 + b"\r\n"
    chunk = line * 1000
    for i, mib in enumerate(sizes):
        size = mib * 1024 * 1024
        time.sleep(1)
        baseline = rss_kib(pid)
        peak = baseline
        tag = f"b{i}"
        s.sendall(f"{tag} APPEND INBOX {{{size}}}\r\n".encode())
        cont = f.readline()
        assert cont.startswith(b"+"), cont
        header = b"Subject: huge\r\n\r\n"
        s.sendall(header)
        sent = len(header)
        started = time.monotonic()
        while sent < size:
            n = min(len(chunk), size - sent)
            if n < len(chunk):
                tail = bytearray(b"x" * n)
                tail[-2:] = b"\r\n"
                s.sendall(tail)
            else:
                s.sendall(chunk)
            sent += n
            if (sent // len(chunk)) % 10 == 0:
                peak = max(peak, rss_kib(pid))
        s.sendall(b"\r\n")
        s.settimeout(0.2)
        reply = None
        buf = b""
        while reply is None:
            peak = max(peak, rss_kib(pid))
            try:
                data = s.recv(4096)
            except socket.timeout:
                continue
            if not data:
                reply = "(closed)"
                break
            buf += data
            for l in buf.split(b"\r\n"):
                if l.startswith(tag.encode() + b" "):
                    reply = l.decode("latin-1")
        s.settimeout(600)
        f = s.makefile("rb")
        secs = time.monotonic() - started
        growth = peak - baseline
        print(f"RESULT mib={mib} baseline_kib={baseline} peak_kib={peak} growth_kib={growth} "
              f"growth_per_octet={growth * 1024 / size:.3f} secs={secs:.1f} reply={reply!r}", flush=True)
    s.sendall(b"z LOGOUT\r\n")


if __name__ == "__main__":
    main()
