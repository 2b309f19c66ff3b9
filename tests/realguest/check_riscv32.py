#!/usr/bin/env python3
"""Check pgstub on the recorded riscv32 guest against QEMU 7.2's own answers.

record_riscv32.py recorded a bare-metal riscv32 guest (tests/realguest/rv32)
stopped with hart 0 in S-mode and hart 1 in U-mode, each under its own
Sv32 root. A real gdb-multiarch (riscv:rv32) runs `target remote | pgstub
--stdio IMAGE` on QEMU's snapshots of that stopped guest and compares with
what QEMU said in its debugger's view (priv S, sstatus.SUM set):

  dump.elf, dump.kdump   (ELF32 notes: pc and x1-x31 only, no CSR)
      without options: pc and x0-x31 as QEMU's gdbstub read them, `monitor
      info registers` pc and x lines as QEMU printed them (8 digits), and
      every address refused naming --reg satp=;
      with --reg satp=<the hart's satp as QEMU had it>: `monitor gva2gpa`
      of every sampled address line-identical to QEMU's (34-bit physical
      addresses, reserved encodings, the misaligned megapage, a pointer at
      level 0, the self-referencing root entry) but where QEMU applies a
      load's permission check (below), `monitor vtop` ends at
      QEMU's physical address, GDB reads equal QEMU's `x` bytes, `monitor
      x` text identical; `monitor xp` identical to QEMU's (ELF only)
  guest.mig              (every hart's x1-x31, pc, priv and CSRs, 4 bytes
                          wide where QEMU's target_ulong is)
      the registers and CSRs equal QEMU's gdbstub; `monitor info registers`
      pc, CSR (with mstatush) and x lines as QEMU printed them; every
      address as above; `monitor info mem` equal to QEMU's `info mem` but
      for the lines QEMU prints for entries the Privileged ISA reserves
      (W without R) or refuses (a megapage whose physical address is not
      4 MiB aligned), which must be exactly those guest.c planted;
      `monitor access VA r|w|x --kernel` on hart 0 of every access the
      hart made in S-mode before it was stopped: the page fault it took
      (scause, stval) or none, as QEMU's CPU model reported it.
  the RAM alone (dump.elf's segment at 2 GiB) as --raw --arch riscv32
      with each hart's satp: every address as above.
  pgstub export --paging of dump.elf with hart 1's satp: an ELF32 EM_RISCV
      core of two 204-byte NT_PRSTATUS that gdb-multiarch opens, registers
      and QEMU's x bytes (tests/export/check_export_riscv64.py, xlen 32).

QEMU's gva2gpa answers as a load would: an execute-only page is Unmapped
for it unless MXR is set (hart 0 has MXR clear). pgstub's gva2gpa, like
QEMU's on x86, answers for every leaf satp maps; for the addresses QEMU's
own `info mem` lists as execute-only on a hart without MXR, the expected
answer is the address that `info mem` line gives. QEMU's `x` on a page
mapped beyond RAM reads 0xff bytes it invents; pgstub says it cannot.

Output is TAP. usage: check_riscv32.py PGSTUB GUESTS_DIR CONFIG
"""
import json
import os
import re
import shutil
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
from gdbsession import Tap  # noqa: E402
import check_export_riscv64  # noqa: E402
from record_riscv32 import info_mem_runs  # noqa: E402
from check_aarch64 import (load_cpu, parse_records, read_text,  # noqa: E402
                           translation_jobs, check_translations, check_regs)
from check_riscv64 import (CORE, CSRS, MIG_CSR_LINES, check_monitor_regs,  # noqa: E402
                           session)

ARCH = "riscv:rv32"
# guest.c's entries a walker must refuse, by hart: the reserved W and WX
# pages and the self-map's view of the reserved megapage are hart 0's
# (root A); both roots share the misaligned and reserved megapages.
PLANTED = {0: {"0040a000", "0040b000", "c0800000", "c0c00000", "ffb03000"},
           1: {"c0800000", "c0c00000", "ffb03000"}}


def everything(_addr):
    return True


def refused_by_spec(line):
    """A QEMU `info mem` line for an entry Sv32 does not map: W without R
    (4.3.1: reserved), or a 4 MiB megapage whose physical address is not
    4 MiB aligned (a misaligned superpage: a page fault)."""
    f = line.split()
    va, pa, size, attr = int(f[0], 16), int(f[1], 16), int(f[2], 16), f[3]
    if attr[1] == "w" and attr[0] != "r":
        return True
    return size == 0x400000 and va % size == 0 and pa % size != 0


def qemu_runs(d, cpu):
    """QEMU's info mem of @cpu: [(va, pa, size, attr)]."""
    return info_mem_runs(read_text(os.path.join(d, "cpu%d" % cpu, "info_mem.txt")))


def debugger_answer(runs, a, want):
    """QEMU's gva2gpa answer @want for @a, but the info mem address where
    @runs list @a as execute-only and QEMU said Unmapped (a load without
    MXR)."""
    for va, pa, size, attr in runs:
        if attr[:3] == "--x" and va <= a < va + size and want == "Unmapped":
            return "gpa: 0x%x" % (pa + a - va)
    return want


