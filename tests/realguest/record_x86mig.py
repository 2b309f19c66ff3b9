#!/usr/bin/env python3
"""record_x86mig.py OUTDIR - an x86_64 migration stream with QEMU's truth.

Boots the x86_64-4l configuration of record.py (same kernel, initramfs,
QEMU arguments), stops it with user processes on the vCPUs as record.py
does, records `info registers` and `info tlb` of every vCPU, then writes
the same stopped guest twice: `migrate "exec:cat > OUTDIR/guest.mig"` and
`dump-guest-memory` (ELF) to OUTDIR/dump.elf. check_x86mig.py compares
pgstub on guest.mig with QEMU and with pgstub on dump.elf.

Layout: meta.json, guest.mig, dump.elf, cpuN/{info_registers,info_tlb}.txt.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from record import Fail, Recorder, input_key, sha256  # noqa: E402

CONFIG = "x86_64-4l"


def inputs():
    import record
    return [os.path.abspath(__file__)] + record.inputs(CONFIG)


def run(outdir):
    r = Recorder(CONFIG, outdir)
    t_all = time.monotonic()
    r.prepare()
    meta = {"config": CONFIG + "-mig", "complete": False, "timings": {}}
    try:
        r.boot()
        meta["timings"]["boot_to_ready"] = r.meta["timings"]["boot_to_ready"]
        r.stop()
        meta["all_cpus_user_mode"] = r.meta.get("all_cpus_user_mode")
        meta["cpus"] = r.cpus
        for c in r.cpus:
            r.write("cpu%d/info_registers.txt" % c, r.qmp.hmp("info registers", cpu=c))
            r.write("cpu%d/info_tlb.txt" % c, r.qmp.hmp("info tlb", cpu=c))
        t0 = time.monotonic()
        mig = r.path("guest.mig")
        r.qmp.cmd("migrate", uri="exec:cat > %s" % mig)
        while True:
            st = r.qmp.cmd("query-migrate")
            if st.get("status") == "completed":
                break
            if st.get("status") == "failed" or time.monotonic() - t0 > 300:
                raise Fail("migration did not complete: %r" % st)
            time.sleep(0.05)
        meta["timings"]["migrate"] = round(time.monotonic() - t0, 3)
        if r.qmp.cmd("query-status").get("running"):
            raise Fail("guest running after migrate")
        t0 = time.monotonic()
        r.qmp.cmd("dump-guest-memory", timeout=600, paging=False,
                  protocol="file:" + r.path("dump.elf"), format="elf")
        meta["timings"]["dump_elf"] = round(time.monotonic() - t0, 3)
        for f in ("guest.mig", "dump.elf"):
            os.chmod(r.path(f), 0o644)
            meta[f] = os.path.getsize(r.path(f))
    finally:
        r.quit()
    meta["timings"]["total"] = round(time.monotonic() - t_all, 3)
    meta["inputs"] = {input_key(i): sha256(i) for i in inputs()}
    meta["complete"] = True
    with open(r.path("meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    sys.stderr.write("record_x86mig: %s in %.1f s\n" % (outdir, meta["timings"]["total"]))


def is_current(outdir):
    try:
        with open(os.path.join(outdir, "meta.json")) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False
    mt = os.path.getmtime(os.path.join(outdir, "meta.json"))
    return meta.get("complete") and os.path.isfile(os.path.join(outdir, "guest.mig")) and \
        all(os.path.exists(i) and (os.path.getmtime(i) <= mt or
                                   meta["inputs"].get(input_key(i)) == sha256(i))
        for i in inputs())


def main(argv):
    if len(argv) == 3 and argv[1] == "--is-current":
        return 0 if is_current(argv[2]) else 1
    if len(argv) != 2:
        sys.stderr.write("usage: record_x86mig.py OUTDIR | --is-current OUTDIR\n")
        return 2
    try:
        run(argv[1])
    except Fail as e:
        sys.stderr.write("record_x86mig: FAILED: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
