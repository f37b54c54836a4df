"""Time to the DATA reply over parallel SMTP sessions (smtp-source does not report latency).

usage: smtp_latency.py HOST PORT RCPT SESSIONS MESSAGES SIZE
SESSIONS asyncio sessions share MESSAGES messages of SIZE octets (like smtp-source -s -m -l), each session
doing EHLO once, then MAIL, RCPT, DATA and the message per delivery, waiting for every reply. The latency is
from the last octet of the message (".\\r\\n" written) to the DATA reply. Prints one line:
  latency n=... ok=... failed=... elapsed_s=... msg_per_s=... p50_ms=... p90_ms=... p99_ms=... max_ms=...
"""
import asyncio
import sys
import time

host, port, rcpt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sessions, messages, size = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])

line = b"x" * 78 + b"\r\n"
header = b"From: <bench@example.net>\r\nTo: <%s>\r\nSubject: latency\r\n\r\n" % rcpt.encode()
body = header + line * max(1, (size - len(header)) // len(line))
latencies, failures = [], []
remaining = messages


async def reply(reader):
    while True:
        text = await reader.readline()
        if not text:
            raise ConnectionError("connection closed")
        if text[3:4] != b"-":
            return int(text[:3]), text


async def session(index):
    global remaining
    reader, writer = await asyncio.open_connection(host, port)
    await reply(reader)
    writer.write(b"EHLO latency.client.test\r\n")
    await reply(reader)
    while remaining > 0:
        remaining -= 1
        writer.write(b"MAIL FROM:<bench@example.net>\r\n")
        await reply(reader)
        writer.write(b"RCPT TO:<%s>\r\n" % rcpt.encode())
        code, text = await reply(reader)
        if code != 250:
            failures.append(text)
            writer.write(b"RSET\r\n")
            await reply(reader)
            continue
        writer.write(b"DATA\r\n")
        await reply(reader)
        writer.write(body + b".\r\n")
        await writer.drain()
        start = time.perf_counter()
        code, text = await reply(reader)
        if code == 250:
            latencies.append(time.perf_counter() - start)
        else:
            failures.append(text)
    writer.write(b"QUIT\r\n")
    await reply(reader)
    writer.close()


async def main():
    start = time.perf_counter()
    results = await asyncio.gather(*(session(i) for i in range(sessions)), return_exceptions=True)
    elapsed = time.perf_counter() - start
    errors = [r for r in results if isinstance(r, Exception)]
    lat = sorted(latencies)

    def pct(p):
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000 if lat else float("nan")

    print(f"latency n={messages} ok={len(lat)} failed={len(failures) + len(errors)} elapsed_s={elapsed:.2f} "
          f"msg_per_s={len(lat) / elapsed:.1f} p50_ms={pct(50):.2f} p90_ms={pct(90):.2f} p99_ms={pct(99):.2f} "
          f"max_ms={(lat[-1] * 1000 if lat else float('nan')):.2f}", flush=True)
    for e in errors[:3]:
        print(f"  session error: {type(e).__name__}: {e}", flush=True)
    for f in failures[:3]:
        print(f"  failed: {f[:100]!r}", flush=True)


asyncio.run(main())
