#!/usr/bin/env python3
"""webmail_bench.py - drives bench/webmail.sh (issue 7's benchmark): fills a large INBOX over IMAP, then times the webmail.

  webmail_bench.py fill HOST IMAP_PORT USER PASSWORD COUNT CONNECTIONS WORD
      APPENDs COUNT small corpus-like messages (varied subjects, senders, dates over ~3 years; 1 in 100 carries WORD in
      its subject and body) to INBOX over CONNECTIONS connections, each pipelining non-synchronizing literals
      (LITERAL+, RFC 7888). Prints RESULT fill messages=.. secs=.. per_s=..
  webmail_bench.py http BASE_URL IMAP_PORT USER PASSWORD PID REPS SESSIONS IDLE_SECS WORD
      Signs in like a browser (GET /signin for the antiforgery token + cookie, POST the form, follow to /mail), then
      times REPS times each: first page (GET /mail?folder=INBOX, the server-side prerender of the first rows),
      scroll to the middle (the IMAP commands the circuit's Virtualize ItemsProvider sends for a 40-row window in the
      middle of the list: the PARTIAL SORT of the window when the server has PARTIAL, and the UID FETCH of the same
      items as WebmailMailSession's ListItems, on one selected IMAP connection), the IMAP commands of a first page
      one by one (login, LIST-STATUS, EXAMINE, the list index, the page's FETCH),
      open a message (GET /mail/read?folder=INBOX&uid=..), search (GET /mail?folder=INBOX&q=WORD).
      Each HTTP request carries a `b=<phase>-<n>` query parameter so webmail.sh can read the server's own
      "Request finished ... in N ms" lines. Then SESSIONS sessions sign in and load the list (25 at a time) and stay
      signed in; server RSS (VmRSS of PID) before, after, and IDLE_SECS later.
"""
import http.cookiejar
import random
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

WORDS = ("quarterly report invoice meeting agenda budget travel lunch review draft contract offer release notes "
         "update schedule project server backup holiday photos family weekend dinner flight hotel ticket order "
         "delivery shipping payment receipt account password reset newsletter webinar survey feedback launch").split()
NAMES = ("alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor "
         "walter xavier yvonne zoe").split()
