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
Usage: bench/live_bench.py [PGSTUB [JSON]] (default: ./pgstub, no JSON).
Prints a table; with JSON, writes every round's figures there too.
"""
import json
import os
import re
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
import gdb, time
gdb.execute("target remote %(target)s")
pob = int(gdb.parse_and_eval("*(unsigned long *)0x%(pob)x")) & (2**64 - 1)
gdb.execute("stepi")
step = 1e9
for _ in range(3):  # best of 3: the machine is shared
    t = time.perf_counter()
    for _ in range(%(steps)d):
        gdb.execute("stepi", to_string=True)
    step = min(step, (time.perf_counter() - t) / %(steps)d)
read = 1e9
for _ in range(3):
    t = time.perf_counter()
    gdb.execute("dump binary memory %(out)s 0x%%x 0x%%x" %% (pob, pob + %(bytes)d))
    read = min(read, time.perf_counter() - t)
print("BENCH step_us=%%.1f read_s=%%.3f" %% (step * 1e6, read))
gdb.execute("detach")
'''


def run(target, g, out, gdb="gdb"):
    script = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
    script.write(GDB_PY % dict(target=target, pob=g.ksym["page_offset_base"],
                               steps=STEPS, out=out, bytes=MIB << 20))
    script.close()
    r = subprocess.run([gdb, "-q", "-batch", "-nx", "-x", script.name],
                       capture_output=True, text=True, timeout=1800)
    os.unlink(script.name)
    m = re.search(r"BENCH step_us=([\d.]+) read_s=([\d.]+)", r.stdout)
    if not m:
        raise RuntimeError(r.stdout[-800:] + r.stderr[-800:])
    size = os.path.getsize(out)
    return float(m.group(1)), float(m.group(2)), size


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


def main():
    why = Guest.available()
    if why:
        print("skipped: %s" % why)
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-bench-")
    g = Guest(work)
    g.boot()
    out = os.path.join(work, "dump.bin")
    fast = ["--qemu-ram", g.ram, "--qmp", g.qmp]
    # (name, pgstub's extra arguments or None for QEMU directly, gdb);
    # each group's ratios are to its own "directly" row.
    ways = [("QEMU gdbstub directly", None, "gdb"),
            ("pgstub --qemu", [], "gdb"),
            ("pgstub --qemu --qemu-ram --qmp", fast, "gdb")]
    if os.access(GDB16, os.X_OK):
        ways += [("GDB 16: QEMU gdbstub directly", None, GDB16),
                 ("GDB 16: pgstub --qemu-ram --qmp", fast, GDB16)]
    got = {name: [] for name, _, _ in ways}
    try:
        for _ in range(ROUNDS):
            for name, extra, gdb in ways:
                if extra is None:
                    got[name].append(run("127.0.0.1:%d" % g.gdb_port, g, out,
                                         gdb))
                    continue
                p, port = pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port] +
                                 extra)
                try:
                    got[name].append(run("127.0.0.1:%d" % port, g, out, gdb))
                finally:
                    p.kill()
                    p.wait()
                    time.sleep(0.3)
    finally:
        g.quit()
    rows = []
    for name, extra, _ in ways:
        r = got[name]
        rows.append((name, extra is None, median([x[0] for x in r]),
                     median([x[1] for x in r]), r[-1][2]))
    print("%d rounds of 3x%d stepi and 3x%d MiB of kernel VA (direct map), "
          "x86_64 TCG, QEMU 7.2; medians over the rounds"
          % (ROUNDS, STEPS, MIB))
    print("%-34s %10s %7s %10s %10s %7s" % ("", "stepi us", "x", "read s",
                                          "MiB/s", "x"))
    result = {"rounds": ROUNDS, "steps": STEPS, "mib": MIB, "ways": []}
    for name, direct, step, read, size in rows:
        if direct:
            base_step, base_read = step, read
        print("%-34s %10.1f %7.2f %10.3f %10.1f %7.2f" % (
            name, step, step / base_step, read, size / read / (1 << 20),
            base_read / read))
        result["ways"].append({
            "name": name, "stepi_us": step, "stepi_ratio": step / base_step,
            "read_s": read, "read_mib_s": size / read / (1 << 20),
            "read_ratio": base_read / read,
            "rounds": [{"stepi_us": x[0], "read_s": x[1]} for x in got[name]]})
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
