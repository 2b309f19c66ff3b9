#!/usr/bin/env python3
"""pgstub --qemu in front of qemu-system-aarch64 -M virt (TAP): one boot of
Debian's bookworm arm64 kernel (4K pages, 48-bit VA) on 2 vCPUs under TCG.

1. pgstub --qemu (memory through QEMU's gdbstub) and 2. the same with
--qemu-ram/--qmp (RAM mapped from QEMU's shared file): driver_aarch64.py,
inside gdb-multiarch, on each vCPU at two stops (the second after a
continue and Ctrl-C): system registers read by name, pgstub's gva2gpa and
vtop of kernel and user addresses = QEMU's gva2gpa on that vCPU, the walk
rooted at the live TTBR0/TTBR1_EL1, GDB's x and pgstub's x/xp = QEMU's,
info pg and info tlb served, a page-table entry rewritten through GDB
seen at once; no memory map (top-byte-ignore: any top byte translates).
3. A second boot with EL2 (-M virt,virtualization=on): the kernel runs at
EL2 with VHE, and the same driver checks the EL2&0 regime (TTBR0/1_EL2,
TCR_EL2, the EL2h view) through pgstub --qemu.
4. qemu-system-ppc64 (not booted): served, and pgstub says why it cannot
   translate at reset (hash MMU, no SLB or HPT through the gdbstub).
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import live_guest  # noqa: E402
from live_guest import Guest, free_port, run_driver_script, stop_pgstub  # noqa: E402

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


def run_driver(tag, port, g, log, min_results=20, el2=False):
    params = dict(tag=tag, target="127.0.0.1:%d" % port, qmp=g.qmp,
                  _stext=g.ksym["_stext"], _etext=g.ksym["_etext"], el2=el2)
    run_driver_script(GDB, os.path.join(HERE, "driver_aarch64.py"), params,
                      log, tag, ok, min_results)


def ppc64_at_reset():
    """pgstub --qemu before a ppc64 QEMU's gdbstub (-S: nothing boots):
    served, and at reset (hash MMU, no tables) it says why it cannot
    translate. The radix guest is tests/live/test_live_ppc64.py's."""
    qemu = shutil.which("qemu-system-ppc64")
    if not qemu:
        ok("ppc64-at-reset # SKIP no qemu-system-ppc64", True)
        return
    qport = free_port()
    q = subprocess.Popen([qemu, "-M", "pseries", "-S", "-display", "none",
                          "-monitor", "none", "-serial", "none", "-gdb",
                          "tcp:127.0.0.1:%d" % qport],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # until the gdbstub listens
            try:
                socket.create_connection(("127.0.0.1", qport), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % qport])
        r = subprocess.run([GDB, "-q", "-batch", "-nx", "-ex",
                            "set architecture powerpc:common64", "-ex",
                            "target remote 127.0.0.1:%d" % port, "-ex",
                            "monitor gva2gpa 0x1000", "-ex", "p/x $pc"],
                           capture_output=True, text=True, errors="replace",
                           timeout=60)
        stop_pgstub(p)
        text = r.stdout + r.stderr
        want = ("vCPU 0: the hashed page table is in use (LPCR 0x")
        ok("ppc64-at-reset", want in text and "QEMU's gdbstub shows no "
           "SLB and no HPT" in text and "$1 = 0x" in text, text[-400:])
    finally:
        q.kill()
        q.wait()


def main():
    why = Guest.available("aarch64")
    if why:
        print("1..0 # SKIP %s" % why)
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-a64-")
    g = Guest(work, arch="aarch64")
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
                run_driver(tag, port, g, log)
                stop_pgstub(p)
    finally:
        g.quit()
    g2 = Guest(os.path.join(work, "el2"), arch="aarch64",
               machine="virt,virtualization=on")
    try:
        g2.boot()
        ok("el2-boot", "_stext" in g2.ksym and "_etext" in g2.ksym,
           "%.1f s, %d symbols" % (g2.boot_secs, len(g2.ksym)))
        if "_stext" in g2.ksym and "_etext" in g2.ksym:
            p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g2.gdb_port])
            run_driver("el2", port, g2, log, el2=True)
            stop_pgstub(p)
    finally:
        g2.quit()
    ppc64_at_reset()
    return live_guest.finish(ok, results, logs, t0,
                             getattr(g, "boot_secs", 0), work)


if __name__ == "__main__":
    sys.exit(main())