DOMAINS = ["example.com", "example.org", "example.net", "mail.test", "corp.test", "lists.test"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def message(i, word):
    r = random.Random(i)
    sender = r.choice(NAMES)
    subject = " ".join(r.choice(WORDS) for _ in range(r.randint(2, 6))).capitalize()
    hit = i % 100 == 37
    if hit:
        subject += " " + word
    t = time.gmtime(1700000000 - i * 900 - r.randint(0, 899))  # spread over ~2.9 years, newest first
    date = f"{DAYS[t.tm_wday]}, {t.tm_mday:02d} {MONTHS[t.tm_mon - 1]} {t.tm_year} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    body = "\r\n".join(" ".join(r.choice(WORDS) for _ in range(r.randint(6, 14))) for _ in range(r.randint(3, 12)))
    if hit:
        body += f"\r\nSee the {word} notes.\r\n"
    text = (f"From: {sender.capitalize()} <{sender}@{r.choice(DOMAINS)}>\r\nTo: Bench <bench@bench.test>\r\n"
            f"Subject: {subject}\r\nDate: {date}\r\nMessage-ID: <bench-{i}@bench.test>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\n{body}\r\n\r\n-- \r\n{sender}\r\n")
    idate = time.strftime("%d-%b-%Y %H:%M:%S +0000", t)
    return idate, text.encode()


def imap_login(host, port, user, password):
    s = socket.create_connection((host, port), timeout=600)
    f = s.makefile("rb")
    f.readline()
    s.sendall(f'a LOGIN "{user}" "{password}"\r\n'.encode())
    tagged(f, "a", expect_ok=True)
    return s, f


def tagged(f, tag, expect_ok=False):
    while True:
        line = f.readline()
        if not line:
            raise RuntimeError("connection closed")
        if line.startswith(tag.encode() + b" "):
            if expect_ok and not line.startswith(tag.encode() + b" OK"):
                raise RuntimeError(line.decode("latin-1").strip())
            return line
        m = re.search(rb"\{(\d+)\+?\}\r\n$", line)
        if m:
            f.read(int(m.group(1)))


def command(s, f, tag, text):
    """Sends one command, returns its response lines (literals skipped); raises on a tagged NO/BAD."""
    s.sendall(f"{tag} {text}\r\n".encode())
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise RuntimeError("connection closed")
        lines.append(line)
        if line.startswith(tag.encode() + b" "):
            if not line.startswith(tag.encode() + b" OK"):
                raise RuntimeError(f"{text[:60]}: " + line.decode("latin-1").strip())
            return lines
        m = re.search(rb"\{(\d+)\+?\}\r\n$", line)
        if m:
            f.read(int(m.group(1)))


def fill(host, port, user, password, count, conns, word):
    started = time.monotonic()
    errors = []

    def worker(k):
        try:
            s, f = imap_login(host, port, user, password)
            mine = list(range(k, count, conns))
            done = threading.Event()

            def reader():
                try:
                    for i in mine:
                        line = f.readline()
                        while not line.startswith(b"p%d " % i):
                            if not line:
                                raise RuntimeError("closed")
                            line = f.readline()
                        if not line.startswith(b"p%d OK" % i):
                            raise RuntimeError(line.decode("latin-1").strip())
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append(repr(e))
                done.set()

            threading.Thread(target=reader, daemon=True).start()
            buf = []
            for i in mine:
                idate, data = message(i, word)
                buf.append(b'p%d APPEND INBOX "%s" {%d+}\r\n' % (i, idate.encode(), len(data)) + data + b"\r\n")
                if len(buf) >= 50:
                    s.sendall(b"".join(buf)); buf = []
            if buf:
                s.sendall(b"".join(buf))
            done.wait()
            s.sendall(b"z LOGOUT\r\n")
            s.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - started
    if errors:
        print("fill errors:", errors[:5], file=sys.stderr)
        sys.exit(1)
    print(f"RESULT fill messages={count} connections={conns} secs={secs:.1f} per_s={count / secs:.0f}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def new_client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def get(opener, url):
    try:
        with opener.open(url, timeout=300) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def sign_in(base, user, password):
    c = new_client()
    status, html = get(c, base + "/signin")
    m = re.search(rb'name="__RequestVerificationToken" value="([^"]+)"', html)
    if not m:
        raise RuntimeError(f"no antiforgery token on /signin ({status})")
    token = m.group(1).decode().replace("&#x2B;", "+").replace("&#x2F;", "/").replace("&#x3D;", "=")
    form = urllib.parse.urlencode({"_handler": "signin", "Input.Address": user, "Input.Password": password,
                                   "__RequestVerificationToken": token}).encode()
    try:
        with c.open(urllib.request.Request(base + "/signin", data=form), timeout=300) as r:
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    if status != 302:
        raise RuntimeError(f"sign-in answered {status}")
    return c


def timed(c, url):
    t = time.perf_counter()
    status, body = get(c, url)
    ms = (time.perf_counter() - t) * 1000
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    return ms, body


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(p / 100 * len(v) + 0.5) - 1))]


def report(name, values, extra=""):
    print(f"RESULT {name} n={len(values)} p50_ms={statistics.median(values):.1f} p95_ms={pct(values, 95):.1f} "
          f"max_ms={max(values):.1f}{extra}")


def rss_kib(pid):
    total = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                total = int(line.split()[1])
    return total


