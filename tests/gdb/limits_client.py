#!/usr/bin/env python3
"""A raw RSP client for the limit tests (tests/gdb/test_limits.sh).
  limits_client.py map PGSTUB IMAGE [OPTS...]   print the qXfer memory map
        (64 KiB windows, like GDB) and, on stderr, pgstub's peak VmHWM
  limits_client.py packets ADDR                 oversize / absurd packets
  limits_client.py idle ADDR SECS               an idle connection is closed
  limits_client.py stuck ADDR SECS              a peer that stops reading
  limits_client.py mute-log PGSTUB IMAGE N      stderr a pipe nobody reads,
        N refused connections logged to it: the attached GDB is still served
ADDR is HOST:PORT or a Unix socket path."""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from rsp import Rsp, frame  # noqa: E402


def connect(addr):
    if ":" in addr:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(addr)
    return Rsp(s)


def handshake(r):
    r.s.sendall(b"+")
    r.ask(b"qSupported:multiprocess+")
    r.ask(b"QStartNoAckMode")


def read_map(r):
    doc, off = b"", 0
    while True:
        rep = r.ask(b"qXfer:memory-map:read::%x,ffff" % off)
        if rep[:1] not in (b"m", b"l"):
            raise SystemExit("bad reply %r" % rep[:40])
        doc += rep[1:]
        off += len(rep) - 1
        if rep[:1] == b"l":
            return doc


def hwm(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def cmd_map(pgstub, image, opts):
    p = subprocess.Popen([pgstub, "--stdio"] + opts + [image],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    class Pipe:
        def sendall(self, b):
            p.stdin.write(b)
            p.stdin.flush()

        def recv(self, n):
            return p.stdout.read1(n)

        def settimeout(self, t):
            pass
    r = Rsp(Pipe())
    handshake(r)
    doc = read_map(r)
    peak = hwm(p.pid)
    p.stdin.close()
    p.wait()
    sys.stdout.buffer.write(doc)
    sys.stderr.write("VmHWM %d kB\n" % peak)


def cmd_packets(addr):
    r = connect(addr)
    handshake(r)
    # Absurd lengths: an error or a capped reply, never an allocation.
    va = b"ffffffff81000000"
    rep = r.ask(b"m" + va + b",ffffffffffffffff")
    print("m-absurd", "ok" if rep[:1] != b"E" and 0 < len(rep) <= 0x10000
          else rep.decode()[:8])
    rep = r.ask(b"m0,fffffffffffffffffffff")
    print("m-overflow", rep.decode()[:8])
    rep = r.ask(b"x" + va + b",ffffffffffffffff")
    print("x-absurd", "b" if rep[:1] == b"b" else rep.decode()[:8],
          len(rep) <= 0x10000)
    # Over PacketSize (0x10000): rejected, and the framer resyncs.
    rep = r.ask(b"q" + b"A" * 0x20000)
    print("oversize", rep.decode())
    # A packet cut short by a new '$' is dropped; the next one is served.
    r.s.sendall(b"$m1000,4")
    rep = r.ask(b"qAttached")
    print("resync", rep.decode())
    # Writes are refused: snapshots are read-only.
    print("M", r.ask(b"M0,4:00000000").decode())
    print("X", r.ask(b"X0,4:\x00\x00\x00\x00").decode())
    rep = r.ask(b"m" + va + b",4")
    print("still", "ok" if rep[:1] != b"E" else rep.decode())


def cmd_idle(addr, secs):
    r = connect(addr)
    handshake(r)
    t0 = time.time()
    r.s.settimeout(secs + 10)
    try:
        d = r.s.recv(100)
    except (ConnectionResetError, socket.timeout):
        d = b"timeout"
    print("idle closed" if d == b"" else "idle got %r" % d,
          round(time.time() - t0))


def cmd_stuck(addr, secs):
    r = connect(addr)
    r.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    handshake(r)
    # Ask for a long monitor output and never read it.
    r.s.sendall(frame(b"qRcmd," + b"info tlb".hex().encode()))
    time.sleep(secs + 3)
    r.s.settimeout(5)
    try:
        while r.s.recv(65536):
            pass
        print("stuck closed")
    except (ConnectionResetError, socket.timeout) as e:
        print("stuck", type(e).__name__)


def cmd_mute_log(pgstub, image, n):
    # stderr is a pipe this process never reads: 64 KiB of log lines fill
    # it, and a server that blocks on its log stops serving.
    p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", image],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    port = None
    line = b""
    while port is None:
        c = p.stderr.read(1)
        if not c:
            sys.exit("pgstub did not start")
        line += c
        m = re.search(rb"listening on 127\.0\.0\.1:(\d+)\n$", line)
        if m:
            port = int(m.group(1))
    a = connect("127.0.0.1:%d" % port)
    handshake(a)
    refused = 0
    for _ in range(n):
        b = connect("127.0.0.1:%d" % port)
        try:
            if b.ask(b"qSupported").startswith(b"E.pgstub"):
                refused += 1
        except (EOFError, OSError):
            pass
        b.s.close()
    try:
        rep = a.ask(b"qAttached")
        served = rep == b"1"
    except (EOFError, OSError):
        served = False
    print("refused %d, still served: %s" % (refused, served))
    p.kill()
    p.wait()


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "map":
        cmd_map(a[2], a[3], a[4:])
    elif a[1] == "packets":
        cmd_packets(a[2])
    elif a[1] == "idle":
        cmd_idle(a[2], float(a[3]))
    elif a[1] == "stuck":
        cmd_stuck(a[2], float(a[3]))
    elif a[1] == "mute-log":
        cmd_mute_log(a[2], a[3], int(a[4]))
    else:
        sys.exit(__doc__)
