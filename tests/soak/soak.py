#!/usr/bin/env python3
"""Soak pgstub over TCP and report its RSS and open descriptors as JSON lines.
  soak.py cycles PGSTUB IMAGE [N]       N (1000) connect/disconnect cycles:
        clean sessions, disconnects mid-packet ($m... without checksum),
        mid-output (close while a long monitor output streams) and at once;
        exits 1 unless fds are equal and anonymous RSS grew < SOAK_RSS_KB
        (4096; file pages of the mmap'd image are reported, not judged)
  soak.py traffic PGSTUB IMAGE SECONDS  mixed GDB traffic (memory and
        register reads, monitor info pg/mem/tlb/vtop, the memory map,
        thread switches, reconnects) for SECONDS, reporting every
        SOAK_EVERY (60) seconds; same exit rule, RSS judged from the end
        of a SOAK_WARMUP (30) second warm-up, and no request may fail or
        take over SOAK_SLOW_S (10) seconds: each such one is reported with
        the operations before it and pgstub's state (/proc wchan, stack)"""
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from rsp import Rsp, frame  # noqa: E402


class Conn(Rsp):
    def __init__(self, port):
        Rsp.__init__(self, socket.create_connection(("127.0.0.1", port),
                                                    timeout=60))

    def ask(self, p):
        """Send p, return the final reply (O packets of qRcmd joined)."""
        self.send(p)
        text = b""
        while True:
            pkt = self.recv(timeout=None)
            if p.startswith(b"qRcmd") and pkt[:1] == b"O" and pkt != b"OK":
                text += bytes.fromhex(pkt[1:].decode())
                continue
            return pkt, text

    def hello(self):
        self.s.sendall(b"+")
        self.ask(b"qSupported:multiprocess+;xmlRegisters=i386")
        self.ask(b"QStartNoAckMode")

    def close(self):
        self.s.close()


def stats(pid):
    """VmRSS, and its anonymous part: the dump is mmap'd, so pages read
    from it count in VmRSS (RssFile) without being a leak."""
    d = {}
    for line in open("/proc/%d/status" % pid):
        for key, name in (("VmRSS:", "rss_kb"), ("RssAnon:", "rss_anon_kb"),
                          ("RssFile:", "rss_file_kb")):
            if line.startswith(key):
                d[name] = int(line.split()[1])
    d["fds"] = len(os.listdir("/proc/%d/fd" % pid))
    return d


def report(pid, phase, t0, **kw):
    d = {"phase": phase, "t": round(time.time() - t0, 1)}
    d.update(stats(pid))
    d.update(kw)
    print(json.dumps(d), flush=True)
    return d


def start(pgstub, image):
    """pgstub on an ephemeral port. Its stderr goes to a file: a pipe
    nobody drains fills up, and pgstub would block on its next log line."""
    log = tempfile.NamedTemporaryFile(prefix="pgstub-soak-", suffix=".log")
    # The mappings as the map: the traffic reads addresses it lists.
    p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0",
                          "--memory-map", "mappings", image], stderr=log)
    p.log = log
    for _ in range(200):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)$",
                      open(log.name).read(), re.M)
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit("pgstub did not start: " + open(log.name).read())


def log_lines(p):
    """pgstub's log so far, counted by message (numbers left out)."""
    counts = {}
    for line in open(p.log.name, errors="replace"):
        key = re.sub(r"[0-9]+", "N", line.strip())
        counts[key] = counts.get(key, 0) + 1
    return counts


def rcmd(c, cmd):
    return c.ask(b"qRcmd," + cmd.encode().hex().encode())


def memory_map(c):
    doc, off = b"", 0
    while True:
        rep, _ = c.ask(b"qXfer:memory-map:read::%x,ffff" % off)
        doc += rep[1:]
        off += len(rep) - 1
        if rep[:1] != b"m":
            break
    return [(int(a, 16), int(b, 16)) for a, b in
            re.findall(rb'start="0x([0-9a-f]+)" length="0x([0-9a-f]+)"', doc)]


def one_cycle(port, kind, addr):
    c = Conn(port)
    try:
        if kind == "at-once":
            return
        c.hello()
        if kind == "mid-packet":
            c.s.sendall(b"$m%x,40" % addr)      # no '#', no checksum
        elif kind == "mid-output":
            c.s.sendall(frame(b"qRcmd," + b"info tlb".hex().encode()))
            c.s.recv(100)                       # output has started
        else:
            c.ask(b"m%x,40" % addr)
            c.ask(b"g")
            c.ask(b"D")
    finally:
        c.close()


def settle(pid, before_fds):
    """Give the server a moment to close what the last cycle left."""
    for _ in range(50):
        if stats(pid)["fds"] <= before_fds:
            return
        time.sleep(0.1)


def cycles(pgstub, image, n):
    p, port = start(pgstub, image)
    t0 = time.time()
    kinds = ["clean", "mid-packet", "mid-output", "at-once"]
    c = Conn(port)
    c.hello()
    regions = memory_map(c)
    c.close()
    addr = regions[-1][0]
    for i in range(20):                         # warm-up: caches, buffers
        one_cycle(port, kinds[i % 4], addr)
    time.sleep(0.3)
    before = report(p.pid, "start", t0, cycles=0)
    counts = {k: 0 for k in kinds}
    for i in range(n):
        k = kinds[i % 4]
        one_cycle(port, k, addr)
        counts[k] += 1
    # The last session may still be ending: a clean one proves it did.
    one_cycle(port, "clean", addr)
    settle(p.pid, before["fds"])
    after = report(p.pid, "end", t0, cycles=n, **counts)
    p.terminate()
    p.wait()
    return check(before, after)


