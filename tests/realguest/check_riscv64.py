#!/usr/bin/env python3
"""Check pgstub on recorded riscv64 guests against QEMU 7.2's own answers.

For each configuration recorded by record_riscv64.py (Sv57, Sv48, Sv39), a
real gdb-multiarch runs `target remote | pgstub --stdio IMAGE` on the
snapshots QEMU took of the same stopped guest, and compares with what QEMU
said in its debugger's view (priv S, sstatus.SUM set; gva2gpa.tsv, x.txt):

  dump.elf, dump.kdump   (pc and x1-x31 only; no satp: pgstub finds the
                          kernel's root in memory)
      pc and x0-x31 as QEMU's gdbstub read them; `monitor info registers`
      pc and x0/zero..x31/t6 lines as QEMU printed them; the root pgstub
      found is swapper_pg_dir (kallsyms and /proc/iomem say where), in the
      config's mode; `monitor gva2gpa` of every sampled kernel address
      line-identical to QEMU's; GDB memory reads equal the bytes of QEMU's
      `x` there; `monitor x` text identical; `monitor vtop` ends at QEMU's
      physical address; a user address is refused, naming --reg satp=;
      `monitor xp` identical to QEMU's (ELF only)
  dump.elf --reg satp=<the hart's satp as QEMU had it>
      the same for all of that hart's addresses, kernel and user; `info
      registers satp` shows it
  guest.mig              (x1-x31, pc, priv and the CSRs from the cpu
                          sections; RAM riscv_virt_board.ram at 2 GiB)
      pc, x1-x31, priv, satp, sstatus, mstatus and the other CSRs pgstub
      keeps equal QEMU's gdbstub; `monitor info registers` pc, CSR and x
      lines as QEMU printed them; both halves of every hart's samples

Output is TAP. usage: check_riscv64.py PGSTUB GUESTS_DIR CONFIG [CONFIG...]
Environment: GDB_MULTIARCH (default gdb-multiarch), PGSTUB_RISCV64_SNAPSHOTS
(a subset of "dump.elf dump.kdump guest.mig"; default all three).
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
from gdbsession import QUIET, Tap, run_jobs  # noqa: E402
from check_aarch64 import (load_cpu, parse_records, read_text,  # noqa: E402
                           translation_jobs, check_translations, check_regs)

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
XREGS = ("zero ra sp gp tp t0 t1 t2 fp s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 "
         "s8 s9 s10 s11 t3 t4 t5 t6").split()
CORE = XREGS[1:] + ["pc"]
CSRS = ["priv", "satp", "sstatus", "mstatus", "stvec", "sscratch", "sepc", "scause",
        "stval", "mepc", "mcause", "mtval", "mtvec", "medeleg", "mideleg", "mie", "mip",
        "mscratch", "misa", "mhartid"]
SNAPSHOTS = ("dump.elf", "dump.kdump", "guest.mig")
DEFAULT_SNAPSHOTS = SNAPSHOTS


def is_kernel(addr):
    return bool(addr >> 63)


def session(pgstub, image, jobs, extra=(), arch="riscv:rv64"):
    # remotetimeout: opening a dump (and finding its root) must not race
    # GDB's 2-second default on a loaded machine.
    setup = QUIET + ["set architecture " + arch, "set remotetimeout 30",
                     "target remote | %s --stdio %s %s" % (pgstub, " ".join(extra), image),
                     "set mem inaccessible-by-default off"]
    return run_jobs(GDB, setup, jobs, finish=["kill"], timeout=1800)


# The CSR lines of QEMU 7.2's riscv `info registers` that a migration
# stream holds (QEMU also prints hstatus, vsstatus... which pgstub keeps not).
MIG_CSR_LINES = ("mhartid mstatus mip mie mideleg medeleg mtvec stvec mepc sepc mcause "
                 "scause mtval stval mscratch sscratch satp").split()


def qemu_block(lines, csrs=()):
    """QEMU 7.2's riscv `info registers`: the pc line, the lines of the
    CSRs named, and the eight x0/zero..x31/t6 lines."""
    out = [l.rstrip() for l in lines if l.split()[:1] and
           (l.split()[0] == "pc" or l.split()[0] in csrs)]
    out += [l.rstrip() for l in lines if l.startswith(" x") and "/" in l.split()[0]]
    return out


def check_monitor_regs(tap, label, got, d, cpu, csrs=()):
    want = qemu_block(read_text(os.path.join(d, "cpu%d" % cpu, "info_registers.txt")).split("\n"),
                      csrs)
    mine = qemu_block(got.get((cpu, "mregs"), []), csrs)
    tap.ok("%s cpu%d: monitor info registers: pc%s and x0/zero..x31/t6 as QEMU prints them"
           % (label, cpu, ", " + " ".join(csrs) if csrs else ""),
           mine == want and len(want) == 9 + len(csrs),
           "pgstub:\n%s\nQEMU:\n%s" % ("\n".join(mine), "\n".join(want)))


def swapper_pa(meta, d):
    """swapper_pg_dir's physical address: its kallsyms VA minus the
    kernel image's offset (kallsyms _stext against /proc/iomem)."""
    va = None
    for l in meta["guest"]["kallsyms"]:
        f = l.split()
        if len(f) >= 3 and f[2] == "swapper_pg_dir":
            va = int(f[0], 16)
    return (va - int(meta["layout"]["kimage_voffset"], 16)) & ((1 << 64) - 1)


