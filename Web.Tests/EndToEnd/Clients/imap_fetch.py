"""Fetch every message of INBOX over ONE IMAP session with imaplib; write each as FOLDER/<uid>.eml.

usage: imap_fetch.py HOST PORT USER PASSWORD FOLDER
Uses LOGIN, EXAMINE INBOX, UID SEARCH ALL, then UID FETCH <uid> (BODY.PEEK[]) per message; prints the count.
"""
import imaplib
import os
import re
import sys

imaplib._MAXLINE = 64 * 1024 * 1024  # literals are read by size; this only bounds response lines

host, port, user, password, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
os.makedirs(folder, exist_ok=True)
imap = imaplib.IMAP4(host, port, timeout=120)
typ, _ = imap.login(user, password)
assert typ == "OK", typ
typ, data = imap.select("INBOX", readonly=True)
assert typ == "OK", (typ, data)
typ, data = imap.uid("SEARCH", None, "ALL")
assert typ == "OK", (typ, data)
uids = [int(u) for u in data[0].split()]
for uid in uids:
    typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    assert typ == "OK", (typ, data)
    parts = [d for d in data if isinstance(d, tuple)]
    assert len(parts) == 1, (uid, data)
    meta, body = parts[0]
    assert re.search(rb"UID %d\b" % uid, meta) or b"UID" not in meta, (uid, meta)
    with open(os.path.join(folder, "%010d.eml" % uid), "wb") as f:
        f.write(body)
imap.logout()
print(len(uids))
