#!/usr/bin/env python3
"""`info mem` of a real riscv64 guest: pgstub's through GDB beside QEMU's
own (its HMP `info mem` through its gdbstub's monitor), on one stopped
guest, in Sv57 (the kernel's default) and Sv39 (`no4lvl`).

One boot per mode of the tests/live riscv64 guest (Debian trixie, 2 harts,
TCG), stopped through QMP, then a migration stream of it; GDB (gdb-multiarch)
times `monitor info mem` on hart 0 REPS times (default 3) against:
  1. QEMU's gdbstub (the anchor);
  2. pgstub --qemu --qemu-ram in front of the same QEMU;
  3. pgstub on the stream.
Both pgstub outputs must equal QEMU's line for line where QEMU is right
(docs/info-mem-riscv.md); the table gives medians and ratios (target
<= 0.2).

Usage: bench/infomem_riscv.py PGSTUB [JSON]
"""
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "live"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "realguest"))
from live_guest import Guest  # noqa: E402
from ptdump_cmp import TIMER, gdb_run, pgstub_logs, pgstub_serve, stop  # noqa: E402
from record import QMP  # noqa: E402

ARCH = "riscv:rv64"


def one_mode(pgstub, work, name, append):
    g = Guest(os.path.join(work, name), arch="riscv64", append=append)
    res = {}
    outs = {}
    try:
        g.boot()
        time.sleep(3)
        qmp = QMP(g.qmp)
        qmp.cmd("stop")
        stream = os.path.join(work, name + ".mig")
        qmp.cmd("migrate", uri="exec:cat > %s" % stream)
        while qmp.cmd("query-migrate").get("status") != "completed":
            time.sleep(0.05)
        qmp.close()
        outs["qemu"] = os.path.join(work, name + "-qemu.txt")
        res["qemu"], log = gdb_run("127.0.0.1:%d" % g.gdb_port,
                                   [("py", TIMER), ("time", "monitor info mem", outs["qemu"])],
                                   work, name + "-qemu", ARCH)
        qmp = QMP(g.qmp)
        qmp.cmd("stop")   # GDB's detach let it run
        qmp.close()
        p, target = pgstub_serve(pgstub, ["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                          "--qemu-ram", g.ram, "--qmp", g.qmp],
                                 work, name + "-live")
        outs["live"] = os.path.join(work, name + "-live.txt")
        res["live"], log2 = gdb_run(target, [("py", TIMER),
                                             ("time", "monitor info mem", outs["live"])],
                                    work, name + "-live", ARCH)
        stop(p)
    finally:
        g.quit()
    p, target = pgstub_serve(pgstub, [stream], work, name + "-stream")
    outs["stream"] = os.path.join(work, name + "-stream.txt")
    res["stream"], log3 = gdb_run(target, [("py", TIMER),
                                           ("time", "monitor info mem", outs["stream"])],
                                  work, name + "-stream", ARCH)
    stop(p)
    for k, text in (("qemu", log), ("live", log2), ("stream", log3)):
        if not res[k]:
            sys.exit("infomem_riscv: %s %s timed nothing:\n%s\n%s" % (name, k, text[-3000:],
                                                                   pgstub_logs()))
    q = open(outs["qemu"]).read()
    res["equal_live"] = open(outs["live"]).read() == q
    res["equal_stream"] = open(outs["stream"]).read() == q
    return res


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pgstub = os.path.abspath(sys.argv[1])
    why = Guest.available("riscv64")
    if why:
        sys.exit("infomem_riscv: " + why)
    work = tempfile.mkdtemp(prefix="infomem-riscv-")
    all_res = {}
    print("%-34s %10s %7s %6s %s" % ("riscv64 info mem, hart 0", "median s", "ratio",
                                     "lines", "= QEMU's"))
    for name, append in (("Sv57", ""), ("Sv39", "no4lvl")):
        r = one_mode(pgstub, work, name, append)
        all_res[name] = r
        anchor = statistics.median(r["qemu"][0]["secs"])
        for key, label, eq in (("qemu", "QEMU gdbstub (anchor)", ""),
                               ("live", "pgstub --qemu --qemu-ram", r["equal_live"]),
                               ("stream", "pgstub stream", r["equal_stream"])):
            secs = statistics.median(r[key][0]["secs"])
            print("%-34s %10.3f %7.3f %6d %s" % ("%s %s" % (name, label), secs,
                                                secs / anchor, r[key][0]["lines"],
                                                "" if key == "qemu" else
                                                ("yes" if eq else "NO")))
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            json.dump(all_res, f, indent=1)
    return 0 if all(r["equal_live"] and r["equal_stream"] for r in all_res.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
