#!/usr/bin/env python3
"""Check pgstub's `access` against the page faults a real x86 CPU model took.

record_faults.py recorded the x86_64-4l guest with a fault probe as the
busy process of each vCPU: user-mode reads, writes and fetches, each with
the #PF error code and address the kernel delivered, or none. A real gdb
runs `target remote | pgstub --stdio dump.elf` (and dump.kdump) and asks,
on each vCPU, `monitor access VA r|w|x --user` for every access its
process made: allowed where it did not fault, else the same error code.
Linux reports a user fault on a kernel address with P set whatever the
tables say (arch/x86/mm/fault.c, set_signal_archinfo: not to leak the
kernel's layout); there the expected code is pgstub's with P (0x1) set.

Output is TAP. usage: check_faults.py PGSTUB RECORDING_DIR
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from gdbsession import QUIET, Tap, run_jobs  # noqa: E402

GDB = os.environ.get("GDB", "gdb")
TASK_SIZE_MAX = 0x7ffffffff000


def expected(f, lines):
    """(good, detail) of pgstub's lines against the process's fault f."""
    text = " ".join(lines)
    if int(f["trap"]) == 0:
        return ": allowed: physical" in text and "#PF" not in text, text
    m = re.search(r"#PF error code (0x[0-9a-f]+)", text)
    if not m:
        return False, text
    mine = int(m.group(1), 16)
    if int(f["va"], 16) >= TASK_SIZE_MAX:
        mine |= 1
    return mine == int(f["err"], 16) and int(f["addr"], 16) == int(f["va"], 16), \
        "pgstub %s -> 0x%x, the process took %s" % (m.group(1), mine, f["err"])


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    pgstub, d = argv[1], argv[2]
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    faults = {int(c): xs for c, xs in meta["faults"].items()}
    tap = Tap()
    for image in ("dump.elf", "dump.kdump"):
        jobs = [(c, [("a%d" % i, "cli", "monitor access %s %s --user"
                      % (f["va"], f["kind"])) for i, f in enumerate(xs)])
                for c, xs in sorted(faults.items())]
        setup = QUIET + ["set remotetimeout 30", "target remote | %s --stdio %s"
                         % (pgstub, os.path.join(d, image))]
        got, log = run_jobs(GDB, setup, jobs, finish=["kill"], timeout=600)
        tap.ok("%s: GDB session through pgstub --stdio" % image, bool(got), log[-3000:])
        for c, xs in sorted(faults.items()) if got else []:
            bad, n = [], 0
            for i, f in enumerate(xs):
                good, why = expected(f, [l for l in got.get((c, "a%d" % i), []) if l])
                n += int(f["trap"]) != 0
                if not good:
                    bad.append("%s %s: %s" % (f["va"], f["kind"], why))
            tap.ok("%s cpu%d: monitor access = the faults its process took "
                   "(%d accesses, %d faulted)" % (image, c, len(xs), n),
                   not bad and n, "\n".join(bad))
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
