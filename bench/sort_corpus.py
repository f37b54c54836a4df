#!/usr/bin/env python3
"""sort_corpus.py - writes the SORT benchmark's folder: COUNT messages as Maildir files, built from the corpus.

Usage: sort_corpus.py OUTDIR COUNT CORPUS_DIR
Writes OUTDIR/cur/<n>.M<i>.sortbench:2, (file names sort in message order; mtime = the message's arrival time, which is
what Dovecot takes as INTERNALDATE and bench/searchseed --files passes as ours). Message i is corpus message i % M with
its own Message-ID; from the second round on (i >= M) its From is one of ~3,000 generated senders (display names,
some bare addresses, some RFC 2047 encoded names), its Subject the corpus subject behind a random reply/forward/list
prefix (RFC 5256 base subject work), its Date i minutes after 2024-01-01 (1 in 50 without a Date), and its body cut
to at most 4 KiB (so 100,000 messages stay a few hundred MB, with sizes still varied).
"""
import os
import random
import sys
import time

FIRST = ["Anna", "Bernd", "Chloé", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Lars", "Mia",
         "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Xena", "Yusuf", "Zoë"]
LAST = ["Adams", "Berg", "Costa", "Dietrich", "Evans", "Fischer", "García", "Hansen", "Ito", "Jensen", "Kowalski",
        "López", "Müller", "Nguyen", "Olsen", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Ueda", "Vogel",
        "Weber", "Xu", "Young", "Zimmer"]
PREFIXES = ["", "", "", "Re: ", "RE: ", "Fwd: ", "Re: Re: ", "[list] ", "[list] Re: ", "Fw: ", "re:", "AW: "]
DOMAINS = ["example.com", "example.org", "mail.example.net", "lists.example.com"]


def split_message(raw):
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = raw.find(sep)
        if i >= 0:
            return raw[:i], raw[i + len(sep):], b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    return raw, b"", b"\r\n"


def fields(header):
    """Header fields as [name_lower, raw_bytes_with_continuations]."""
    out = []
    for line in header.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and out:
            out[-1][1] += line
        else:
            name = line.split(b":", 1)[0].strip().lower()
            out.append([name, line])
    return out


def encoded(name):
    data = name.encode("utf-8")
    if data.isascii():
        return name
    return "=?utf-8?b?" + __import__("base64").b64encode(data).decode() + "?="


def load_corpus(directory):
    messages = []
    for root, _, files in os.walk(directory):
        for f in sorted(files):
            if f.startswith(".") or f.endswith((".md", ".mbox")):
                continue
            with open(os.path.join(root, f), "rb") as fh:
                raw = fh.read()
            header, body, nl = split_message(raw)
            if b":" not in header[:200]:
                continue
            messages.append((fields(header), body, nl))
    messages.sort(key=lambda m: m[0][0][1])
    return messages


def main():
    out, count, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    messages = load_corpus(corpus)
    rng = random.Random(5256)
    cur = os.path.join(out, "cur")
    os.makedirs(cur, exist_ok=True)
    base = 1704067200  # 2024-01-01T00:00:00Z
    m = len(messages)
    for i in range(count):
        hdr, body, nl = messages[i % m]
        lines = []
        for name, raw in hdr:
            if name == b"message-id":
                continue
            if i >= m and name in (b"from", b"subject", b"date"):
                continue
            lines.append(raw if raw.endswith(b"\n") else raw + nl)
        if i >= m:
            j = rng.randrange(3000)
            first, last = FIRST[j % len(FIRST)], LAST[(j // len(FIRST)) % len(LAST)]
            local = f"{first.lower()}.{last.lower()}{j // 676}".encode("ascii", "ignore").decode()
            address = f"{local}@{DOMAINS[j % len(DOMAINS)]}"
            kind = j % 5
            if kind == 0:
                sender = address
            elif kind == 1:
                sender = f"{encoded(first + ' ' + last)} <{address}>"
            else:
                sender = f"\"{last}, {first}\" <{address}>" if kind == 2 else f"{first} {last} <{address}>"
                sender = sender.encode("ascii", "ignore").decode()
            subject = b""
            for name, raw in hdr:
                if name == b"subject":
                    subject = raw.split(b":", 1)[1].strip()
                    break
            lines.append(b"From: " + sender.encode() + nl)
            lines.append(b"Subject: " + PREFIXES[rng.randrange(len(PREFIXES))].encode() + subject + nl)
            if rng.randrange(50):
                date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(base + i * 60 + rng.randrange(3600)))
                lines.append(b"Date: " + date.encode() + nl)
            body = body[:4096]
        lines.append(f"Message-ID: <sortbench{i}@bench.test>".encode() + nl)
        path = os.path.join(cur, f"{base + i}.M{i}.sortbench:2,")
        with open(path, "wb") as fh:
            fh.write(b"".join(lines) + nl + body)
        os.utime(path, (base + i * 60, base + i * 60))
    print(f"wrote {count} messages from {m} corpus messages to {cur}")


if __name__ == "__main__":
    main()
