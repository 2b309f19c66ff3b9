#!/usr/bin/env python3
"""pgstub-over-QEMU vs GDB on QEMU's gdbstub directly, one guest, one run.

Boots the tests/live guest (x86_64, TCG, 512M in a shared RAM file) and
times, through gdb in batch mode, for each of: QEMU directly, pgstub
--qemu, pgstub --qemu --qemu-ram --qmp (and, when Debian 13's GDB 16 is
in the cache (tests/tools/fetch_gdb16.py), QEMU directly and pgstub
--qemu-ram again under it: GDB 16 reads with binary "x"):
  - stepi round trip (N single-steps, mean per step, best of 3 batches);
  - `dump binary memory` of 64 MiB of kernel VA (the direct map), best of 3.
The three take turns, LIVE_BENCH_ROUNDS times (default 3): on a shared
machine, load that comes and goes then falls on all of them alike, and the
table gives each one's median over the rounds.
Each stepping row also gives how long, per step, QEMU's vCPU threads
waited on a host run queue (their /proc schedstat): the guest keeps both
vCPUs busy, so on a host with few cores a stepped vCPU can queue behind
the one left running. Two more rows step a 1-vCPU guest, where that
contention is absent (LIVE_BENCH_SMP1=0 skips them).
Usage: bench/live_bench.py [PGSTUB [JSON]] (default: ./pgstub, no JSON).
Prints a table; with JSON, writes every round's figures there too.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "live"))
from live_guest import Guest, free_port  # noqa: E402

PGSTUB = sys.argv[1] if len(sys.argv) > 1 else "./pgstub"
STEPS = int(os.environ.get("LIVE_BENCH_STEPS", "100"))
MIB = int(os.environ.get("LIVE_BENCH_MIB", "64"))
ROUNDS = int(os.environ.get("LIVE_BENCH_ROUNDS", "3"))
GDB16 = os.environ.get("BENCH_GDB16", os.path.join(
    os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub"), "gdb16", "gdb"))

GDB_PY = r'''
import gdb, os, time


def vcpu_wait_ns():
    """Run-queue wait so far of QEMU's vCPU threads, summed (ns)."""
    tasks = "/proc/%(qemu_pid)d/task"
    total = 0
    for t in os.listdir(tasks):
        try:
            with open("%%s/%%s/comm" %% (tasks, t)) as f:
                if not f.read().startswith("CPU "):
                    continue
            with open("%%s/%%s/schedstat" %% (tasks, t)) as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total


gdb.execute("target remote %(target)s")
pob = int(gdb.parse_and_eval("*(unsigned long *)0x%(pob)x")) & (2**64 - 1)
gdb.execute("stepi")
step, wait = 1e9, 0
for _ in range(3):  # best of 3: the machine is shared
    w = vcpu_wait_ns()
    t = time.perf_counter()
    for _ in range(%(steps)d):
        gdb.execute("stepi", to_string=True)
    dt = (time.perf_counter() - t) / %(steps)d
    if dt < step:
        step, wait = dt, (vcpu_wait_ns() - w) / %(steps)d
reads = []
for _ in range(3 if %(bytes)d else 0):
    t = time.perf_counter()
    gdb.execute("dump binary memory %(out)s 0x%%x 0x%%x" %% (pob, pob + %(bytes)d))
    reads.append(time.perf_counter() - t)
