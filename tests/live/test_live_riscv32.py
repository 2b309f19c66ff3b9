#!/usr/bin/env python3
"""pgstub --qemu in front of qemu-system-riscv32 -M virt (TAP): the bare-metal
guest of tests/realguest/rv32 (Debian has no riscv32 kernel) on 2 harts
under TCG, hart 0 in S-mode and hart 1 in U-mode, each under its own Sv32
root.

Twice: 1. pgstub --qemu (memory through QEMU's gdbstub), 2. the same with
--qemu-ram/--qmp (RAM mapped from QEMU's shared file). A real
gdb-multiarch (riscv:rv32) on each hart: pc, satp and priv read by name
(QEMU's 32-bit registers), pgstub's `info mem` equal to QEMU's but for the
lines QEMU prints for entries Sv32 reserves or refuses (check_riscv32.py's
rule), gva2gpa of sampled addresses = QEMU's gva2gpa on that hart (hart 1
answers QEMU at U-mode: its user pages only; execute-only pages as in
check_riscv32.py), GDB's x = QEMU's x; then hart 0 given hart 1's satp
through GDB: pgstub's info mem follows, and satp is put back.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "realguest"))
import live_guest  # noqa: E402
import qemu_truth  # noqa: E402
from live_guest import free_port, stop_pgstub  # noqa: E402
from record_riscv32 import build, info_mem_runs  # noqa: E402
from check_riscv32 import PLANTED, debugger_answer, refused_by_spec  # noqa: E402

PGSTUB = os.environ.get("PGSTUB", "pgstub")
GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
RAM_MB = 64
LOOPS = {0: (0x80000038, 0x8000003c), 1: (0x400000, 0x400004)}  # s_loop, user_loop
results = []
logs = []


def ok(name, good, detail=""):
    results.append((name, good, detail))
    print("%s %d - %s%s" % ("ok" if good else "not ok", len(results), name,
                            "" if good else " # " + str(detail)[:400]), flush=True)


def boot(work):
    elf = build(work)
    ram = os.path.join(work, "ram")
    with open(ram, "wb") as f:
        f.truncate(RAM_MB << 20)
    g = dict(qmp=os.path.join(work, "qmp.sock"), ram=ram, port=free_port(),
             serial=os.path.join(work, "serial.log"))
    argv = [shutil.which("qemu-system-riscv32"), "-accel", "tcg", "-M", "virt",
            "-smp", "2", "-m", "%dM" % RAM_MB, "-bios", "none", "-kernel", elf,
            "-display", "none", "-monitor", "none", "-serial", "file:" + g["serial"],
            "-net", "none", "-no-reboot", "-qmp", "unix:%s,server=on,wait=off" % g["qmp"],
            "-gdb", "tcp:127.0.0.1:%d" % g["port"],
            "-object", "memory-backend-file,id=ram0,size=%dM,mem-path=%s,share=on"
            % (RAM_MB, ram), "-machine", "memory-backend=ram0"]
    g["proc"] = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60 and g["proc"].poll() is None:
        if os.path.exists(g["serial"]) and b"PGSTUB-READY" in open(g["serial"], "rb").read():
            break
        time.sleep(0.1)
    time.sleep(0.3)   # both harts out of M-mode
    g["boot_secs"] = time.monotonic() - t0
    return g


def hmp(g, cmd, cpu):
    return qemu_truth.hmp(g["qmp"], cmd, cpu)


def truth(g):
    """QEMU's answers per hart, the guest stopped by QMP. Its `info mem`
    last: QEMU 7.2's gva2gpa sets the A bit of the entries it walks (a
    debug query writes the guest's tables), and pgstub reads them after."""
    hmp(g, "stop", 0)
    rng = random.Random(32)
    t = {}
    for cpu in (0, 1):
        regs = {f[0]: "0x" + f[1] for f in
                (l.split() for l in hmp(g, "info registers", cpu).splitlines())
                if len(f) == 2 and re.match(r"^[0-9a-f]{8}$", f[1])}
        rs = [r for r in info_mem_runs(hmp(g, "info mem", cpu))
              if not refused_by_spec("%x %x %x %s" % r)]
        # Hart 1 is in U-mode, where QEMU's gva2gpa maps user pages only.
        pick = [r for r in rs if cpu == 0 or "u" in r[3]]
        addrs = sorted({a for va, pa, size, attr in pick
                        for a in (va, va + size - 4, va + rng.randrange(size), va + size)} |
                       {int(a, 16) for a in PLANTED[cpu]} | {0})
        g2g = {a: hmp(g, "gva2gpa 0x%x" % a, cpu).strip() for a in addrs}
        if cpu == 0:  # hart 0's MXR is clear
            g2g = {a: debugger_answer(rs, a, w) for a, w in g2g.items()}
        xs = {}
        for va, pa, size, attr in pick:
            if attr[0] == "r" and 0x80000000 <= pa < 0x80000000 + (RAM_MB << 20):
                a = va + (rng.randrange(size) & ~3 & 0xfff)
                xs[a] = hmp(g, "x /4wx 0x%x" % a, cpu).split(":", 1)[1].split()
        t[cpu] = dict(regs=regs, g2g=g2g, x=xs)
    for cpu in (0, 1):
        t[cpu]["mem"] = hmp(g, "info mem", cpu)
    return t


