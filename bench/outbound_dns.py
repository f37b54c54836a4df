#!/usr/bin/env python3
"""outbound_dns.py - tiny authoritative UDP DNS server for bench/outbound.sh.

Usage: outbound_dns.py PORT_FILE DOMAINS MX_IP
Answers MX for d0..d<DOMAINS-1>.bench-remote.test -> mx.bench-remote.test (preference 10),
A for mx.bench-remote.test -> MX_IP, NXDOMAIN otherwise. Writes the bound port to PORT_FILE.
"""
import socket
import struct
import sys

port_file, domains, mx_ip = sys.argv[1], int(sys.argv[2]), sys.argv[3]
MX_HOST = "mx.bench-remote.test"
names = {f"d{i}.bench-remote.test" for i in range(domains)}


def encode(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def answer(query):
    if len(query) < 12:
        return None
    pos, labels = 12, []
    while query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    qtype = struct.unpack(">H", query[pos + 1:pos + 3])[0]
    question = query[12:pos + 5]
    name = ".".join(labels).lower()
    rdatas, rcode = [], 0
    if name in names:
        if qtype == 15:
            rdatas.append((15, struct.pack(">H", 10) + encode(MX_HOST)))
    elif name == MX_HOST:
        if qtype == 1:
            rdatas.append((1, socket.inet_aton(mx_ip)))
    else:
        rcode = 3
    flags = 0x8400 | (query[2] & 1) << 8 | 0x80 | rcode
    out = query[:2] + struct.pack(">HHHHH", flags, 1, len(rdatas), 0, 0) + question
    for rtype, data in rdatas:
        out += struct.pack(">HHHIH", 0xC00C, rtype, 1, 60, len(data)) + data
    return out


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
with open(port_file, "w") as f:
    f.write(str(sock.getsockname()[1]))
while True:
    data, peer = sock.recvfrom(4096)
    reply = answer(data)
    if reply:
        sock.sendto(reply, peer)