def debugger_view(t, d, cpu, mxr):
    """The truth with QEMU's load-permission Unmapped answers on
    execute-only pages (MXR clear) replaced by their info mem address."""
    if mxr:
        return t
    runs = qemu_runs(d, cpu)
    return dict(t, gva2gpa=[(a, debugger_answer(runs, a, want), kind)
                            for a, want, kind in t["gva2gpa"]])


def beyond_ram(d, cpu):
    """A virtual address QEMU's info mem maps above the 64 MiB of RAM."""
    for va, pa, size, attr in qemu_runs(d, cpu):
        if pa >= 0x84000000 and attr[0] == "r":
            return va
    raise SystemExit("cpu%d: no page mapped beyond RAM in QEMU's info mem" % cpu)


def check_info_mem(tap, label, got, d, cpu):
    qemu = [l.rstrip() for l in read_text(os.path.join(d, "cpu%d" % cpu,
                                                       "info_mem.txt")).split("\n") if l.strip()]
    rows = [l for l in qemu[2:]]
    dropped = [l for l in rows if refused_by_spec(l)]
    want = qemu[:2] + [l for l in rows if not refused_by_spec(l)]
    mine = [l.rstrip() for l in got.get((cpu, "mem"), []) if l.strip()]
    tap.ok("%s cpu%d: monitor info mem equals QEMU's %d lines but its %d for refused entries"
           % (label, cpu, len(qemu), len(dropped)),
           mine == want and {l.split()[0] for l in dropped} == PLANTED[cpu],
           "dropped: %r\npgstub:\n%s\nwant:\n%s" % (dropped, "\n".join(mine[:40]),
                                                    "\n".join(want[:40])))


def check_access(tap, label, got, faults, cpu):
    """pgstub's access = the fault the hart took (scause 0: none)."""
    bad, n = [], 0
    for i, p in enumerate(faults):
        lines = [l for l in got.get((cpu, "acc%d" % i), []) if l.strip()]
        cause, tval = int(p["scause"], 16), int(p["stval"], 16)
        m = re.search(r"scause (\d+) .*stval (0x[0-9a-f]+)", " ".join(lines))
        if cause == 0:
            good = len(lines) == 1 and ": allowed: physical" in lines[0]
        else:
            good = bool(m) and int(m.group(1)) == cause and int(m.group(2), 16) == tval
        n += cause != 0
        if not good:
            bad.append("%s %s: hart took scause %d stval 0x%x; pgstub %r"
                       % (p["va"], p["kind"], cause, tval, lines))
    tap.ok("%s cpu%d: monitor access = the hart's own faults on %d accesses "
           "(%d faulted)" % (label, cpu, len(faults), n), not bad and faults,
           "\n".join(bad))


def raw_ram(elf, out):
    """dump.elf's RAM segment (ELF32) as a raw file; its physical base."""
    with open(elf, "rb") as f, open(out, "wb") as o:
        h = f.read(52)
        phoff, = struct.unpack("<I", h[28:32])
        phentsize, phnum = struct.unpack("<HH", h[42:46])
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            typ, off, _, paddr, filesz = struct.unpack("<IIIII", f.read(20))
            if typ == 1 and paddr == 0x80000000:
                f.seek(off)
                o.write(f.read(filesz))
                return paddr
    raise SystemExit("%s: no RAM segment at 0x80000000" % elf)


