#!/usr/bin/env python3
"""bench/bench.py: pgstub's benchmarks beside their anchors (design.md §9).

Run through bench/run, which builds the binaries. Each measurement is run
several times; the table shows medians and pgstub/anchor ratios, and every
raw number goes to a JSON file (--json) for comparing runs.

  1. info tlb of a real x86_64 guest: QEMU 7.2 over QMP vs pgstub over RSP
     (qRcmd, every O packet read, checksummed, un-RLE'd and hex-decoded up
     to the final OK) from a C client (bench/rsp_rcmd, output checked
     byte-identical to QEMU's text) and from a Python client, and both
     through GDB's `monitor` (TCP);
  2. random VA->PA translations: libpgwalk (bare walk, map cache, paging-
     structure cache, TLB) vs libaddrxlat (bench/xlat_cmp);
  3. GDB `dump binary memory` of 64 MiB of kernel VA: QEMU's gdbstub vs
     pgstub (TCP, and `target remote | pgstub --stdio`), pgstub's m and x
     packets from a raw client, the dump file;
  4. synthetic 1 TiB of 4K pages: info pg rate and memory (bench/walk_synth);
  5. pgstub start to first reply on a 16 GiB sparse dump;
  6. `check --all` (the page-table lint: two walks, findings with their
     paths) vs `info pg` on the recorded x86_64-4l dump, both over RSP;
  7. random VA->PA translations on the recorded aarch64 guests' ELF dumps
     (4K/48-bit and 16K/52-bit LPA2) vs libaddrxlat, under the TTBR0,
     TTBR1 and TCR QEMU reported (bench/xlat_cmp --aarch64).
"""
import argparse
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "realguest"))
import record  # noqa: E402  (QMP client, shared with the recorder)

CACHE = (os.environ.get("PGSTUB_GUEST_CACHE") or os.environ.get("PGSTUB_GUESTS")
         or os.path.join(os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub"),
                         "guests"))
MiB = 1 << 20


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def med(xs):
    return statistics.median(xs)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ------------------------------------------------------------ raw RSP client
