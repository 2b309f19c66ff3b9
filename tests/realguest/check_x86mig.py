#!/usr/bin/env python3
"""Check pgstub on an x86_64 migration stream (record_x86mig.py) against
QEMU and against pgstub on the ELF dump of the same stopped guest.

Through GDB, for every vCPU: the registers (rip rsp rflags cr0 cr3 cr4
efer fs_base k_gs_base) equal QEMU's `info registers`; `monitor info tlb`
on guest.mig is byte-identical to QEMU's `info tlb`; and 300 reads of 64
bytes in sampled pages give the same bytes from guest.mig as from dump.elf.

Output is TAP. usage: check_x86mig.py PGSTUB OUTDIR
"""
import json
import os
import random
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from gdbsession import QUIET, Tap, run_jobs, serve  # noqa: E402

GDB = os.environ.get("GDB", "gdb")

def session(pgstub, image, jobs):
    """The jobs in one GDB session on image: {(cpu, key): [lines]}, or
    None if pgstub did not start or the jobs never ran."""
    with serve(pgstub, image) as port:
        if port is None:
            return None
        setup = QUIET + ["target remote 127.0.0.1:%d" % port,
                         "set mem inaccessible-by-default off"]
        got, _ = run_jobs(GDB, setup, jobs, finish=["kill"])
    return got or None


def ram_ranges(dump):
    """The ELF dump's PT_LOADs as (start, end) physical ranges: what RAM is."""
    with open(dump, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        typ, = struct.unpack_from("<I", ph, i * phentsize)
        paddr, filesz = struct.unpack_from("<QQ", ph, i * phentsize + 24)
        if typ == 1:
            out.append((paddr, paddr + filesz))
    return out


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    pgstub, d = argv[1], argv[2]
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    tap = Tap()
    ok = tap.ok

    rng = random.Random("x86mig")
    jobs, truth = [], {}
    for cpu in meta["cpus"]:
        cd = os.path.join(d, "cpu%d" % cpu)
        with open(os.path.join(cd, "info_registers.txt"), "rb") as f:
            regs = f.read().decode("latin-1")
        with open(os.path.join(cd, "info_tlb.txt"), "rb") as f:
            tlb = f.read().decode("latin-1").replace("\r\n", "\n").splitlines()
        truth[cpu] = (regs, tlb)
        # Pages backed by RAM: a fixmap page of the local APIC is mapped
        # too, but neither snapshot holds device memory to read.
        ram = ram_ranges(os.path.join(d, "dump.elf"))
        leaves = [int(l.split(":")[0], 16) for l in tlb if ":" in l and
                  any(a <= int(l.split()[1], 16) < b for a, b in ram)]
        cmds = [("regs", "cli", "info registers rip rsp eflags cr0 cr3 cr4 efer fs_base k_gs_base"),
                ("tlb", "cli", "monitor info tlb")]
        for i, va in enumerate(rng.sample(leaves, min(300, len(leaves)))):
            cmds.append(("m%d" % i, "mem", (va + rng.randrange(4096 - 64), 64)))
        jobs.append((cpu, cmds))
    mig = session(pgstub, os.path.join(d, "guest.mig"), jobs)
    elf = session(pgstub, os.path.join(d, "dump.elf"), jobs)
    ok("GDB sessions on guest.mig and dump.elf", mig is not None and elf is not None)
    if mig is None or elf is None:
        return tap.plan()
    for cpu, (regs, tlb) in sorted(truth.items()):
        want = {}
        for k, pat in (("rip", r"RIP=([0-9a-f]+)"), ("rsp", r"RSP=([0-9a-f]+)"),
                       ("eflags", r"RFL=([0-9a-f]+)"), ("cr0", r"CR0=([0-9a-f]+)"),
                       ("cr3", r"CR3=([0-9a-f]+)"), ("cr4", r"CR4=([0-9a-f]+)"),
                       ("efer", r"EFER=([0-9a-f]+)"), ("fs_base", r"FS =\w+ ([0-9a-f]+)")):
            m = re.search(pat, regs)
            if m:
                want[k] = int(m.group(1), 16)
        have = {}
        for line in mig.get((cpu, "regs"), []):
            m = re.match(r"^(\w+)\s+(0x[0-9a-f]+)", line)
            if m:
                have[m.group(1)] = int(m.group(2), 16)
        bad = ["%s: pgstub %s QEMU %#x" % (k, hex(have[k]) if k in have else None, v)
               for k, v in sorted(want.items()) if have.get(k) != v]
        ok("cpu%d: guest.mig registers (%s) equal QEMU's" % (cpu, " ".join(sorted(want))),
           not bad and len(want) == 8, "\n".join(bad))
        mine = [l for l in mig.get((cpu, "tlb"), []) if l]
        qemu = [l for l in tlb if l]
        first = next((i for i in range(min(len(mine), len(qemu))) if mine[i] != qemu[i]), None)
        ok("cpu%d: info tlb on guest.mig byte-identical to QEMU's (%d lines)" % (cpu, len(qemu)),
           mine == qemu, "pgstub %d lines, QEMU %d; first difference at %s: %r vs %r" % (
               len(mine), len(qemu), first, mine[first] if first is not None else None,
               qemu[first] if first is not None else None))
        keys = [k for (c, k) in mig if c == cpu and k.startswith("m")]
        bad = [k for k in keys if mig[(cpu, k)] != elf.get((cpu, k)) or
               mig[(cpu, k)][0].startswith("ERROR")]
        ok("cpu%d: %d reads equal from guest.mig and dump.elf" % (cpu, len(keys)),
           not bad and len(keys) > 0, "\n".join("%s: mig %s elf %s" % (
               k, mig[(cpu, k)], elf.get((cpu, k))) for k in bad[:10]))
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
