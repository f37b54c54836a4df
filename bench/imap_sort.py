#!/usr/bin/env python3
"""imap_sort.py - SORT (RFC 5256) on one large mailbox, ours and Dovecot side by side, and a correctness check.

  imap_sort.py time  NAME HOST PORT USER PASSWORD REPS PIDSPEC [MAILBOX]   timings of one server
  imap_sort.py cold  NAME HOST PORT USER PASSWORD PIDSPEC [MAILBOX]        first SELECT + first SORTs after a restart
  imap_sort.py check CORPUS HOST1 PORT1 USER1 PASS1 HOST2 PORT2 USER2 PASS2 [MAILBOX]
  imap_sort.py table RESULTS_FILE                                            markdown table of the RESULT lines, with ratios

time: SELECT, then per query one first (cold for that key) run and REPS warm runs, timed from sending the command to
its tagged reply (whole reply read). PIDSPEC is the server's pid, or "children:PID" for Dovecot (the CPU of the imap
processes under its master); CPU time per command (user+system from /proc) is printed beside wall time, since on a
busy machine wall time includes waiting for a core. Prints one "RESULT name query first_ms p50_ms p95_ms cpu_ms" line
per query. Queries: UID SORT (X) of the whole mailbox for FROM, SUBJECT, SIZE, DATE (both servers), then the webmail's
paged form: UID SORT RETURN (PARTIAL 1:50) where the server has PARTIAL (RFC 9394), else RETURN (MIN) (ESORT, RFC
5267: the whole sort, a short reply).
check: APPENDs the corpus files (name order, same INTERNALDATE) into a new MAILBOX on both servers and compares the
SORT result of every criterion; prints "SAME" or the first differences with the messages' header fields.
"""
import os
import re
import statistics
import sys
import time


class Client:
    def __init__(self, host, port):
        import socket
        self.sock = socket.create_connection((host, int(port)), timeout=900)
        self.file = self.sock.makefile("rb")
        self.n = 0
        self.file.readline()
        self.capabilities = ""

    def command(self, text, literal=None):
        self.n += 1
        tag = f"t{self.n}"
        if literal is None:
            self.sock.sendall(f"{tag} {text}\r\n".encode())
        else:
            self.sock.sendall(f"{tag} {text} {{{len(literal)}+}}\r\n".encode() + literal + b"\r\n")
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise RuntimeError("connection closed")
            m = re.search(rb"\{(\d+)\}\r\n$", line)
            if m:
                line += self.file.read(int(m.group(1))) + self.file.readline()
            if line.startswith(tag.encode() + b" "):
                return line.decode("latin-1").rstrip(), lines
            lines.append(line)

    def login(self, user, password):
        reply, _ = self.command(f"LOGIN {user} {password}")
        assert reply.split()[1] == "OK", reply
        _, lines = self.command("CAPABILITY")
        self.capabilities = b" ".join(lines).decode("latin-1").upper()


def cpu_ms(spec):
    if not spec or spec == "0":
        return 0.0
    pids = [spec]
    if spec.startswith("children:"):
        master = spec.split(":", 1)[1]
        pids = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/stat") as f:
                        st = f.read()
                    comm = st[st.index("(") + 1:st.rindex(")")]
                    ppid = st.rsplit(")", 1)[1].split()[1]
                    if comm == "imap" and ppid == master:
                        pids.append(p)
                except (OSError, ValueError):
                    pass
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total * 1000.0 / os.sysconf("SC_CLK_TCK")


def timed(c, query):
    started = time.monotonic()
    reply, lines = c.command(query)
    assert reply.split()[1] == "OK", (query, reply)
    return (time.monotonic() - started) * 1000, lines


def select(c, mailbox):
    started = time.monotonic()
    reply, lines = c.command(f"SELECT {mailbox}")
    assert reply.split()[1] == "OK", reply
    exists = next((l.split()[1].decode() for l in lines if l.rstrip().endswith(b"EXISTS")), "?")
    return exists, (time.monotonic() - started) * 1000


