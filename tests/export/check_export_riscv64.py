#!/usr/bin/env python3
"""`pgstub export --paging` of the recorded riscv64 guests (QEMU 7.2's ELF
dumps, Sv39/Sv48/Sv57), opened by gdb-multiarch as a core: the ELF says
RISC-V with one NT_PRSTATUS per hart (Linux's riscv64 layout, 376 bytes),
GDB's registers of every thread equal QEMU's gdbstub ones, and GDB reads at
QEMU's recorded `x` addresses of the exported hart (kernel and user halves,
exported with that hart's satp) the bytes QEMU printed.
Output is TAP. usage: check_export_riscv64.py PGSTUB GUESTS_DIR OUTDIR CONFIG...
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "realguest"))
sys.path.insert(0, HERE)
from gdbsession import QUIET, Tap, run_jobs  # noqa: E402
from check_aarch64 import x_bytes  # noqa: E402
from check_export_aarch64 import elf_facts  # noqa: E402

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
REGS = ["pc", "sp", "ra", "gp", "tp", "a0", "t6"]
EM_RISCV = 243


def x_blocks(path):
    """QEMU's recorded `x` commands: [(cmd, [lines])]."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("### "):
                out.append((line[4:], []))
            elif out and line:
                out[-1][1].append(line)
    return out


def check(tap, pgstub, d, outdir, name, xlen=64):
    """xlen 32: check_riscv32.py's guest, an ELF32 core of 204-byte notes
    read as riscv:rv32, without two halves."""
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cpus = meta["cpus"]
    hart = cpus[-1]
    satp = meta["per_cpu"]["cpu%d" % hart]["csrs"]["satp"]
    regs = {}
    for c in cpus:
        with open(os.path.join(d, "cpu%d" % c, "gdbstub_registers.json")) as f:
            regs[c] = json.load(f)
    xs = x_blocks(os.path.join(d, "cpu%d" % hart, "x.txt"))
    core = os.path.join(outdir, name + ".core")
    p = subprocess.run([pgstub, "export", "--paging", "-q", "--cpu", str(hart),
                        "--reg", "satp=" + satp, os.path.join(d, "dump.elf"),
                        core], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    label = "%s export --paging --cpu %d" % (name, hart)
    tap.ok("%s: succeeds" % label, p.returncode == 0, p.stdout.decode())
    if p.returncode:
        return
    machine, notes = elf_facts(core)
    size = 376 if xlen == 64 else 204
    tap.ok("%s: EM_RISCV, %d NT_PRSTATUS of %d bytes" % (label, len(cpus), size),
           machine == EM_RISCV and notes == [size] * len(cpus),
           "%r %r" % (machine, notes))
    jobs = []
    for c in cpus:
        cmds = [("r" + r, "cli", "info registers " + r) for r in REGS]
        if c == hart:
            for i, (cmd, lines) in enumerate(xs):
                addr, want = x_bytes(cmd, lines)
                if want:
                    cmds.append(("x%d" % i, "mem", [addr, len(want)]))
        jobs.append((c, cmds))
    got, log = run_jobs(GDB, QUIET + ["set architecture riscv:rv%d" % xlen,
                                      "core-file " + core], jobs, finish=[])
    tap.ok("%s: gdb-multiarch opens the core" % label, bool(got), log[-2000:])
    if not got:
        return
    for c in cpus:
        bad = []
        for r in REGS:
            line = " ".join(got.get((c, "r" + r), []))
            m = re.match(r"\s*\S+\s+(0x[0-9a-f]+)", line)
            want = int(regs[c][r], 16)
            if not m or int(m.group(1), 16) != want:
                bad.append("%s: core %r, QEMU 0x%x" % (r, line, want))
        tap.ok("%s: thread %d registers %s equal QEMU's" % (
            label, c + 1, " ".join(REGS)), not bad, "\n".join(bad))
    bad, n, halves = [], 0, set()
    for i, (cmd, lines) in enumerate(xs):
        addr, want = x_bytes(cmd, lines)
        if not want:
            continue
        n += 1
        halves.add(addr >> 63)
        have = "".join(got.get((hart, "x%d" % i), ["<none>"]))
        if have != want.hex():
            bad.append("%s: core %s QEMU %s" % (cmd, have[:64], want.hex()[:64]))
    tap.ok("%s: GDB reads QEMU's bytes at %d addresses%s" % (
        label, n, " of both halves" if xlen == 64 else ""),
        n and (halves == {0, 1} or xlen == 32) and not bad, "\n".join(bad[:10]))
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
