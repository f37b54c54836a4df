"""Stream SMTP deliveries until the server goes away (for the kill -9 test).

usage: crash_sender.py HOST PORT RCPT PREFIX COUNT FOLDER
Sends up to COUNT messages over one smtplib session. Before sending message n it writes the exact bytes to
FOLDER/PREFIX-n.eml; after the server's 250 it appends "PREFIX-n" to FOLDER/PREFIX.acks (flushed at once).
Each message carries "X-Serial: PREFIX-n" and a unique Message-ID and is about 10 KB. Exits 0 when COUNT are
sent or when the connection breaks (the expected end), 1 on anything else.
"""
import hashlib
import os
import smtplib
import socket
import sys

host, port, rcpt, prefix, count, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
os.makedirs(folder, exist_ok=True)


def message(serial):
    lines = [
        "From: Crash Test <crash@example.net>",
        "To: <%s>" % rcpt,
        "Subject: crash test %s" % serial,
        "Message-ID: <%s@crash.example.net>" % serial,
        "Date: Mon, 30 Nov 2026 12:00:00 +0000",
        "X-Serial: %s" % serial,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
    ]
    seed = serial.encode()
    for i in range(130):  # ~10 KB of distinct lines
        seed = hashlib.sha256(seed).digest()
        lines.append("%04d %s" % (i, seed.hex()))
    return ("\r\n".join(lines) + "\r\n").encode()


acks = open(os.path.join(folder, prefix + ".acks"), "a", buffering=1)
try:
    smtp = smtplib.SMTP(host, port, local_hostname="crash.client.test", timeout=30)
    smtp.ehlo()
    for n in range(1, count + 1):
        serial = "%s-%d" % (prefix, n)
        data = message(serial)
        with open(os.path.join(folder, serial + ".eml"), "wb") as f:
            f.write(data)
        smtp.sendmail("crash@example.net", [rcpt], data)
        acks.write(serial + "\n")
        acks.flush()
    smtp.quit()
except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException, ConnectionError, socket.timeout, OSError) as e:
    print("stopped: %s: %s" % (type(e).__name__, e), flush=True)
sys.exit(0)