def queries(c):
    paged = "RETURN (PARTIAL 1:50)" if " PARTIAL" in c.capabilities else "RETURN (MIN)"
    q = [(k, f"UID SORT ({k}) UTF-8 ALL") for k in ("FROM", "SUBJECT", "SIZE", "DATE")]
    q += [(f"{k}, page", f"UID SORT {paged} ({k}) UTF-8 ALL") for k in ("FROM", "SUBJECT", "REVERSE DATE")]
    return q


def cmd_time(name, host, port, user, password, reps, pidspec, mailbox="INBOX"):
    c = Client(host, port)
    c.login(user, password)
    exists, ms = select(c, mailbox)
    print(f"{name}: SELECT {mailbox}: {exists} messages, {ms:.0f} ms", flush=True)
    for label, query in queries(c):
        cpu0 = cpu_ms(pidspec)
        first, lines = timed(c, query)
        first_cpu = cpu_ms(pidspec) - cpu0
        count = sum(len(l.split()) - 2 for l in lines if l.startswith(b"* SORT"))
        times = []
        cpu0 = cpu_ms(pidspec)
        for _ in range(int(reps)):
            ms, _ = timed(c, query)
            times.append(ms)
        cpu = (cpu_ms(pidspec) - cpu0) / max(1, int(reps))
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"RESULT {name} \"{label}\" first {first:.1f} ms (cpu {first_cpu:.0f}) p50 {statistics.median(times):.1f} ms "
              f"p95 {p95:.1f} ms cpu {cpu:.1f} ms ({count} results)", flush=True)
    # New mail while the folder is sorted: one APPEND, then the same page again (the order after the change).
    label, query = queries(c)[4]
    times = []
    cpu0 = cpu_ms(pidspec)
    for r in range(int(reps)):
        reply, _ = c.command(f"APPEND {mailbox}", f"From: new{r}@bench.test\r\nSubject: new mail {r}\r\n\r\nx\r\n".encode())
        assert reply.split()[1] == "OK", reply
        ms, _ = timed(c, query)
        times.append(ms)
    cpu = (cpu_ms(pidspec) - cpu0) / max(1, int(reps))
    times.sort()
    print(f"RESULT {name} \"{label} after an APPEND\" first {times[0]:.1f} ms (cpu 0) p50 {statistics.median(times):.1f} ms "
          f"p95 {times[min(len(times) - 1, int(len(times) * 0.95))]:.1f} ms cpu {cpu:.1f} ms (APPEND included in cpu)", flush=True)
    c.command("LOGOUT")


def cmd_cold(name, host, port, user, password, pidspec, mailbox="INBOX"):
    c = Client(host, port)
    c.login(user, password)
    exists, ms = select(c, mailbox)
    print(f"COLD {name} SELECT {ms:.1f} ms ({exists} messages)", flush=True)
    for label, query in queries(c):
        cpu0 = cpu_ms(pidspec)
        ms, _ = timed(c, query)
        print(f"COLD {name} \"{label}\" {ms:.1f} ms cpu {cpu_ms(pidspec) - cpu0:.0f} ms", flush=True)
    c.command("LOGOUT")


CHECK_KEYS = ["ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "REVERSE FROM", "REVERSE SUBJECT", "SUBJECT DATE",
              "DISPLAYFROM", "DISPLAYTO"]