read = min(reads, default=0)
print("BENCH step_us=%%.1f wait_us=%%.1f read_s=%%.3f" %% (step * 1e6, wait / 1e3, read))
gdb.execute("detach")
'''


def run(target, g, out, gdb="gdb", mib=MIB):
    """(stepi us, vCPU run-queue wait us a step, read s, bytes read);
    mib=0: stepping only (read s and bytes are 0)."""
    script = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
    script.write(GDB_PY % dict(target=target, pob=g.ksym["page_offset_base"],
                               steps=STEPS, out=out, bytes=mib << 20,
                               qemu_pid=g.proc.pid))
    script.close()
    r = subprocess.run([gdb, "-q", "-batch", "-nx", "-x", script.name],
                       capture_output=True, text=True, timeout=1800)
    os.unlink(script.name)
    m = re.search(r"BENCH step_us=([\d.]+) wait_us=([\d.]+) "
                  r"read_s=([\d.]+)", r.stdout)
    if not m:
        raise RuntimeError(r.stdout[-800:] + r.stderr[-800:])
    size = os.path.getsize(out) if mib else 0
    return float(m.group(1)), float(m.group(2)), float(m.group(3)), size


def pgstub(args):
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="pgstub-bench-")
    p = subprocess.Popen([PGSTUB, "--listen", "127.0.0.1:%d" % port] + args,
                         stdout=log, stderr=log)
    for _ in range(200):
        if b"listening on" in open(log.name, "rb").read():
            break
        time.sleep(0.05)
    return p, port


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def measure(g, ways, out, mib):
    """Every way, ROUNDS times in turn: {name: [run() result, ...]}."""
    got = {name: [] for name, _, _ in ways}
    for _ in range(ROUNDS):
        for name, extra, gdb in ways:
            if extra is None:
                got[name].append(run("127.0.0.1:%d" % g.gdb_port, g, out,
                                     gdb, mib))
                continue
            p, port = pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port] + extra)
            try:
                got[name].append(run("127.0.0.1:%d" % port, g, out, gdb,
                                     mib))
            finally:
                p.kill()
                p.wait()
                time.sleep(0.3)
    return got


def main():
    why = Guest.available()
    if why:
        print("skipped: %s" % why)
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-bench-")
    try:
        return bench(work)
    finally:
        # The guests' RAM files are 512 MiB each.
        shutil.rmtree(work, ignore_errors=True)


def bench(work):
    out = os.path.join(work, "dump.bin")
    g = Guest(work)
    g.boot()
    fast = ["--qemu-ram", g.ram, "--qmp", g.qmp]
    # (name, pgstub's extra arguments or None for QEMU directly, gdb);
    # each group's ratios are to its own "directly" row.
    ways = [("QEMU gdbstub directly", None, "gdb"),
            ("pgstub --qemu", [], "gdb"),
            ("pgstub --qemu --qemu-ram --qmp", fast, "gdb")]
    if os.access(GDB16, os.X_OK):
        ways += [("GDB 16: QEMU gdbstub directly", None, GDB16),
                 ("GDB 16: pgstub --qemu-ram --qmp", fast, GDB16)]
    try:
        got = measure(g, ways, out, MIB)
    finally:
        g.quit()
    one = [("1 vCPU: QEMU gdbstub directly", None, "gdb"),
           ("1 vCPU: pgstub --qemu", [], "gdb")]
    if os.environ.get("LIVE_BENCH_SMP1", "1") != "0":
        g = Guest(os.path.join(work, "smp1"), smp=1)
        g.boot()
        try:
            got.update(measure(g, one, out, 0))
        finally:
            g.quit()
        ways += one
    print("%d rounds of 3x%d stepi and 3x%d MiB of kernel VA (direct map), "
          "x86_64 TCG, QEMU 7.2, %d host CPUs; medians over the rounds"
          % (ROUNDS, STEPS, MIB, os.cpu_count()))
    print("%-34s %9s %6s %8s %9s %9s %6s" % (
        "", "stepi us", "x", "rq-wait", "read s", "MiB/s", "x"))
    result = {"rounds": ROUNDS, "steps": STEPS, "mib": MIB,
              "host_cpus": os.cpu_count(), "ways": []}
    for name, extra, _ in ways:
        r = got[name]
        step = median([x[0] for x in r])
        wait = median([x[1] for x in r])
        read = median([x[2] for x in r])
        size = r[-1][3]
        if extra is None:
            base_step, base_read = step, read
        row = {"name": name, "stepi_us": step, "stepi_ratio": step / base_step,
               "vcpu_rq_wait_us": wait,
               "rounds": [{"stepi_us": x[0], "vcpu_rq_wait_us": x[1],
                           "read_s": x[2]} for x in r]}
        line = "%-34s %9.1f %6.2f %8.1f" % (name, step, step / base_step, wait)
        if size:
            row.update(read_s=read, read_mib_s=size / read / (1 << 20),
                       read_ratio=base_read / read)
            line += " %9.3f %9.1f %6.2f" % (read, row["read_mib_s"],
                                           row["read_ratio"])
        print(line)
        result["ways"].append(row)
    print("rq-wait: us a step QEMU's vCPU threads spent runnable but not "
          "running (host CPU contention)")
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