def check(before, after, problems=0):
    bound = int(os.environ.get("SOAK_RSS_KB", "4096"))
    growth = after["rss_anon_kb"] - before["rss_anon_kb"]
    ok = after["fds"] == before["fds"] and growth < bound and not problems
    print(json.dumps({"phase": "verdict", "ok": ok,
                      "problems": problems,
                      "rss_anon_growth_kb": growth,
                      "rss_growth_kb": after["rss_kb"] - before["rss_kb"],
                      "rss_bound_kb": bound,
                      "fds_before": before["fds"],
                      "fds_after": after["fds"]}), flush=True)
    return 0 if ok else 1


def server_state(pid):
    """Where pgstub is when a request stalls: its wait channel and stack."""
    d = {}
    for name in ("wchan", "stack", "status"):
        try:
            text = open("/proc/%d/%s" % (pid, name)).read()
        except OSError as e:
            text = str(e)
        if name == "status":
            text = " ".join(l for l in text.splitlines()
                            if l.startswith(("State", "voluntary", "nonvol")))
        d[name] = text[-600:]
    return d


def traffic(pgstub, image, seconds):
    every = float(os.environ.get("SOAK_EVERY", "60"))
    p, port = start(pgstub, image)
    rnd = random.Random(1)
    t0 = time.time()
    c = Conn(port)
    c.hello()
    regions = memory_map(c)
    nthreads = 1
    rep, _ = c.ask(b"qfThreadInfo")
    while rep[:1] == b"m":
        nthreads += rep.count(b",")
        rep, _ = c.ask(b"qsThreadInfo")
    c.ask(b"D")
    c.close()
    time.sleep(0.5)                             # the server saw the close
    stats0 = report(p.pid, "start", t0, regions=len(regions),
                    threads=nthreads)
    ops = {}
    last = t0
    # Caches (table pages, TLB, output buffers) fill during a warm-up;
    # the verdict compares the end with the state after it.
    warmup = float(os.environ.get("SOAK_WARMUP", "30"))
    warm = None
    slow_s = float(os.environ.get("SOAK_SLOW_S", "10"))
    problems, recent, worst = 0, [], 0.0
    c = Conn(port)
    c.hello()
    while time.time() - t0 < seconds:
        op = rnd.choice(["m", "m", "m", "x", "g", "p", "vtop", "info mem",
                         "info pg", "info tlb", "map", "thread",
                         "reconnect", "cut"])
        start_, length = rnd.choice(regions)
        addr = start_ + rnd.randrange(0, max(1, min(length, 1 << 30)))
        t_op = time.time()
        try:
            if op == "m":
                c.ask(b"m%x,%x" % (addr, rnd.choice([8, 256, 4096, 0x8000])))
            elif op == "x":
                c.ask(b"x%x,8000" % addr)
            elif op == "g":
                c.ask(b"g")
            elif op == "p":
                c.ask(b"p%x" % rnd.randrange(0, 33))
            elif op == "vtop":
                rcmd(c, "vtop 0x%x" % addr)
            elif op in ("info mem", "info pg", "info tlb"):
                rcmd(c, op)
            elif op == "map":
                memory_map(c)
            elif op == "thread":
                c.ask(b"Hg%x" % rnd.randrange(1, nthreads + 1))
            elif op == "reconnect":
                c.ask(b"D")
                c.close()
                c = Conn(port)
                c.hello()
            elif op == "cut":                   # drop mid-output
                c.s.sendall(frame(b"qRcmd," + b"info tlb".hex().encode()))
                c.close()
                c = Conn(port)
                c.hello()
        except (EOFError, OSError) as e:
            problems += 1
            print(json.dumps({"phase": "error", "op": op, "addr": hex(addr),
                              "error": str(e), "after_s": round(
                                  time.time() - t_op, 1),
                              "recent": recent[-8:],
                              "server": server_state(p.pid)}), flush=True)
            c.close()
            c = reconnect(port)
        took = time.time() - t_op
        worst = max(worst, took)
        recent = (recent + ["%s %.2fs" % (op, took)])[-8:]
        if took > slow_s:
            problems += 1
            print(json.dumps({"phase": "slow", "op": op, "s": round(took, 1),
                              "recent": recent}), flush=True)
        ops[op] = ops.get(op, 0) + 1
        if warm is None and time.time() - t0 >= warmup:
            warm = report(p.pid, "warm", t0, ops=sum(ops.values()))
        if time.time() - last >= every:
            last = time.time()
            report(p.pid, "periodic", t0, ops=sum(ops.values()))
    c.close()
    settle(p.pid, stats0["fds"])
    end = report(p.pid, "end", t0, ops=ops, slowest_s=round(worst, 2),
                 log=log_lines(p))
    p.terminate()
    p.wait()
    if warm:
        warm["fds"] = stats0["fds"]   # mid-session: count as idle
    return check(warm or stats0, end, problems)


def reconnect(port):
    """A new session after a failed one; retried while pgstub is busy."""
    for attempt in range(10):
        try:
            c = Conn(port)
            c.hello()
            return c
        except (EOFError, OSError) as e:
            print(json.dumps({"phase": "reconnect-failed", "attempt": attempt,
                              "error": str(e)}), flush=True)
            time.sleep(1)
    raise SystemExit("soak: pgstub stopped answering")


def main():
    a = sys.argv
    if len(a) >= 4 and a[1] == "cycles":
        return cycles(a[2], a[3], int(a[4]) if len(a) > 4 else 1000)
    if len(a) == 5 and a[1] == "traffic":
        return traffic(a[2], a[3], float(a[4]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
