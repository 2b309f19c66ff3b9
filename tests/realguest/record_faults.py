#!/usr/bin/env python3
"""record_faults.py OUTDIR - the x86_64-4l guest whose busy processes are
fault probes: the truth for pgstub's `access` from a real x86 CPU model.

Records what record.py records for x86_64-4l (same kernel, QEMU arguments,
the stop with both vCPUs in their busy user process, info registers,
dump.elf and dump.kdump), with one difference: the initramfs
(x86_64-faults.cpio.gz, built here) holds /busy, built here from
faults/busy.c, which init.sh runs as the busy process of each vCPU. Each
makes user-mode accesses, prints the page fault the kernel delivered for
each (#PF error code and address from the signal frame) or none, then
spins: the guest is stopped in that address space, its tables holding the
state each access met. meta.json "faults": the lines, by vCPU.

Config name (meta.json "config"): x86_64-faults.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import record  # noqa: E402
from record import CACHE, Fail, Recorder, input_key, sha256  # noqa: E402

CONFIG = "x86_64-faults"
INITRD = "x86_64-faults"
SOURCE = os.path.join(HERE, "faults", "busy.c")
# Here, not in record.py: adding it there would change record.py, an input
# of every recording, and re-record them all.
record.CONFIGS[CONFIG] = dict(record.CONFIGS["x86_64-4l"], initrd=INITRD)


def make_initramfs():
    busy = os.path.join(CACHE, "initramfs", "busy-faults")
    os.makedirs(os.path.dirname(busy), exist_ok=True)
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", busy, SOURCE], check=True)
    subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), "x86_64",
                    os.path.join(HERE, "init.sh"), INITRD,
                    "file:busy:755:" + busy], check=True, stdout=subprocess.DEVNULL)


def inputs():
    return [os.path.abspath(__file__), SOURCE, os.path.join(HERE, "init.sh")] + \
        record.inputs(CONFIG)


def faults_of(serial):
    out = {}
    for line in serial.splitlines():
        i = line.find("PGSTUB-FAULT ")
        if i >= 0:
            f = dict(re.findall(r"(\w+)=(\S+)", line[i:]))
            out.setdefault(f["cpu"], []).append(f)
    return out


def run(outdir):
    make_initramfs()
    r = Recorder(CONFIG, outdir)
    r.run()
    mp = r.path("meta.json")
    with open(mp) as f:
        meta = json.load(f)
    with open(r.path("serial.log"), "rb") as f:
        faults = faults_of(f.read().decode("utf-8", "replace"))
    busy = {b.split()[0][4:]: b.split()[1][4:] for b in meta["guest"]["busy"]}
    if sorted(faults) != sorted(busy) or any(
            x["pid"] != busy[c] for c, xs in faults.items() for x in xs):
        meta["complete"] = False
        with open(mp, "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
        raise Fail("the busy processes %r printed faults of %r" % (busy, {
            c: sorted({x["pid"] for x in xs}) for c, xs in faults.items()}))
    meta["faults"] = faults
    meta["inputs"] = {input_key(i): sha256(i) for i in inputs()}
    tmp = mp + ".tmp"
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    os.rename(tmp, mp)


def is_current(outdir):
    ok, why = record.is_current(CONFIG, outdir)
    if not ok:
        return False, why
    mp = os.path.join(outdir, "meta.json")
    with open(mp) as f:
        meta = json.load(f)
    if not meta.get("faults"):
        return False, "no faults"
    mt = os.path.getmtime(mp)
    for i in inputs():
        if os.path.getmtime(i) > mt and meta["inputs"].get(input_key(i)) != sha256(i):
            return False, "input changed: " + i
    return True, "current"


def main(argv):
    if len(argv) == 3 and argv[1] == "--is-current":
        ok, why = is_current(argv[2])
        print(why)
        return 0 if ok else 1
    if len(argv) != 2:
        sys.stderr.write("usage: record_faults.py OUTDIR | --is-current OUTDIR\n")
        return 2
    try:
        run(argv[1])
    except (Fail, subprocess.CalledProcessError) as e:
        sys.stderr.write("record_faults: FAILED: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
