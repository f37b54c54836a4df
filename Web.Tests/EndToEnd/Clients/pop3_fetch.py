"""Fetch every message over ONE POP3 session with poplib (no DELE); write each as FOLDER/<n>.eml.

usage: pop3_fetch.py HOST PORT USER PASSWORD FOLDER
Uses USER/PASS, STAT, UIDL, RETR n. poplib removes the dot-stuffing and returns lines without CRLF: the
message is the lines joined with CRLF plus a final CRLF. Prints the count.
"""
import os
import poplib
import sys

poplib._MAXLINE = 64 * 1024 * 1024  # corpus messages have lines far over poplib's 2048-octet default

host, port, user, password, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
os.makedirs(folder, exist_ok=True)
pop = poplib.POP3(host, port, timeout=120)
pop.user(user)
pop.pass_(password)
count, _ = pop.stat()
uidl = pop.uidl()[1]
assert len(uidl) == count, (count, uidl[:3])
for n in range(1, count + 1):
    _, lines, _ = pop.retr(n)
    with open(os.path.join(folder, "%010d.eml" % n), "wb") as f:
        f.write(b"\r\n".join(lines) + b"\r\n")
pop.quit()
print(count)