def cmd_check(corpus, h1, p1, u1, w1, h2, p2, u2, w2, mailbox="sortcheck"):
    files = []
    for root, _, names in os.walk(corpus):
        for f in names:
            if not f.startswith(".") and not f.endswith((".md", ".mbox")):
                files.append(os.path.join(root, f))
    files.sort()
    servers = []
    for host, port, user, password in ((h1, p1, u1, w1), (h2, p2, u2, w2)):
        c = Client(host, port)
        c.login(user, password)
        c.command(f"DELETE {mailbox}")
        reply, _ = c.command(f"CREATE {mailbox}")
        assert reply.split()[1] == "OK", reply
        servers.append(c)
    appended = 0
    for i, path in enumerate(files):
        with open(path, "rb") as f:
            data = f.read()
        date = time.strftime("%d-%b-%Y %H:%M:%S +0000", time.gmtime(1704067200 + i * 3600))
        replies = [c.command(f"APPEND {mailbox} \"{date}\"", data)[0] for c in servers]
        ok = [r.split()[1] == "OK" for r in replies]
        if ok[0] != ok[1]:
            raise SystemExit(f"APPEND of {path} differs: {replies}")
        appended += ok[0]
    print(f"check: {appended} corpus messages appended to both servers")
    headers = {}
    for c in servers:
        select(c, mailbox)
    _, lines = servers[0].command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE)])")
    for line in lines:
        m = re.match(rb"\* (\d+) FETCH", line)
        if m:
            headers[int(m.group(1))] = " | ".join(l.strip() for l in line.split(b"}\r\n", 1)[-1].decode("utf-8", "replace").splitlines() if l.strip() and l.strip() != ")")
    same = 0
    for key in CHECK_KEYS:
        results = []
        for c in servers:
            reply, lines = c.command(f"SORT ({key}) UTF-8 ALL")
            if reply.split()[1] != "OK":
                results.append(None)
                continue
            results.append([int(x) for l in lines if l.startswith(b"* SORT") for x in l.split()[2:]])
        if None in results:
            print(f"check {key}: not supported by {'first' if results[0] is None else 'second'} server")
            continue
        if results[0] == results[1]:
            same += 1
            print(f"check {key}: SAME ({len(results[0])} messages)")
            continue
        # One message placed elsewhere shifts every position after it: count the messages outside the longest common
        # subsequence of the two orders instead, and show them.
        import difflib
        matcher = difflib.SequenceMatcher(None, results[0], results[1], autojunk=False)
        common = {results[0][i] for block in matcher.get_matching_blocks() for i in range(block.a, block.a + block.size)}
        moved = [n for n in results[0] if n not in common]
        print(f"check {key}: DIFFERENT: {len(moved)} of {len(results[0])} messages placed differently")
        for n in moved[:8]:
            print(f"  message {n}: ours at {results[0].index(n) + 1}, peer at {results[1].index(n) + 1} [{headers.get(n, '')[:160]}]")
    print(f"check: {same} of {len(CHECK_KEYS)} criteria give the same order")


def cmd_table(path):
    rows = {}
    names = []
    with open(path) as f:
        for line in f:
            m = re.match(r'RESULT (\S+) "([^"]+)" first ([\d.]+) ms \(cpu (\d+)\) p50 ([\d.]+) ms p95 ([\d.]+) ms cpu ([\d.]+) ms', line)
            if m:
                name, label = m.group(1), m.group(2)
                if name not in names:
                    names.append(name)
                rows.setdefault(label, {})[name] = m.groups()[2:]
    print("| query | " + " | ".join(f"{n} first / p50 / p95 ms (cpu ms)" for n in names) + " | p50 ratio " + "/".join(names[:2]) + " |")
    print("|---" * (len(names) + 2) + "|")
    for label, per in rows.items():
        cells = []
        for n in names:
            v = per.get(n)
            cells.append(f"{v[0]} ({v[1]}) / {v[2]} / {v[3]} ({v[4]})" if v else "-")
        ratio = "-"
        if len(names) >= 2 and names[0] in per and names[1] in per and float(per[names[0]][2]) > 0:
            ratio = f"{float(per[names[1]][2]) / float(per[names[0]][2]):.1f}x faster" if float(per[names[1]][2]) >= float(per[names[0]][2]) else f"{float(per[names[0]][2]) / float(per[names[1]][2]):.1f}x slower"
        print(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    {"time": cmd_time, "cold": cmd_cold, "check": cmd_check, "table": cmd_table}[mode](*rest)
