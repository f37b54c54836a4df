#!/usr/bin/env python3
"""outbound_submit.py - submission load for bench/outbound.sh.

Usage: outbound_submit.py PORT USER PASSWORD MSGS SESSIONS DOMAINS SIZE
SESSIONS processes each open one Submission session (AUTH PLAIN on loopback, no TLS: the server runs with
Mail:Submission:AllowPlaintextAuthOnLoopback) and send their share of MSGS messages of about SIZE octets,
message i to r<i>@d<i % DOMAINS>.bench-remote.test. Prints "accepted N in S s" (time to the last 250).
USER "-" sends without AUTH from bench@example.com (a relay that trusts 127.0.0.0/8: the Postfix run).
"""
import multiprocessing
import smtplib
import sys
import time

port, user, password, msgs, sessions, domains, size = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:8])


def run(worker):
    body = ("x" * 76 + "\r\n") * max(1, size // 78)
    s = smtplib.SMTP("127.0.0.1", int(port))
    s.ehlo("bench.client")
    sender = "bench@example.com" if user == "-" else user
    if user != "-":
        s.login(user, password)
    done = 0
    for i in range(worker, msgs, sessions):
        rcpt = f"r{i}@d{i % domains}.bench-remote.test"
        msg = f"From: <{sender}>\r\nTo: <{rcpt}>\r\nSubject: bench {i}\r\nMessage-ID: <bench{i}@example.com>\r\n\r\n{body}"
        s.sendmail(sender, [rcpt], msg)
        done += 1
    s.quit()
    return done


if __name__ == "__main__":
    start = time.monotonic()
    with multiprocessing.Pool(sessions) as pool:
        total = sum(pool.map(run, range(sessions)))
    print(f"accepted {total} in {time.monotonic() - start:.2f} s")
