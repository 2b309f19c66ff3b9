#!/usr/bin/env python3
"""pgstub's `info pg` beside gdb-pt-dump's aarch64 page walk, one stopped
guest, and gdb-pt-dump's walk run against pgstub on a snapshot.

gdb-pt-dump (github.com/martinradev/gdb-pt-dump) is neither in Debian nor
on a package index reachable here: give its checkout as PTDUMP_DIR (the
directory holding pt.py). It reads guest-physical memory through QEMU's
`gpa2hva` and /proc/QEMU_PID/mem, so it runs only against a live QEMU on
this host.

One boot of the tests/live aarch64 guest (Debian bookworm arm64, 4K pages,
2 vCPUs, TCG), stopped through QMP, then:
  1. a migration stream of the stopped guest (the snapshot);
  2. gdb-multiarch on QEMU's gdbstub: gdb-pt-dump's `pt` (the anchor);
  3. gdb-multiarch on `pgstub --qemu` in front of the same stopped QEMU:
     `monitor info pg`;
  4. gdb-multiarch on `pgstub STREAM`: `monitor info pg`, and gdb-pt-dump's
     `pt` again, its physical reads done the way gef and pwndbg do them
     (Qqemu.PhyMemMode and an ordinary memory read), so its walk reads
     pgstub's snapshot: its map must equal step 2's line for line.
Each timed command runs REPS times (default 3) in one GDB session; the
table gives medians and the ratio to the anchor (target: <= 0.1).

Usage: bench/ptdump_cmp.py PGSTUB PTDUMP_DIR [JSON]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "live"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "realguest"))
from live_guest import Guest, start_pgstub, stop_pgstub  # noqa: E402
from record import QMP  # noqa: E402

REPS = int(os.environ.get("PTDUMP_REPS", "3"))
GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")

# In GDB: time one command REPS times; its last output goes to a file.
TIMER = r'''
import gdb, time, json
def pgstub_bench_time(cmd, out, reps):
    secs = []
    for _ in range(reps):
        t = time.monotonic()
        text = gdb.execute(cmd, to_string=True)
        secs.append(time.monotonic() - t)
    open(out, "w").write(text)
    print("BENCH " + json.dumps({"cmd": cmd, "secs": secs,
                                 "lines": text.count("\n")}))
'''

# gdb-pt-dump's machine, reading guest-physical memory through the remote
# target instead of QEMU's process: what gef and pwndbg do.
PHYS_ADAPTER = r'''
import gdb, sys
ptg = sys.modules["pt_gdb.pt_gdb"]
class PhysThroughRemote(ptg.QemuGdbMachine):
    def __init__(self):
        self.file = None
    @staticmethod
    def get_qemu_pid():
        return 0
    def read_physical_memory(self, physical_address, length):
        gdb.execute("maintenance packet Qqemu.PhyMemMode:1", to_string=True)
        try:
            return bytes(gdb.selected_inferior().read_memory(
                physical_address, length))
        finally:
            gdb.execute("maintenance packet Qqemu.PhyMemMode:0",
                        to_string=True)
ptg.QemuGdbMachine = PhysThroughRemote
'''


def gdb_run(target, steps, work, tag, arch="aarch64"):
    """steps: ("py", code) or ("time", cmd, outfile). Returns the BENCH
    records and GDB's output."""
    lines = ["set pagination off", "set confirm off", "set width 0",
             "set remotetimeout 30", "set architecture " + arch,
             "target remote " + target]
    for i, s in enumerate(steps):
        if s[0] == "py":
            f = os.path.join(work, "%s-%d.py" % (tag, i))
            with open(f, "w") as fh:
                fh.write(s[1])
            lines.append("source " + f)
        elif s[0] == "src":
            lines.append("source " + s[1])
        else:
            lines.append("python pgstub_bench_time(%r, %r, %d)" % (s[1], s[2], REPS))
    script = os.path.join(work, tag + ".gdb")
    with open(script, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    p = subprocess.run([GDB, "-nx", "-batch", "-x", script],
                       capture_output=True, text=True, timeout=3600)
    recs = [json.loads(l[6:]) for l in p.stdout.splitlines() if l.startswith("BENCH ")]
    return recs, p.stdout + p.stderr


# pgstub's logs, shown when a run times nothing.
LOGS = []


def pgstub_serve(pgstub, args, work, tag):
    """pgstub --listen with ARGS (live_guest's); returns it and its target."""
    p, port, _ = start_pgstub(pgstub, args, LOGS)
    return p, "127.0.0.1:%d" % port


stop = stop_pgstub


def pgstub_logs():
    return "".join("--- %s\n%s" % (f.name, open(f.name, errors="replace").read()[-1000:])
                   for f in LOGS)


def strip_ansi(text):
    out, i = [], 0
    while i < len(text):
        if text[i] == "\x1b":
            j = text.find("m", i)
            i = len(text) if j < 0 else j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    pgstub, ptdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    out_json = sys.argv[3] if len(sys.argv) > 3 else None
    ptpy = os.path.join(ptdir, "pt.py")
    if not os.path.isfile(ptpy):
        sys.exit("ptdump_cmp: no pt.py in %s" % ptdir)
    why = Guest.available("aarch64")
    if why:
        sys.exit("ptdump_cmp: " + why)
    work = tempfile.mkdtemp(prefix="ptdump-cmp-")
    g = Guest(os.path.join(work, "guest"), arch="aarch64")
    res = {"reps": REPS, "work": work}
    try:
        g.boot()
        time.sleep(3)   # the busy processes start after PGSTUB-READY
        qmp = QMP(g.qmp)
        qmp.cmd("stop")
        stream = os.path.join(work, "guest.mig")
        qmp.cmd("migrate", uri="exec:cat > %s" % stream)
        while qmp.cmd("query-migrate").get("status") != "completed":
            time.sleep(0.05)
        anchor_out = os.path.join(work, "ptdump-qemu.txt")
        recs, log = gdb_run("127.0.0.1:%d" % g.gdb_port,
                            [("py", TIMER), ("src", ptpy),
                             ("time", "pt", anchor_out)], work, "qemu")
        res["ptdump_qemu"] = recs
        qmp.cmd("stop")   # GDB's detach let it run
        qmp.close()       # QEMU's QMP takes one client: pgstub's, below
        p, target = pgstub_serve(pgstub, ["--qemu", "127.0.0.1:%d" % g.gdb_port],
                                 work, "pgstub-live")
        recs2, log2 = gdb_run(target, [("py", TIMER),
                                       ("time", "monitor info pg", os.path.join(work, "pg-live.txt"))],
                              work, "pgstub-live")
        stop(p)
        res["pgstub_live"] = recs2
        p, target = pgstub_serve(pgstub, ["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                          "--qemu-ram", g.ram, "--qmp", g.qmp],
                                 work, "pgstub-ram")
        recs4, log4 = gdb_run(target, [("py", TIMER),
                                       ("time", "monitor info pg", os.path.join(work, "pg-ram.txt"))],
                              work, "pgstub-ram")
        stop(p)
        res["pgstub_live_ram"] = recs4
    finally:
        g.quit()
    p, target = pgstub_serve(pgstub, [stream], work, "pgstub-stream")
    mine_out = os.path.join(work, "ptdump-pgstub.txt")
    recs3, log3 = gdb_run(target, [("py", TIMER),
                                   ("time", "monitor info pg", os.path.join(work, "pg-stream.txt")),
                                   ("src", ptpy), ("py", PHYS_ADAPTER),
                                   ("time", "pt", mine_out)], work, "pgstub-stream")
    stop(p)
    res["pgstub_stream"] = recs3
    for name, got, text in (("ptdump_qemu", recs, log), ("pgstub_live", recs2, log2),
                            ("pgstub_live_ram", recs4, log4),
                            ("pgstub_stream", recs3, log3)):
        if not got:
            sys.exit("ptdump_cmp: %s timed nothing:\n%s\n%s" % (name, text[-3000:],
                                                                 pgstub_logs()))
    a = strip_ansi(open(anchor_out).read()).splitlines()
    b = strip_ansi(open(mine_out).read()).splitlines() if os.path.exists(mine_out) else []
    res["map_lines"] = len(a)
    res["map_equal"] = a == b and len(a) > 0
    anchor = statistics.median(recs[0]["secs"])
    rows = [("gdb-pt-dump pt, QEMU gdbstub (anchor)", anchor, recs[0]["lines"]),
            ("pgstub --qemu: monitor info pg", statistics.median(recs2[0]["secs"]), recs2[0]["lines"]),
            ("pgstub --qemu --qemu-ram: monitor info pg", statistics.median(recs4[0]["secs"]),
             recs4[0]["lines"]),
            ("pgstub stream: monitor info pg", statistics.median(recs3[0]["secs"]), recs3[0]["lines"])]
    if len(recs3) > 1:
        rows.append(("gdb-pt-dump pt through pgstub stream",
                     statistics.median(recs3[1]["secs"]), recs3[1]["lines"]))
    print("%-44s %10s %7s %7s" % ("aarch64-virt-4k, stopped", "median s", "ratio", "lines"))
    for name, secs, n in rows:
        print("%-44s %10.3f %7.3f %7d" % (name, secs, secs / anchor, n))
    print("gdb-pt-dump's map through pgstub's snapshot equals QEMU live's: %s (%d lines)"
          % ("yes" if res["map_equal"] else "NO", len(a)))
    if not res["map_equal"]:
        import difflib
        print("\n".join(list(difflib.unified_diff(a, b, "qemu", "pgstub", lineterm=""))[:40]))
    if out_json:
        with open(out_json, "w") as f:
            json.dump(res, f, indent=1)
    return 0 if res["map_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