def check_found_root(tap, label, got, meta, d, cpu):
    text = "\n".join(got.get((cpu, "mregs"), []))
    m = re.search(r"found in memory: (Sv\d+) root at physical (0x[0-9a-f]+)", text)
    want_pa = swapper_pa(meta, d)
    want_mode = meta["config"].split("-")[1].capitalize()
    tap.ok("%s cpu%d: the root pgstub found is swapper_pg_dir (0x%x), %s"
           % (label, cpu, want_pa, want_mode),
           bool(m) and int(m.group(2), 16) == want_pa and m.group(1) == want_mode,
           text[-1500:])


def check_user_refused(tap, label, got, t, cpu):
    user = [(i, a) for i, (a, w, k) in enumerate(t["gva2gpa"]) if not is_kernel(a)
            and w.startswith("gpa:")]
    if not user:
        return
    lines = got.get((cpu, "refuse"), [])
    tap.ok("%s cpu%d: user address 0x%x (mapped for QEMU) refused, naming --reg satp="
           % (label, cpu, user[0][1]), any("--reg satp=" in l for l in lines), "\n".join(lines))


def user_probe(t):
    for a, w, k in t["gva2gpa"]:
        if not is_kernel(a) and w.startswith("gpa:"):
            return a
    return None


def check_shell(tap, pgstub, d, name, truth):
    """pgstub shell on the ELF dump: $pc is hart 0's pc (x reads there, or
    cannot for a user pc without satp), and disas says what capstone
    cannot do rather than decode riscv64 code as x86."""
    pc = int(truth[0]["regs"]["pc"], 16)
    p = subprocess.run([pgstub, "shell", os.path.join(d, "dump.elf"), "-c", "x /2gx $pc",
                        "-c", "disas $pc 1"], capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr
    if pc >> 63:
        good = ("%016x:" % pc) in out and "Cannot" not in out
    else:
        # no satp: the user pc does not translate (gva2gpa says why)
        good = ("%016x: Cannot access memory" % pc) in out
    good = good and "riscv64" in out.split("disas", 1)[-1]
    tap.ok("%s: pgstub shell: x /2gx $pc at hart 0's pc 0x%x, disas names riscv64"
           % (name, pc), good, out[-1500:])


def check_config(tap, pgstub, d, name, snapshots):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cpus = meta["cpus"]
    truth = {c: load_cpu(os.path.join(d, "cpu%d" % c)) for c in cpus}
    xp = parse_records(read_text(os.path.join(d, "xp.txt")))
    for c in cpus:
        st = meta["per_cpu"]["cpu%d" % c]["stopped"]
        tap.note("%s cpu%d stopped in %s, satp %s" % (name, c, st["regime"], st["satp"]))

    # Dumps: the kernel half on every hart, from the root found in memory.
    for image in [i for i in ("dump.elf", "dump.kdump") if i in snapshots]:
        label = "%s %s" % (name, image)
        jobs = []
        for c in cpus:
            cmds = [("regs", "cli", "info registers " + " ".join(CORE)),
                    ("mregs", "cli", "monitor info registers")]
            probe = user_probe(truth[c])
            if probe is not None:
                cmds.append(("refuse", "cli", "monitor gva2gpa 0x%x" % probe))
            cmds += translation_jobs(truth[c], is_kernel)
            if c == cpus[0] and image == "dump.elf":
                cmds += [("xp%d" % i, "cli", "monitor " + cmd) for i, (cmd, _) in enumerate(xp)]
            jobs.append((c, cmds))
        t0 = time.monotonic()
        got, log = session(pgstub, os.path.join(d, image), jobs)
        tap.ok("%s: GDB session through pgstub --stdio" % label, bool(got), log[-3000:])
        if not got:
            continue
        tap.note("%s: %.1f s" % (label, time.monotonic() - t0))
        for c in cpus:
            check_regs(tap, label, got, truth[c], c, CORE)
            check_monitor_regs(tap, label, got, d, c)
            check_found_root(tap, label, got, meta, d, c)
            check_user_refused(tap, label, got, truth[c], c)
            check_translations(tap, label, got, truth[c], c, is_kernel)
        if image == "dump.elf":
            bad = []
            for i, (cmd, lines) in enumerate(xp):
                mine = [l for l in got.get((cpus[0], "xp%d" % i), []) if l]
                if mine != lines:
                    bad.append("%s: pgstub %r QEMU %r" % (cmd, mine[:2], lines[:2]))
            tap.ok("%s: monitor xp identical to QEMU's (%d reads)" % (label, len(xp)),
                   not bad, "\n".join(bad[:10]))

    if "dump.elf" in snapshots:
        check_shell(tap, pgstub, d, name, truth)

    # The ELF dump with one hart's satp as QEMU had it: all its addresses.
    for c in cpus if "dump.elf" in snapshots else []:
        satp = truth[c]["regs"]["satp"]
        label = "%s dump.elf --reg satp=%s" % (name, satp)
        cmds = [("regs", "cli", "info registers satp")]
        cmds += translation_jobs(truth[c], lambda a: True)
        got, log = session(pgstub, os.path.join(d, "dump.elf"), [(c, cmds)],
                           ["--reg", "satp=" + satp])
        tap.ok("%s: GDB session" % label, bool(got), log[-3000:])
        if got:
            check_regs(tap, label, got, truth[c], c, ["satp"])
            check_translations(tap, label, got, truth[c], c, lambda a: True)

    if "guest.mig" in snapshots:
        label = "%s guest.mig" % name
        jobs = []
        for c in cpus:
            cmds = [("regs", "cli", "info registers " + " ".join(CORE + CSRS)),
                    ("mregs", "cli", "monitor info registers")]
            cmds += translation_jobs(truth[c], lambda a: True)
            jobs.append((c, cmds))
        got, log = session(pgstub, os.path.join(d, "guest.mig"), jobs)
        tap.ok("%s: GDB session through pgstub --stdio" % label, bool(got), log[-3000:])
        if got:
            for c in cpus:
                check_regs(tap, label, got, truth[c], c, CORE + CSRS)
                check_monitor_regs(tap, label, got, d, c, MIG_CSR_LINES)
                check_translations(tap, label, got, truth[c], c, lambda a: True)


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    pgstub, guests, configs = argv[1], argv[2], argv[3:]
    snapshots = os.environ.get("PGSTUB_RISCV64_SNAPSHOTS", "").split() or DEFAULT_SNAPSHOTS
    unknown = [x for x in snapshots if x not in SNAPSHOTS]
    if unknown:
        sys.stderr.write("PGSTUB_RISCV64_SNAPSHOTS: unknown %s\n" % " ".join(unknown))
        return 2
    tap = Tap()
    for name in configs:
        d = os.path.join(guests, name)
        if not os.path.isfile(os.path.join(d, "meta.json")):
            tap.ok("%s: recording present" % name, False, "no %s/meta.json" % d)
            continue
        check_config(tap, pgstub, d, name, snapshots)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