def http_bench(base, imap_port, user, password, pid, reps, sessions, idle_secs, word):
    c = sign_in(base, user, password)
    inbox = base + "/mail?folder=INBOX"
    first, middle, read, search = [], [], [], []
    ms, html = timed(c, inbox + "&b=warm-0")
    uids = [int(u) for u in re.findall(rb"uid=(\d+)", html)]
    if not uids:
        raise RuntimeError("first page shows no message links")
    for n in range(reps):
        ms, html = timed(c, f"{inbox}&b=first-{n}")
        first.append(ms)
    rows = html.count(b'role="row"')
    report("first_page", first, f" rows={rows} bytes={len(html)}")

    # Scroll to the middle: what the circuit's Virtualize ItemsProvider sends for a 40-row window in the middle. With
    # PARTIAL (RFC 9394) that is one UID SORT RETURN (PARTIAL a:b) for the window's UIDs plus the UID FETCH of its rows;
    # without, only the UID FETCH (the circuit holds the whole list's UIDs).
    s, f = imap_login("127.0.0.1", imap_port, user, password)
    caps = command(s, f, "c", "CAPABILITY")[0]
    partial = b" PARTIAL" in caps.upper()
    command(s, f, "s", "SELECT INBOX")
    s.sendall(b"u UID SEARCH ALL\r\n")
    line, all_uids = f.readline(), []
    while not line.startswith(b"u "):
        if line.startswith(b"* SEARCH"):
            all_uids = [int(x) for x in line.split()[2:]]
        line = f.readline()
    print(f"RESULT inbox messages={len(all_uids)} server_partial={'yes' if partial else 'no'}")
    for n in range(reps):
        mid = len(all_uids) // 2 + (n - reps // 2) * 40
        t = time.perf_counter()
        if partial:
            lines = command(s, f, f"p{n}", f"UID SORT RETURN (PARTIAL {mid + 1}:{mid + 40}) (REVERSE ARRIVAL) UTF-8 ALL")
            window = next((l.split(b"PARTIAL (")[1].split(b" ")[1].rstrip(b")\r\n").decode() for l in lines if b"PARTIAL (" in l), "")
        else:
            window = ",".join(str(u) for u in sorted(all_uids, reverse=True)[mid:mid + 40])
        command(s, f, f"m{n}", f"UID FETCH {window} (UID ENVELOPE FLAGS RFC822.SIZE BODYSTRUCTURE INTERNALDATE)")
        middle.append((time.perf_counter() - t) * 1000)
    report("scroll_middle_imap" + ("_partial" if partial else "_fetch") + "_40", middle)

    # The IMAP commands of a first page, each timed on its own (loopback: client time ~ server time).
    steps = {"login": [], "list_status": [], "examine": [], "list_index": [], "fetch_page": []}
    for n in range(reps):
        t = time.perf_counter()
        s2, f2 = imap_login("127.0.0.1", imap_port, user, password)
        steps["login"].append((time.perf_counter() - t) * 1000)
        for name, tag, cmd in (("list_status", "l", 'LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))'),
                               ("examine", "e", "EXAMINE INBOX"),
                               ("list_index", "i", "UID SORT RETURN (COUNT PARTIAL 1:50) (REVERSE ARRIVAL) UTF-8 ALL" if partial
                                else "UID SORT RETURN (ALL) (REVERSE ARRIVAL) UTF-8 ALL")):
            t = time.perf_counter()
            lines = command(s2, f2, tag, cmd)
            steps[name].append((time.perf_counter() - t) * 1000)
        first = sorted(all_uids, reverse=True)[:50]
        t = time.perf_counter()
        command(s2, f2, "f", "UID FETCH " + ",".join(map(str, first)) + " (UID ENVELOPE FLAGS RFC822.SIZE BODYSTRUCTURE INTERNALDATE)")
        steps["fetch_page"].append((time.perf_counter() - t) * 1000)
        s2.sendall(b"z LOGOUT\r\n"); s2.close()
    for name, values in steps.items():
        report("imap_" + name, values)
    s.sendall(b"z LOGOUT\r\n"); s.close()

    for n in range(reps):
        uid = all_uids[(n * 997) % len(all_uids)]
        ms, body = timed(c, f"{base}/mail/read?folder=INBOX&uid={uid}&b=read-{n}")
        read.append(ms)
    report("open_message", read)
    hits = 0
    for n in range(reps):
        ms, body = timed(c, f"{inbox}&q={word}&b=search-{n}")
        search.append(ms)
        m = re.search(rb'data-total="(-?\d+)"', body)
        hits = body.count(b'role="row"')
    report("search", search, f" rows_on_first_page={hits}")

    # Memory per signed-in session.
    time.sleep(3)
    before = rss_kib(pid)
    clients, failures = [], []

    def one(k):
        try:
            cl = sign_in(base, user, password)
            timed(cl, f"{inbox}&b=session-{k}")
            return cl
        except Exception as e:  # noqa: BLE001
            failures.append(repr(e))
            return None

    t = time.monotonic()
    with ThreadPoolExecutor(25) as pool:
        clients = [x for x in pool.map(one, range(sessions)) if x is not None]
    took = time.monotonic() - t
    after = rss_kib(pid)
    time.sleep(idle_secs)
    idle = rss_kib(pid)
    n = max(1, len(clients))
    print(f"RESULT sessions signed_in={len(clients)} failed={len(failures)} secs={took:.1f} rss_before_kib={before} "
          f"rss_after_kib={after} rss_idle_kib={idle} per_session_kib={(after - before) / n:.0f} "
          f"per_idle_session_kib={(idle - before) / n:.0f}")
    if failures:
        print("session failures:", failures[:3], file=sys.stderr)
    # The sessions stay referenced until here (cookies alive); nothing signs out.
    print(f"RESULT still_signed_in={len(clients)}")


def main():
    mode = sys.argv[1]
    a = sys.argv[2:]
    if mode == "fill":
        fill(a[0], int(a[1]), a[2], a[3], int(a[4]), int(a[5]), a[6])
    else:
        http_bench(a[0], int(a[1]), a[2], a[3], int(a[4]), int(a[5]), int(a[6]), int(a[7]), a[8])


if __name__ == "__main__":
    main()
