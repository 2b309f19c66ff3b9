#!/usr/bin/env python3
"""pgstub --qemu in front of qemu-system-riscv64 -M virt (TAP): one boot of
Debian trixie's riscv64 kernel (Sv57, QEMU 7.2's largest mode) on 2 harts
under TCG, as tests/realguest/record_riscv64.py boots it.

1. pgstub --qemu (memory through QEMU's gdbstub) and 2. the same with
--qemu-ram/--qmp (RAM mapped from QEMU's shared file): driver_riscv64.py,
inside gdb-multiarch, on each hart at two stops (the second after a
continue and Ctrl-C): satp, sstatus and priv read by name, pgstub's
`info mem` byte for byte QEMU's at the privilege the hart stopped in, and
again after the harts swap satp through GDB; in S-mode with SUM, pgstub's
gva2gpa and vtop of kernel and user addresses = QEMU's gva2gpa on that
hart, the walk rooted at the live satp, GDB's x and pgstub's x/xp =
QEMU's; info pg and info tlb served.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import live_guest  # noqa: E402
from live_guest import Guest, run_driver_script, stop_pgstub  # noqa: E402

PGSTUB = os.environ.get("PGSTUB", "pgstub")
GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
results = []
logs = []


def ok(name, good, detail=""):
    results.append((name, good, detail))
    print("%s %d - %s%s" % ("ok" if good else "not ok", len(results), name,
                            "" if good else " # " + str(detail)[:300]),
          flush=True)


def start_pgstub(args):
    return live_guest.start_pgstub(PGSTUB, args, logs)


def main():
    why = Guest.available("riscv64")
    if why:
        print("1..0 # SKIP %s" % why)
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-rv64-")
    g = Guest(work, arch="riscv64")
    t0 = time.monotonic()
    try:
        g.boot()
        ok("boot", "_stext" in g.ksym and "_etext" in g.ksym,
           "%.1f s, %d symbols" % (g.boot_secs, len(g.ksym)))
        if "_stext" in g.ksym and "_etext" in g.ksym:
            for tag, extra in (("gdbstub", []),
                               ("ram", ["--qemu-ram", g.ram, "--qmp", g.qmp])):
                p, port, log = start_pgstub(
                    ["--qemu", "127.0.0.1:%d" % g.gdb_port] + extra)
                params = dict(tag=tag, target="127.0.0.1:%d" % port,
                              qmp=g.qmp, _stext=g.ksym["_stext"],
                              _etext=g.ksym["_etext"])
                run_driver_script(GDB, os.path.join(HERE, "driver_riscv64.py"),
                                  params, log, tag, ok, 25)
                stop_pgstub(p)
    finally:
        g.quit()
    return live_guest.finish(ok, results, logs, t0,
                             getattr(g, "boot_secs", 0), work)


if __name__ == "__main__":
    sys.exit(main())
