#!/usr/bin/env python3
"""pgstub --qemu in front of a live POWER9 powernv guest (radix, 2 vCPUs,
Debian's ppc64el kernel under TCG), through its gdbstub alone and with
--qemu-ram: driver_ppc64.py runs in GDB and checks pgstub against QEMU's
own monitor (QMP) on the same vCPU. QEMU 7.2's gdbstub reads SPRs on
vCPU 0 only; vCPU 1's come from its monitor, and are checked the same
way. TAP output.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import live_guest  # noqa: E402
from live_guest import Guest, stop_pgstub  # noqa: E402
import qemu_truth  # noqa: E402

PGSTUB = os.environ.get("PGSTUB", "pgstub")
GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
MSR_PR = 1 << 14
results = []
logs = []


def ok(name, good, detail=""):
    results.append((name, good, detail))
    print("%s %d - %s%s" % ("ok" if good else "not ok", len(results), name,
                            "" if good else " # " + str(detail)[:400]),
          flush=True)


def run_driver(tag, port, g, log, min_results=14):
    params = dict(tag=tag, target="127.0.0.1:%d" % port, qmp=g.qmp,
                  _stext=g.ksym["_stext"], ram=tag != "gdbstub")
    live_guest.run_driver_script(GDB, os.path.join(HERE, "driver_ppc64.py"),
                                 params, log, tag, ok, min_results)


def registered_patb(g, work):
    """The process-table entry the pseries guest registered, which only
    the machine keeps: migrate to a file, read it there with pgstub
    shell's `info patb`, resume the guest."""
    mig = os.path.join(work, "guest.mig")
    qemu_truth.hmp(g.qmp, 'migrate "exec:cat > %s"' % mig, 0)
    for _ in range(600):
        st = qemu_truth.hmp(g.qmp, "info migrate", 0)
        if "Migration status: completed" in st or "failed" in st:
            break
        time.sleep(0.1)
    qemu_truth.hmp(g.qmp, "cont", 0)
    r = subprocess.run([PGSTUB, "shell", "-c", "info patb", mig],
                       capture_output=True, text=True, errors="replace",
                       timeout=120)
    m = re.search(r"PATE dw1 (0x[0-9a-f]+): GR=1", r.stdout)
    ok("pseries-patb-from-stream", m is not None, (r.stdout + r.stderr +
                                                  st)[-300:])
    os.unlink(mig)
    return m.group(1) if m else None


def main():
    why = Guest.available("ppc64-powernv9")
    if why:
        print("1..0 # SKIP %s" % why)
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-ppc64-")
    g = Guest(work, arch="ppc64-powernv9", mem="1G", ram_mb=1024)
    t0 = time.monotonic()
    try:
        g.boot()
        ok("boot", "_stext" in g.ksym, "%.1f s, %d symbols" % (
            g.boot_secs, len(g.ksym)))
        for tag, extra in (("gdbstub", []),
                           ("ram", ["--qemu-ram", g.ram, "--qmp", g.qmp])):
            p, port, log = live_guest.start_pgstub(
                PGSTUB, ["--qemu", "127.0.0.1:%d" % g.gdb_port] + extra, logs)
            run_driver(tag, port, g, log)
            stop_pgstub(p)
    finally:
        g.quit()
    # pseries: radix through the registered entry (--reg patb), MSR[HV]
    # clear; without it, pgstub names what to give.
    g2 = Guest(os.path.join(work, "pseries"), arch="ppc64-pseries-p9")
    try:
        g2.boot()
        ok("pseries-boot", "_stext" in g2.ksym, "%.1f s" % g2.boot_secs)
        p, port, log = live_guest.start_pgstub(
            PGSTUB, ["--qemu", "127.0.0.1:%d" % g2.gdb_port], logs)
        out = subprocess.run(
            [GDB, "-q", "-batch", "-nx", "-ex",
             "set architecture powerpc:common64", "-ex",
             "target remote 127.0.0.1:%d" % port, "-ex",
             "monitor gva2gpa %#x" % g2.ksym["_stext"]],
            capture_output=True, text=True, errors="replace", timeout=120)
        stop_pgstub(p)
        ok("pseries-without-patb", "give --reg patb=PATE1" in out.stdout +
           out.stderr, (out.stdout + out.stderr)[-300:])
        patb = registered_patb(g2, work)
        if patb:
            p, port, log = live_guest.start_pgstub(
                PGSTUB, ["--qemu", "127.0.0.1:%d" % g2.gdb_port,
                         "--qemu-ram", g2.ram, "--qmp", g2.qmp,
                         "--reg", "patb=" + patb], logs)
            run_driver("pseries", port, g2, log)
            stop_pgstub(p)
    finally:
        g2.quit()
    return live_guest.finish(ok, results, logs, t0,
                             getattr(g, "boot_secs", 0), work)


if __name__ == "__main__":
    sys.exit(main())