class RSP:
    """Minimal GDB remote client: no-ack mode, qRcmd, m and x reads."""

    def __init__(self, port, timeout=60.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.s.settimeout(timeout)
        self.buf = bytearray()
        self.pos = 0
        self.noack = False
        self.features = self.cmd(b"qSupported:multiprocess+;binary-upload+")
        if b"QStartNoAckMode+" in self.features:
            self.cmd(b"QStartNoAckMode")
            self.noack = True

    def send(self, payload):
        self.s.sendall(b"$%s#%02x" % (payload, sum(payload) & 0xff))

    def recv(self):
        # self.buf[self.pos:] is unread; no copying per packet (a Python
        # client must not be what is measured).
        while True:
            i = self.buf.find(b"$", self.pos)
            if i >= 0:
                j = self.buf.find(b"#", i)
                if j >= 0 and len(self.buf) >= j + 3:
                    pkt = unrle(bytes(self.buf[i + 1:j]))
                    self.pos = j + 3
                    if not self.noack:
                        self.s.sendall(b"+")
                    return pkt
            del self.buf[:self.pos]
            self.pos = 0
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError("connection closed")
            self.buf += d

    def cmd(self, payload):
        self.send(payload)
        return self.recv()

    def rcmd(self, text):
        """Monitor command; returns the console output bytes."""
        self.send(b"qRcmd," + text.encode().hex().encode())
        out = []
        while True:
            p = self.recv()
            if p.startswith(b"O") and p != b"OK":
                out.append(bytes.fromhex(p[1:].decode()))
                continue
            if p.startswith(b"E"):
                raise RuntimeError("qRcmd %s: %r" % (text, p))
            return b"".join(out)

    def read(self, addr, length, binary, chunk):
        got = 0
        while got < length:
            n = min(chunk, length - got)
            if binary:
                p = self.cmd(b"x%x,%x" % (addr + got, n))
                data = unescape(p[1:]) if p.startswith(b"b") else b""
            else:
                p = self.cmd(b"m%x,%x" % (addr + got, n))
                data = bytes.fromhex(p.decode()) if not p.startswith(b"E") else b""
            if not data:
                raise RuntimeError("read at %#x: %r" % (addr + got, p[:20]))
            got += len(data)
        return got

    def close(self):
        try:
            self.send(b"D")
        except OSError:
            pass
        self.s.close()


_RLE = re.compile(rb"(.)\*(.)", re.S)


def unrle(b):
    """Undo run-length encoding: X*n repeats X n - 29 more times."""
    if b"*" not in b:
        return b
    return _RLE.sub(lambda m: m.group(1) * (m.group(2)[0] - 28), b)


def unescape(b):
    """Undo binary escaping: "}" then the byte XOR 0x20. No escaped byte
    is "}" itself (only #, $, } and * are escaped), so split on it."""
    if b"}" not in b:
        return b
    parts = b.split(b"}")
    return parts[0] + b"".join(bytes((p[0] ^ 0x20,)) + p[1:]
                               for p in parts[1:])


# ------------------------------------------------------------ processes
class Pgstub:
    def __init__(self, binary, image, extra=()):
        self.port = free_port()
        self.p = subprocess.Popen([binary, "--listen", "127.0.0.1:%d" % self.port]
                                  + list(extra) + [image],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


GDB16 = os.environ.get("BENCH_GDB16", os.path.join(
    os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub"), "gdb16", "gdb"))


def gdb_timed(port, commands, reps, gdb="gdb"):
    """Seconds each GDB command list takes once connected (GDB's own clock
    around the commands, output to /dev/null), one GDB process per rep.
    @port: a TCP port on 127.0.0.1, or a "| command" for GDB to run."""
    times = []
    target = port if isinstance(port, str) else "127.0.0.1:%d" % port
    for _ in range(reps):
        argv = [gdb, "-nx", "-batch", "-ex", "set pagination off",
                "-ex", "set confirm off", "-ex", "set architecture i386:x86-64",
                "-ex", "target remote " + target,
                "-ex", "python import time, sys; _t0 = time.monotonic()"]
        for c in commands:
            argv += ["-ex", c]
        argv += ["-ex", "python sys.stderr.write('BENCH-T %.6f\\n' % "
                 "(time.monotonic() - _t0))", "-ex", "detach"]
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=600)
        t = [l for l in r.stderr.decode(errors="replace").splitlines()
             if l.startswith("BENCH-T ")]
        if not t:
            raise RuntimeError("gdb failed: %s" % r.stderr.decode(errors="replace")[-500:])
        times.append(float(t[0].split()[1]))
    return times


# ------------------------------------------------------------ the real guest
class Guest:
    """The x86_64-4l realguest configuration, booted again with QMP and
    QEMU's gdbstub, stopped, and dumped with dump-guest-memory."""

    def __init__(self, tmp):
        meta = json.load(open(os.path.join(CACHE, "x86_64-4l", "meta.json")))
        argv = list(meta["qemu_argv"])
        self.tmp = tmp
        self.qmp_path = os.path.join(tmp, "qmp.sock")
        self.serial = os.path.join(tmp, "serial.log")
        for i, a in enumerate(argv):
            if a == "-qmp":
                argv[i + 1] = "unix:%s,server=on,wait=off" % self.qmp_path
            if a == "-serial":
                argv[i + 1] = "file:%s" % self.serial
        self.gdb_port = free_port()
        argv += ["-gdb", "tcp:127.0.0.1:%d" % self.gdb_port]
        for p in (meta["kernel"]["vmlinuz"], meta["kernel"]["initrd"]):
            if not os.path.exists(p):
                raise RuntimeError("%s missing: run tests/realguest/record-all.sh" % p)
        self.argv = argv
        self.proc = None

    def boot(self):
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.qmp = record.QMP(self.qmp_path)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("QEMU exited before PGSTUB-READY")
            if time.monotonic() - t0 > record.BOOT_TIMEOUT:
                raise RuntimeError("guest not ready")
            try:
                if b"PGSTUB-READY" in open(self.serial, "rb").read():
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        time.sleep(1.0)
        self.qmp.cmd("stop")
        log("guest up in %.1f s, stopped" % (time.monotonic() - t0))

    def dump(self, path):
        self.qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + path)
        os.chmod(path, 0o644)

    def stopped(self):
        self.qmp.cmd("stop")   # QEMU resumes the guest when GDB detaches

    def quit(self):
        if self.proc:
            try:
                self.qmp.cmd("quit")
            except Exception:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def kernel_range(info_mem, size):
    """First kernel-half range of @size bytes mapped contiguously."""
    for line in info_mem.splitlines():
        try:
            rng, sz, _ = line.split()
            lo = int(rng.split("-")[0], 16)
            if lo >= 0xffff800000000000 and int(sz, 16) >= size:
                return lo
        except ValueError:
            continue
    raise RuntimeError("no %d MiB kernel mapping in info mem" % (size >> 20))


# ------------------------------------------------------------ measurements
def m_real_guest(a, res):
    tmp = tempfile.mkdtemp(prefix="pgstub-bench.")
    g = Guest(tmp)
    dump = os.path.join(tmp, "dump.elf")
    out = os.path.join(tmp, "out.bin")
    try:
        g.boot()
        # 1. info tlb, QEMU over QMP on the paused guest.
        qt, lines = [], 0
        for _ in range(a.reps):
            t0 = time.monotonic()
            txt = g.qmp.hmp("info tlb", cpu=0)
            qt.append(time.monotonic() - t0)
            lines = txt.count("\n")
        qemu_tlb = os.path.join(tmp, "qemu_tlb.txt")
        with open(qemu_tlb, "w") as f:
            f.write(txt)
        info_mem = g.qmp.hmp("info mem", cpu=0)
        start = kernel_range(info_mem, a.dump_mib * MiB)
        g.dump(dump)
        st = Pgstub(a.pgstub, dump)
        try:
            r = RSP(st.port)
            pt, plines = [], 0
            for _ in range(a.reps):
                t0 = time.monotonic()
                txt = r.rcmd("info tlb")
                pt.append(time.monotonic() - t0)
                plines = txt.count(b"\n")
            res["info_tlb"] = {"qemu_qmp_s": qt, "pgstub_rsp_s": pt,
                               "qemu_lines": lines, "pgstub_lines": plines}
            # 3. raw RSP reads through pgstub, m and x packets.
            n = a.dump_mib * MiB
            for kind, binary in (("m", False), ("x", True)):
                if binary and b"binary-upload+" not in r.features:
                    continue
                ts = []
                for _ in range(a.reps):
                    t0 = time.monotonic()
                    r.read(start, n, binary, 0x3ff0 if not binary else 0x7ff0)
                    ts.append(time.monotonic() - t0)
                res.setdefault("dump64", {})["pgstub_rsp_%s_s" % kind] = ts
            r.close()
            # The same over RSP from the C client (pgstub serves one
            # connection at a time: after the Python client's).
            crsp = subprocess.run(
                [os.path.join(a.bin, "rsp_rcmd"), "127.0.0.1:%d" % st.port,
                 "info tlb", str(a.reps), qemu_tlb],
                capture_output=True, text=True, timeout=600)
            if crsp.returncode:
                raise RuntimeError("rsp_rcmd failed: " + crsp.stderr)
            cj = last_json(crsp.stdout, "rsp_rcmd")
            res["info_tlb"]["pgstub_crsp_s"] = cj["s"]
            res["info_tlb"]["pgstub_same_as_qemu"] = cj["same_as_expected"]
            log("info tlb: pgstub's text %s QEMU's (%d lines)" % (
                "is byte-identical to" if cj["same_as_expected"] else "DIFFERS from",
                cj["lines"]))
        finally:
            st.stop()
        d = res.setdefault("dump64", {})
        d["mib"] = a.dump_mib
        d["va"] = "%#x" % start
        # GDB, pgstub (each GDB run gets a fresh server: --once is not needed).
        st = Pgstub(a.pgstub, dump)
        try:
            res["info_tlb"]["pgstub_gdb_s"] = gdb_timed(st.port, ["monitor info tlb"], a.reps)
            d["pgstub_gdb_s"] = gdb_timed(
                st.port, ["dump binary memory %s %#x %#x" % (out, start, start + d["mib"] * MiB)],
                a.reps)
        finally:
            st.stop()
        # The same through a pipe, as the README starts it.
        d["pgstub_pipe_gdb_s"] = gdb_timed(
            "| %s --stdio %s" % (a.pgstub, dump),
            ["dump binary memory %s %#x %#x" % (out, start, start + d["mib"] * MiB)],
            a.reps)
        # GDB 16 (binary x), when tests/tools/fetch_gdb16.py has run.
        gdb16 = os.access(GDB16, os.X_OK)
        if gdb16:
            d["pgstub_gdb16_s"] = gdb_timed(
                "| %s --stdio %s" % (a.pgstub, dump),
                ["dump binary memory %s %#x %#x" % (out, start, start + d["mib"] * MiB)],
                a.reps, GDB16)
        # GDB, QEMU's gdbstub (the guest resumes on detach: stop it again).
        res["info_tlb"]["qemu_gdb_s"] = []
        d["qemu_gdb_s"] = []
        for _ in range(a.reps):
            res["info_tlb"]["qemu_gdb_s"] += gdb_timed(g.gdb_port, ["monitor info tlb"], 1)
            g.stopped()
        for _ in range(a.qemu_dump_reps):
            d["qemu_gdb_s"] += gdb_timed(
                g.gdb_port,
                ["dump binary memory %s %#x %#x" % (out, start, start + d["mib"] * MiB)], 1)
            g.stopped()
            if gdb16:
                d.setdefault("qemu_gdb16_s", []).extend(gdb_timed(
                    g.gdb_port,
                    ["dump binary memory %s %#x %#x" % (out, start, start + d["mib"] * MiB)],
                    1, GDB16))
                g.stopped()
        # The physical limit: the same number of bytes read from the dump file.
        ts = []
        for _ in range(a.reps):
            with open(dump, "rb", buffering=0) as f:
                f.seek(4096)
                t0 = time.monotonic()
                left = d["mib"] * MiB
                while left:
                    b = f.read(min(left, MiB))
                    if not b:
                        break
                    left -= len(b)
                ts.append(time.monotonic() - t0)
        d["file_read_s"] = ts
        # 2. translations on this dump, cpu0's registers from QMP.
        regs = record.parse_regs(g.qmp.hmp("info registers", cpu=0))
        res["xlat_dump"] = dump
        res["xlat_regs"] = regs
        m_xlat(a, res, dump, regs)
    finally:
        g.quit()
        for f in (out, dump, os.path.join(tmp, "qemu_tlb.txt")):
            if os.path.exists(f):
                os.unlink(f)
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


def last_json(stdout, name):
    for line in stdout.splitlines():
        if line.startswith('{"bench":"%s"' % name):
            return json.loads(line)
    raise RuntimeError("%s printed no JSON" % name)


def m_xlat(a, res, dump, regs):
    argv = [os.path.join(a.bin, "xlat_cmp"), dump]
    argv += [regs[k] for k in ("cr0", "cr3", "cr4", "efer")]
    argv += [str(a.lookups), str(a.reps)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    sys.stderr.write(r.stdout)
    if r.returncode:
        raise RuntimeError("xlat_cmp failed: " + r.stderr)
    res["xlat"] = last_json(r.stdout, "xlat_cmp")


def qemu_regs(path):
    """Registers as QEMU's gdbstub printed them (`info registers`)."""
    regs = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and w[1].startswith("0x"):
                regs[w[0]] = w[1]
    return regs


def m_xlat_arm64(a, res):
    done = 0
    for name in ("aarch64-virt-4k", "aarch64-virt-16k"):
        g = os.path.join(CACHE, name)
        if not os.path.exists(os.path.join(g, "meta.json")):
            log("%s is not recorded (tests/realguest/record_aarch64.py): "
                "left out" % name)
            continue
        r = qemu_regs(os.path.join(g, "cpu0", "gdb_info_registers.txt"))
        argv = [os.path.join(a.bin, "xlat_cmp"), "--aarch64",
                os.path.join(g, "dump.elf"), r["TTBR0_EL1"], r["TTBR1_EL1"],
                r["TCR_EL1"], r["SCTLR"], str(a.lookups), str(a.reps)]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=900)
        sys.stderr.write(p.stdout)
        if p.returncode:
            raise RuntimeError("xlat_cmp --aarch64 failed: " + p.stderr)
        res.setdefault("xlat_arm64", {})[name] = last_json(p.stdout, "xlat_cmp")
        done += 1
    if not done:
        raise RuntimeError("no aarch64 guest recorded")


def m_synth(a, res):
    argv = [os.path.join(a.bin, "walk_synth"), "--gib", str(a.gib),
            "--lookups", "200000", "--reps", str(a.reps)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    sys.stderr.write(r.stdout)
    if r.returncode:
        raise RuntimeError("walk_synth failed: " + r.stderr)
    res["synth"] = last_json(r.stdout, "walk_synth")
    argv[2] = str(max(1, a.gib // 16))
    r = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    if r.returncode == 0:
        res["synth_small"] = last_json(r.stdout, "walk_synth")


def sparse_elf(path, size):
    """An ELF64 x86_64 core with one PT_LOAD of @size bytes, all holes."""
    ehsz, phsz = 64, 56
    off = 4096
    eh = struct.pack("<16sHHIQQQIHHHHHH",
                     b"\x7fELF\x02\x01\x01" + b"\0" * 9, 4, 62, 1, 0, ehsz, 0, 0,
                     ehsz, phsz, 1, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 7, off, 0, 0, size, size, 4096)
    with open(path, "wb") as f:
        f.write(eh + ph)
        f.truncate(off + size)


def m_startup(a, res):
    tmp = tempfile.mkdtemp(prefix="pgstub-bench.")
    path = os.path.join(tmp, "sparse16g.elf")
    try:
        sparse_elf(path, 16 << 30)
        ts = []
        for _ in range(max(a.reps, 5)):
            t0 = time.monotonic()
            p = subprocess.Popen([a.pgstub, "--stdio", "--arch", "x86_64",
                                  "--cr0", "0x80000011", "--cr4", "0x20",
                                  "--efer", "0x500", "--cr3", "0x1000", path],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            p.stdin.write(b"$?#3f")
            p.stdin.flush()
            got = b""
            while b"#" not in got[got.find(b"$"):] if b"$" in got else True:
                c = p.stdout.read1(4096)
                if not c:
                    raise RuntimeError("pgstub: no reply: %s" % p.stderr.read().decode())
                got += c
            ts.append(time.monotonic() - t0)
            p.stdin.close()
            p.wait(10)
        res["startup"] = {"dump_gib": 16, "first_reply_s": ts}
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(tmp)


# ------------------------------------------------------------ report
def m_check(a, res):
    dump = os.path.join(CACHE, "x86_64-4l", "dump.elf")
    if not os.path.exists(dump):
        raise RuntimeError("no recorded x86_64-4l guest in " + CACHE)
    st = Pgstub(a.pgstub, dump)
    try:
        r = None
        for _ in range(50):
            try:
                r = RSP(st.port)
                break
            except OSError:
                time.sleep(0.1)
        if r is None:
            raise RuntimeError("pgstub did not listen")
        out = {}
        for name, cmd in (("info_pg", "info pg"), ("check", "check --all")):
            ts = []
            for _ in range(max(a.reps, 5)):
                t0 = time.monotonic()
                txt = r.rcmd(cmd)
                ts.append(time.monotonic() - t0)
            out[name + "_s"] = ts
            out[name + "_bytes"] = len(txt)
        r.close()
    finally:
        st.stop()
    res["check"] = out


def table(res):
    rows = []

    def row(name, ours, anchor, unit, target, better):
        ratio = ours / anchor if (ours is not None and anchor) else None
        ok = None
        if ratio is not None and target is not None:
            ok = ratio <= target if better == "lower" else ratio >= target
        rows.append((name, ours, anchor, unit, ratio, target, better, ok))

    t = res.get("info_tlb")
    if t:
        if t.get("pgstub_crsp_s"):
            row("1 info tlb, RSP (C client) vs QMP", med(t["pgstub_crsp_s"]) * 1e3,
                med(t["qemu_qmp_s"]) * 1e3, "ms", 0.2, "lower")
        row("1 info tlb, RSP (Python) vs QMP", med(t["pgstub_rsp_s"]) * 1e3,
            med(t["qemu_qmp_s"]) * 1e3, "ms", None, "lower")
        if t.get("pgstub_gdb_s") and t.get("qemu_gdb_s"):
            row("1 info tlb, GDB monitor (both)", med(t["pgstub_gdb_s"]) * 1e3,
                med(t["qemu_gdb_s"]) * 1e3, "ms", 0.2, "lower")
    x = res.get("xlat")
    if x and "pgwalk_psc_random" in x:
        # uncached: no TLB, no paging-structure cache, no map cache (every
        # level asks the memory callback, as libaddrxlat does); PSC: upper
        # levels cached as the MMU's paging-structure caches do, no TLB;
        # TLB+PSC: libpgwalk as pgstub uses it. Caches cold at each rep.
        for s_ in ("random", "local"):
            ax = x["addrxlat_%s" % s_] / 1e6
            row("2 xlat %s, uncached" % s_, x["pgwalk_uncached_%s" % s_] / 1e6,
                ax, "M/s", 5, "higher")
            row("2 xlat %s, map cache only" % s_, x["pgwalk_mapc_%s" % s_] / 1e6,
                ax, "M/s", None, "higher")
            row("2 xlat %s, PSC (no TLB)" % s_, x["pgwalk_psc_%s" % s_] / 1e6,
                ax, "M/s", 5, "higher")
            row("2 xlat %s, TLB+PSC" % s_, x["pgwalk_tlb_%s" % s_] / 1e6,
                ax, "M/s", 5, "higher")
    d = res.get("dump64")
    if d:
        mib = d["mib"]
        q = mib / med(d["qemu_gdb_s"]) if d.get("qemu_gdb_s") else None
        row("3 gdb dump binary memory", mib / med(d["pgstub_gdb_s"]), q, "MiB/s", 5, "higher")
        if d.get("pgstub_pipe_gdb_s"):
            row("3 the same, target remote | --stdio", mib / med(d["pgstub_pipe_gdb_s"]),
                q, "MiB/s", None, "higher")
        if d.get("pgstub_gdb16_s") and d.get("qemu_gdb16_s"):
            row("3 the same with GDB 16 (x), both", mib / med(d["pgstub_gdb16_s"]),
                mib / med(d["qemu_gdb16_s"]), "MiB/s", None, "higher")
        for k in ("m", "x"):
            if d.get("pgstub_rsp_%s_s" % k):
                row("3 raw RSP %s packets (pgstub)" % k, mib / med(d["pgstub_rsp_%s_s" % k]),
                    q, "MiB/s", None, "higher")
        row("3 dump file read (limit)", mib / med(d["file_read_s"]), None, "MiB/s", None, "higher")
    s = res.get("synth")
    if s:
        row("4 info pg, %d GiB of 4K" % s["gib"], s["info_pg_ptes_per_s"] / 1e6, 200,
            "M PTE/s", 1, "higher")
        row("4 range walk, leaf callback", s["walk_ptes_per_s"] / 1e6, None, "M PTE/s", None, "")
        row("4 anon RSS after walks", s["rss_anon_kib_after"] / 1024, None, "MiB", None, "")
        sm = res.get("synth_small")
        if sm:
            row("4 anon RSS, %d GiB (flat?)" % sm["gib"], sm["rss_anon_kib_after"] / 1024,
                None, "MiB", None, "")
    st = res.get("startup")
    if st:
        row("5 16 GiB sparse: first reply", med(st["first_reply_s"]) * 1e3, 50, "ms", 1, "lower")

    c = res.get("check")
    if c:
        row("6 check --all vs info pg (4-level)", med(c["check_s"]) * 1e3,
            med(c["info_pg_s"]) * 1e3, "ms", 2, "lower")

    for name, x in sorted(res.get("xlat_arm64", {}).items()):
        short = name.replace("aarch64-virt-", "arm64 ")
        for s_ in ("random", "local"):
            ax = x["addrxlat_%s" % s_] / 1e6
            row("7 %s xlat %s, uncached" % (short, s_),
                x["pgwalk_uncached_%s" % s_] / 1e6, ax, "M/s", None, "higher")
            row("7 %s xlat %s, TLB+PSC" % (short, s_),
                x["pgwalk_tlb_%s" % s_] / 1e6, ax, "M/s", 5, "higher")

    print("%-34s %12s %12s %-8s %8s %8s  %s" % ("measurement (median)", "pgstub", "anchor",
                                              "unit", "ratio", "target", "met"))
    for name, ours, anchor, unit, ratio, target, better, ok in rows:
        f = lambda v: "-" if v is None else ("%.3g" % v if v < 10 else "%.1f" % v)
        tg = "-" if target is None else ("<=%g" % target if better == "lower" else ">=%g" % target)
        print("%-34s %12s %12s %-8s %8s %8s  %s" % (
            name, f(ours), f(anchor), unit, "-" if ratio is None else "%.3g" % ratio,
            tg, {True: "yes", False: "NO", None: ""}[ok]))
    res["table"] = [dict(name=r[0], pgstub=r[1], anchor=r[2], unit=r[3], ratio=r[4],
                         target=r[5], better=r[6], met=r[7]) for r in rows]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with walk_synth, xlat_cmp")
    ap.add_argument("--pgstub", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--qemu-dump-reps", type=int, default=3)
    ap.add_argument("--dump-mib", type=int, default=64)
    ap.add_argument("--gib", type=int, default=1024, help="synthetic size (4)")
    ap.add_argument("--lookups", type=int, default=1000000)
    ap.add_argument("--only", default="1,2,3,4,5,6,7")
    ap.add_argument("--json", default="bench-results.json")
    a = ap.parse_args()
    only = set(a.only.split(","))
    res = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "host": os.uname().nodename, "reps": a.reps, "errors": {}}
    steps = []
    if only & {"1", "2", "3"}:
        steps.append(("real guest (1, 2, 3)", m_real_guest))
    if "4" in only:
        steps.append(("synthetic 1 TiB (4)", m_synth))
    if "5" in only:
        steps.append(("startup (5)", m_startup))
    if "6" in only:
        steps.append(("check vs info pg (6)", m_check))
    if "7" in only:
        steps.append(("arm64 translations (7)", m_xlat_arm64))
    for name, fn in steps:
        log(name)
        t0 = time.monotonic()
        try:
            fn(a, res)
        except Exception as e:  # report and carry on with the others
            log("%s failed: %s" % (name, e))
            res["errors"][name] = str(e)
        log("%s: %.1f s" % (name, time.monotonic() - t0))
    table(res)
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1, default=str)
    log("results in %s" % a.json)
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