def gdb_session(port, cpus_cmds):
    """One gdb-multiarch -batch through pgstub; {(cpu, key): [lines]}."""
    argv = [GDB, "-q", "-batch", "-nx", "-ex", "set pagination off",
            "-ex", "set confirm off", "-ex", "set architecture riscv:rv32",
            "-ex", "set remotetimeout 30", "-ex", "target remote 127.0.0.1:%d" % port]
    for cpu, cmds in cpus_cmds:
        argv += ["-ex", "thread %d" % (cpu + 1)]
        for key, cmd in cmds:
            argv += ["-ex", "echo @@%d %s\\n" % (cpu, key), "-ex", cmd]
    argv += ["-ex", "echo @@end\\n", "-ex", "disconnect"]
    # One stream, in order: GDB prints a monitor command's reply on stderr.
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    out, cur = {}, None
    for line in p.stdout.decode("latin-1").splitlines():
        m = re.match(r"@@(\d+) (\S+)$", line)
        if m:
            cur = out.setdefault((int(m.group(1)), m.group(2)), [])
        elif line == "@@end":
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def first_diff(mine, want):
    for i, (a, b) in enumerate(zip(mine, want)):
        if a != b:
            return "line %d: pgstub %r QEMU %r" % (i + 1, a, b)
    return "pgstub %d lines, QEMU %d" % (len(mine), len(want))


def check_mode(g, t, tag, extra):
    p, port, log = live_guest.start_pgstub(
        PGSTUB, ["--qemu", "127.0.0.1:%d" % g["port"]] + extra, logs)
    jobs = []
    for cpu in (0, 1):
        cmds = [("regs", "info registers pc satp priv"), ("mem", "monitor info mem")]
        cmds += [("g%x" % a, "monitor gva2gpa 0x%x" % a) for a in t[cpu]["g2g"]]
        cmds += [("x%x" % a, "x/4wx 0x%x" % a) for a in t[cpu]["x"]]
        if cpu == 0:
            satp1 = int(t[1]["regs"]["satp"], 16)
            cmds += [("swap", "set $satp = %d" % satp1), ("swapped", "monitor info mem"),
                     ("back", "set $satp = %s" % t[0]["regs"]["satp"]),
                     ("satp", "info registers satp")]
        jobs.append((cpu, cmds))
    got = gdb_session(port, jobs)
    stop_pgstub(p)
    for cpu in (0, 1):
        r = {l.split()[0]: int(l.split()[1], 16) for l in got.get((cpu, "regs"), [])
             if len(l.split()) >= 2 and l.split()[1].startswith("0x")}
        want_satp = int(t[cpu]["regs"]["satp"], 16)
        ok("%s hart%d: pc, satp and priv read through pgstub" % (tag, cpu),
           r.get("satp") == want_satp and r.get("pc") in LOOPS[cpu] and
           r.get("priv") == (1 if cpu == 0 else 0), "%r vs satp %#x" % (r, want_satp))
        qemu = [l.rstrip() for l in t[cpu]["mem"].splitlines() if l.strip()]
        want = qemu[:2] + [l for l in qemu[2:] if not refused_by_spec(l)]
        mine = [l.rstrip() for l in got.get((cpu, "mem"), []) if l.strip()]
        ok("%s hart%d: info mem = QEMU's %d lines but its %d for refused entries"
           % (tag, cpu, len(qemu), len(qemu) - len(want)), mine == want,
           first_diff(mine, want))
        bad = ["0x%x: %r vs %r" % (a, got.get((cpu, "g%x" % a)), w)
               for a, w in t[cpu]["g2g"].items() if got.get((cpu, "g%x" % a)) != [w]]
        ok("%s hart%d: gva2gpa = QEMU's on %d addresses" % (tag, cpu, len(t[cpu]["g2g"])),
           not bad and t[cpu]["g2g"], "; ".join(bad[:5]))
        bad = []
        for a, words in t[cpu]["x"].items():
            lines = got.get((cpu, "x%x" % a), [])
            mine = [w for l in lines for w in l.split(":", 1)[-1].split()]
            if mine != words and (not all(re.match(r"^0x[0-9a-f]+$", w) for w in mine)
                                  or [int(w, 16) for w in mine] != [int(w, 16) for w in words]):
                bad.append("0x%x: %r vs %r" % (a, lines, words))
        ok("%s hart%d: GDB's x = QEMU's x on %d addresses" % (tag, cpu, len(t[cpu]["x"])),
           not bad and t[cpu]["x"], "; ".join(bad[:3]))
    q1 = [l.rstrip() for l in t[1]["mem"].splitlines() if l.strip()]
    want = q1[:2] + [l for l in q1[2:] if not refused_by_spec(l)]
    swapped = [l.rstrip() for l in got.get((0, "swapped"), []) if l.strip()]
    back = [l for l in got.get((0, "satp"), []) if "satp" in l]
    ok("%s hart0 given hart1's satp through GDB: info mem follows, then satp put back"
       % tag, swapped == want and back and
       int(back[0].split()[1], 16) == int(t[0]["regs"]["satp"], 16),
       "%r / %r" % (swapped[:4], back))


def main():
    for tool in ("qemu-system-riscv32", "clang", "ld.lld", GDB):
        if not shutil.which(tool):
            print("1..0 # SKIP %s not installed (scripts/setup-deps)" % tool)
            return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-rv32-")
    t0 = time.monotonic()
    g = None
    try:
        g = boot(work)
        ready = g["proc"].poll() is None and b"!" not in open(g["serial"], "rb").read()
        ok("boot to PGSTUB-READY, no trap", ready, open(g["serial"], "rb").read()[-200:])
        if ready:
            t = truth(g)
            check_mode(g, t, "gdbstub", [])
            check_mode(g, t, "ram", ["--qemu-ram", g["ram"], "--qmp", g["qmp"]])
    finally:
        if g and g["proc"].poll() is None:
            g["proc"].kill()
            g["proc"].wait()
    return live_guest.finish(ok, results, logs, t0, g["boot_secs"] if g else 0, work)


if __name__ == "__main__":
    sys.exit(main())
