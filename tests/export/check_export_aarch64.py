#!/usr/bin/env python3
"""`pgstub export --paging` of the recorded arm64 guests, opened by
gdb-multiarch as a core: the ELF says AArch64 with one NT_PRSTATUS per vCPU
(the aarch64 layout), GDB's registers of every thread equal QEMU's gdbstub
ones, its SIMD&FP registers (NT_PRFPREG) those of QEMU's dump.elf read as
a core, and GDB reads at QEMU's recorded `x` addresses (kernel and user
halves of the vCPU stopped at EL0, exported with its TTBR0_EL1; tags
stripped: a core's segments are untagged VAs) the bytes QEMU printed.
Output is TAP. usage: check_export_aarch64.py PGSTUB GUESTS_DIR OUTDIR CONFIG...
"""
import json
import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "realguest"))
from gdbsession import QUIET, Tap, run_jobs  # noqa: E402
from check_aarch64 import load_cpu, x_bytes  # noqa: E402

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
REGS = ["pc", "sp", "cpsr", "x0", "x1", "x29", "x30"]
FPREGS = ["v0.q.u[0]", "v1.q.u[0]", "v2.q.u[0]", "v15.q.u[0]",
          "v31.q.u[0]", "fpsr", "fpcr"]


def untag(a):
    a &= (1 << 56) - 1
    return a | (0xff << 56) if a >> 55 & 1 else a


def elf_facts(path):
    """(e_machine, [NT_PRSTATUS descsz ...]) read with struct, not pgstub;
    ELF64 or ELF32."""
    with open(path, "rb") as f:
        eh = f.read(64)
        machine, = struct.unpack_from("<H", eh, 18)
        if eh[4] == 2:
            phoff, = struct.unpack_from("<Q", eh, 32)
            f.seek(phoff)
            p_type, _, off, _, _, filesz = struct.unpack("<IIQQQQ", f.read(40))
        else:
            phoff, = struct.unpack_from("<I", eh, 28)
            f.seek(phoff)
            p_type, off, _, _, filesz = struct.unpack("<IIIII", f.read(20))
        assert p_type == 4  # PT_NOTE first
        f.seek(off)
        notes, data, i = [], f.read(filesz), 0
        while i + 12 <= len(data):
            nsz, dsz, typ = struct.unpack_from("<III", data, i)
            i += 12 + (nsz + 3 & ~3)
            if typ == 1:
                notes.append(dsz)
            i += dsz + 3 & ~3
        return machine, notes


def check(tap, pgstub, d, outdir, name):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cpus = meta["cpus"]
    el0 = [c for c in cpus if meta["per_cpu"]["cpu%d" % c]["stopped"]["el"] == 0][0]
    truth = {c: load_cpu(os.path.join(d, "cpu%d" % c)) for c in cpus}
    core = os.path.join(outdir, name + ".core")
    p = subprocess.run([pgstub, "export", "--paging", "-q", "--cpu", str(el0), "--reg",
                        "ttbr0_el1=" + truth[el0]["regs"]["TTBR0_EL1"],
                        os.path.join(d, "dump.elf"), core],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    label = "%s export --paging --cpu %d" % (name, el0)
    tap.ok("%s: succeeds" % label, p.returncode == 0, p.stdout.decode())
    if p.returncode:
        return
    machine, notes = elf_facts(core)
    tap.ok("%s: EM_AARCH64, %d NT_PRSTATUS of 392 bytes" % (label, len(cpus)),
           machine == 183 and notes == [392] * len(cpus), "%r %r" % (machine, notes))
    jobs = []
    for c in cpus:
        cmds = [("r" + r, "cli", "info registers " + r) for r in REGS]
        if c == el0:
            for i, (cmd, lines) in enumerate(truth[c]["x"]):
                addr, want = x_bytes(cmd, lines)
                if want:
                    cmds.append(("x%d" % i, "mem", [untag(addr), len(want)]))
        jobs.append((c, cmds))
    got, log = run_jobs(GDB, QUIET + ["set architecture aarch64", "core-file " + core],
                        jobs, finish=[])
    tap.ok("%s: gdb-multiarch opens the core" % label, bool(got), log[-2000:])
    if not got:
        return
    for c in cpus:
        bad = []
        for r in REGS:
            line = " ".join(got.get((c, "r" + r), []))
            m = re.match(r"\s*\S+\s+(0x[0-9a-f]+)", line)
            want = int(truth[c]["regs"][r], 16)
            if not m or int(m.group(1), 16) != want:
                bad.append("%s: core %r, QEMU 0x%x" % (r, line, want))
        tap.ok("%s: thread %d registers %s equal QEMU's" % (label, c + 1, " ".join(REGS)),
               not bad, "\n".join(bad))
    # SIMD&FP registers: the export's NT_PRFPREG notes against QEMU's own
    # in dump.elf, both read by GDB as cores.
    fp = [("f" + r, "cli", "p/x $" + r) for r in FPREGS]
    fjobs = [(c, fp) for c in cpus]
    qemu, qlog = run_jobs(GDB, QUIET + ["set architecture aarch64",
                                        "core-file " + os.path.join(d, "dump.elf")],
                          fjobs, finish=[])
    mine, mlog = run_jobs(GDB, QUIET + ["set architecture aarch64", "core-file " + core],
                          fjobs, finish=[])
    bad, nonzero = [], 0
    for c in cpus:
        for r in FPREGS:
            want, have = qemu.get((c, "f" + r)), mine.get((c, "f" + r))
            nonzero += bool(want) and want[-1].split("= ")[-1] not in ("0x0", "{0x0, 0x0}")
            if not want or want != have:
                bad.append("thread %d %s: core %r, QEMU's dump %r" % (c + 1, r, have, want))
    tap.ok("%s: NT_PRFPREG: %s of every thread equal QEMU's dump (%d nonzero)"
           % (label, " ".join(FPREGS), nonzero), not bad and nonzero > 0,
           "\n".join(bad[:10]) + "\n" + (qlog + mlog)[-1500:])
    bad, n, halves = [], 0, set()
    for i, (cmd, lines) in enumerate(truth[el0]["x"]):
        addr, want = x_bytes(cmd, lines)
        if not want:
            continue
        n += 1
        halves.add(untag(addr) >> 63)
        have = "".join(got.get((el0, "x%d" % i), ["<none>"]))
        if have != want.hex():
            bad.append("%s: core %s QEMU %s" % (cmd, have[:64], want.hex()[:64]))
    tap.ok("%s: GDB reads QEMU's bytes at %d addresses of both halves" % (label, n),
           n and halves == {0, 1} and not bad, "\n".join(bad[:10]))
    os.unlink(core)


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    pgstub, guests, outdir = argv[1:4]
    tap = Tap()
    for name in argv[4:]:
        check(tap, pgstub, os.path.join(guests, name), outdir, name)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
