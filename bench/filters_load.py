"""Inbound load with corpus messages: time to the DATA reply (= the end-of-DATA scan + delivery) over parallel sessions.

usage: filters_load.py HOST PORT RCPT SESSIONS MESSAGES FILE...
The FILEs (corpus ham and spam, line ends made CRLF, dot-stuffed) are sent in turn; SESSIONS asyncio sessions share
MESSAGES messages, each doing EHLO once, then MAIL, RCPT, DATA per message. Latency: from ".\\r\\n" written to the DATA
reply; MAIL latency (mail_*: the block stage, SPF included when on) from MAIL written to its reply. Prints one line:
  load n=... ok250=... refused5xx=... tempfail4xx=... elapsed_s=... msg_per_s=... p50_ms=... p90_ms=... p99_ms=... max_ms=...
       mail_p50_ms=... mail_p99_ms=...
"""
import asyncio
import statistics
import sys
import time

host, port, rcpt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sessions, messages = int(sys.argv[4]), int(sys.argv[5])


def wire(path):
    data = open(path, "rb").read().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines) + b".\r\n"


corpus = [wire(p) for p in sys.argv[6:]]
latencies, mail_latencies, codes = [], [], {"2": 0, "4": 0, "5": 0}
next_index = 0


async def reply(reader):
    while True:
        text = await reader.readline()
        if not text:
            raise ConnectionError("connection closed")
        if text[3:4] != b"-":
            return text


async def session():
    global next_index
    reader, writer = await asyncio.open_connection(host, port)
    await reply(reader)
    writer.write(b"EHLO load.client.test\r\n")
    await reply(reader)
    while next_index < messages:
        message = corpus[next_index % len(corpus)]
        next_index += 1
        mail_start = time.perf_counter()
        writer.write(b"MAIL FROM:<bench@example.net>\r\n")
        await writer.drain()
        await reply(reader)
        mail_latencies.append((time.perf_counter() - mail_start) * 1000)
        writer.write(b"RCPT TO:<%s>\r\n" % rcpt.encode())
        if not (await reply(reader)).startswith(b"250"):
            raise RuntimeError("RCPT refused")
        writer.write(b"DATA\r\n")
        await reply(reader)
        writer.write(message)
        start = time.perf_counter()
        await writer.drain()
        text = await reply(reader)
        latencies.append((time.perf_counter() - start) * 1000)
        codes[chr(text[0])] = codes.get(chr(text[0]), 0) + 1
    writer.write(b"QUIT\r\n")
    await writer.drain()
    writer.close()


async def main():
    start = time.perf_counter()
    await asyncio.gather(*(session() for _ in range(sessions)))
    elapsed = time.perf_counter() - start
    s = sorted(latencies)
    pct = lambda p: s[min(len(s) - 1, int(p / 100 * len(s)))]
    print(f"load n={len(s)} ok250={codes['2']} refused5xx={codes['5']} tempfail4xx={codes['4']} elapsed_s={elapsed:.1f} "
          f"msg_per_s={len(s) / elapsed:.1f} p50_ms={pct(50):.1f} p90_ms={pct(90):.1f} p99_ms={pct(99):.1f} max_ms={s[-1]:.1f} "
          f"mail_p50_ms={statistics.median(mail_latencies):.1f} mail_p99_ms={sorted(mail_latencies)[min(len(mail_latencies) - 1, int(0.99 * len(mail_latencies)))]:.1f}")


asyncio.run(main())