def check_raw(tap, pgstub, d, name, truth, cpus):
    tmp = tempfile.mkdtemp(prefix="pgstub-raw-rv32-")
    try:
        raw = os.path.join(tmp, "ram")
        base = raw_ram(os.path.join(d, "dump.elf"), raw)
        for c in cpus:
            extra = ["--raw", "--raw-base", "0x%x" % base, "--arch", "riscv32",
                     "--reg", "satp=" + truth[c]["regs"]["satp"]]
            label = "%s raw --reg satp=%s" % (name, truth[c]["regs"]["satp"])
            # A raw image has one vCPU: hart c's samples on it.
            jobs = [(0, translation_jobs(truth[c], everything, vtop_every=3))]
            got, log = session(pgstub, raw, jobs, extra, arch=ARCH)
            tap.ok("%s: GDB session (%s)" % (label, " ".join(extra)), bool(got), log[-3000:])
            if got:
                check_translations(tap, label, got, truth[c], 0, everything, vtop_every=3)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_config(tap, pgstub, d, name):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cpus = meta["cpus"]
    truth = {c: debugger_view(load_cpu(os.path.join(d, "cpu%d" % c)), d, c,
                              meta["per_cpu"]["cpu%d" % c]["view"]["mxr"]) for c in cpus}
    changed = sum(a != b for c in cpus for a, b in
                  zip(truth[c]["gva2gpa"], load_cpu(os.path.join(d, "cpu%d" % c))["gva2gpa"]))
    tap.note("%d answers on execute-only pages without MXR expected mapped" % changed)
    xp = parse_records(read_text(os.path.join(d, "xp.txt")))
    for c in cpus:
        st = meta["per_cpu"]["cpu%d" % c]["stopped"]
        tap.note("%s cpu%d stopped in %s, satp %s" % (name, c, st["regime"], st["satp"]))

    for image in ("dump.elf", "dump.kdump"):
        # No CSR in the notes: registers, and a refusal naming --reg satp=.
        label = "%s %s" % (name, image)
        jobs = [(c, [("regs", "cli", "info registers " + " ".join(CORE)),
                     ("mregs", "cli", "monitor info registers"),
                     ("refuse", "cli", "monitor gva2gpa 0x%x" % truth[c]["gva2gpa"][0][0])])
                for c in cpus]
        got, log = session(pgstub, os.path.join(d, image), jobs, arch=ARCH)
        tap.ok("%s: GDB session through pgstub --stdio" % label, bool(got), log[-3000:])
        for c in cpus if got else []:
            check_regs(tap, label, got, truth[c], c, CORE)
            check_monitor_regs(tap, label, got, d, c)
            lines = got.get((c, "refuse"), [])
            tap.ok("%s cpu%d: without satp an address is refused, naming --reg satp="
                   % (label, c), any("--reg satp=" in l for l in lines), "\n".join(lines))
        # Each hart's satp as QEMU had it: every address of that hart.
        for c in cpus:
            satp = truth[c]["regs"]["satp"]
            lab = "%s --reg satp=%s" % (label, satp)
            cmds = translation_jobs(truth[c], everything, vtop_every=3)
            if c == cpus[0] and image == "dump.elf":
                cmds += [("xp%d" % i, "cli", "monitor " + cmd) for i, (cmd, _) in enumerate(xp)]
            got, log = session(pgstub, os.path.join(d, image), [(c, cmds)],
                               ["--reg", "satp=" + satp], arch=ARCH)
            tap.ok("%s: GDB session" % lab, bool(got), log[-3000:])
            if not got:
                continue
            check_translations(tap, lab, got, truth[c], c, everything, vtop_every=3)
            if c == cpus[0] and image == "dump.elf":
                bad = ["%s: pgstub %r QEMU %r" % (cmd, [l for l in got.get((c, "xp%d" % i), [])
                                                       if l][:2], lines[:2])
                       for i, (cmd, lines) in enumerate(xp)
                       if [l for l in got.get((c, "xp%d" % i), []) if l] != lines]
                tap.ok("%s: monitor xp identical to QEMU's (%d reads)" % (lab, len(xp)),
                       not bad, "\n".join(bad[:10]))

    check_raw(tap, pgstub, d, name, truth, cpus)
    tmp = tempfile.mkdtemp(prefix="pgstub-export-rv32-")
    try:
        check_export_riscv64.check(tap, pgstub, d, tmp, name, xlen=32)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    label = "%s guest.mig" % name
    jobs = []
    for c in cpus:
        cmds = [("regs", "cli", "info registers " + " ".join(CORE + CSRS)),
                ("mregs", "cli", "monitor info registers"),
                ("mem", "cli", "monitor info mem"),
                ("beyond", "cli", "monitor x /4wx 0x%x" % beyond_ram(d, c))]
        cmds += translation_jobs(truth[c], everything, vtop_every=3)
        if c == cpus[0]:
            cmds += [("acc%d" % i, "cli", "monitor access 0x%s %s --kernel"
                      % (p["va"], p["kind"]))
                     for i, p in enumerate(meta["guest"]["faults"])]
        jobs.append((c, cmds))
    got, log = session(pgstub, os.path.join(d, "guest.mig"), jobs, arch=ARCH)
    tap.ok("%s: GDB session through pgstub --stdio" % label, bool(got), log[-3000:])
    for c in cpus if got else []:
        check_regs(tap, label, got, truth[c], c, CORE + CSRS)
        # QEMU 7.2's HMP prints mideleg 0 where its gdbstub (and the
        # stream) hold the H extension's forced 0x1444: check_regs has it.
        check_monitor_regs(tap, label, got, d, c,
                           [r for r in MIG_CSR_LINES if r != "mideleg"] + ["mstatush"])
        mine = [l for l in got.get((c, "beyond"), []) if l]
        tap.ok("%s cpu%d: monitor x on a page mapped beyond RAM says it cannot read"
               % (label, c), len(mine) == 1 and mine[0].endswith("Cannot access memory"),
               repr(mine))
        check_translations(tap, label, got, truth[c], c, everything, vtop_every=3)
        check_info_mem(tap, label, got, d, c)
    if got:
        check_access(tap, label, got, meta["guest"]["faults"], cpus[0])


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    pgstub, guests, configs = argv[1], argv[2], argv[3:]
    tap = Tap()
    for name in configs:
        d = os.path.join(guests, name)
        if not os.path.isfile(os.path.join(d, "meta.json")):
            tap.ok("%s: recording present" % name, False, "no %s/meta.json" % d)
            continue
        check_config(tap, pgstub, d, name)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
