"""The scanners' own time: each corpus message straight to spamd (SYMBOLS, SPAMC/1.5) and clamd (INSTREAM) at once,
as our scan stage does, over SESSIONS parallel workers, without SMTP or the server.

usage: filters_direct.py SPAMD_HOST:PORT CLAMD_HOST:PORT SESSIONS MESSAGES FILE...
Prints: direct n=... elapsed_s=... msg_per_s=... p50_ms=... p99_ms=... spamd_p50_ms=... clamd_p50_ms=...
"""
import asyncio
import struct
import sys
import time

spamd, clamd = sys.argv[1].rsplit(":", 1), sys.argv[2].rsplit(":", 1)
sessions, messages = int(sys.argv[3]), int(sys.argv[4])
corpus = [open(p, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") for p in sys.argv[5:]]
total, spamd_ms, clamd_ms = [], [], []
next_index = 0


async def spamd_check(message):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(spamd[0], int(spamd[1]))
    writer.write(b"SYMBOLS SPAMC/1.5\r\nContent-length: %d\r\nUser: nobody\r\n\r\n" % len(message) + message)
    await writer.drain()
    writer.write_eof()
    await reader.read()
    writer.close()
    spamd_ms.append((time.perf_counter() - start) * 1000)


async def clamd_scan(message):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(clamd[0], int(clamd[1]))
    writer.write(b"zINSTREAM\0")
    for i in range(0, len(message), 65536):
        chunk = message[i:i + 65536]
        writer.write(struct.pack(">I", len(chunk)) + chunk)
    writer.write(struct.pack(">I", 0))
    await writer.drain()
    await reader.readuntil(b"\0")
    writer.close()
    clamd_ms.append((time.perf_counter() - start) * 1000)


async def worker():
    global next_index
    while next_index < messages:
        message = corpus[next_index % len(corpus)]
        next_index += 1
        start = time.perf_counter()
        await asyncio.gather(spamd_check(message), clamd_scan(message))
        total.append((time.perf_counter() - start) * 1000)


async def main():
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(sessions)))
    elapsed = time.perf_counter() - start
    pct = lambda v, p: sorted(v)[min(len(v) - 1, int(p / 100 * len(v)))]
    print(f"direct n={len(total)} elapsed_s={elapsed:.1f} msg_per_s={len(total) / elapsed:.1f} p50_ms={pct(total, 50):.1f} "
          f"p99_ms={pct(total, 99):.1f} spamd_p50_ms={pct(spamd_ms, 50):.1f} clamd_p50_ms={pct(clamd_ms, 50):.1f}")


asyncio.run(main())
