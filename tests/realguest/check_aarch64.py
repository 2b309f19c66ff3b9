#!/usr/bin/env python3
"""Check pgstub on recorded arm64 guests against QEMU 7.2's own answers.

For each configuration recorded by record_aarch64.py, a real gdb-multiarch
runs `target remote | pgstub --stdio IMAGE` on the three snapshots QEMU took
of the same stopped guest, and compares with what QEMU said (the EL1 view
with PAN clear, see record_aarch64.py):

  dump.elf, dump.kdump   (no system registers; kernel root from VMCOREINFO)
      pc/sp/cpsr as QEMU's gdbstub read them (and any other register pgstub
      has: the same value); `monitor info registers` PC/X/SP/PSTATE lines
      as QEMU printed them; `monitor gva2gpa` of every
      sampled kernel address (TTBR1 half) line-identical to QEMU's; GDB
      memory reads equal the bytes of QEMU's `x` there; `monitor x` text
      identical; `monitor vtop` ends at QEMU's physical address;
      `monitor xp` identical to QEMU's (ELF only)
  dump.elf --reg ttbr0_el1=<vCPU's TTBR0_EL1 as QEMU had it>
      the same for that vCPU's user addresses (TTBR0 half, TBI tags too);
      on the VHE host (aarch64-virt-4k-el2) --reg hcr_el2=HCR --reg
      ttbr0_el2=TTBR0_EL2: the regime is EL2&0, at EL0 (TGE) too
  guest.mig              (every register from the stream's cpu sections)
      kernel and user addresses on every vCPU, and `info registers`
      TTBR0_EL1 TTBR1_EL1 TCR_EL1 SCTLR MAIR_EL1 pc sp cpsr (and on the
      VHE host HCR_EL2 TTBR0_EL2 TTBR1_EL2 TCR_EL2 SCTLR_EL2 MAIR_EL2) equal
      to QEMU's gdbstub, names as QEMU 7.2 gives them; the register checks
      of the dumps too. A refusal of the stream is a failure.

Output is TAP. usage: check_aarch64.py PGSTUB GUESTS_DIR CONFIG [CONFIG...]
Environment: GDB_MULTIARCH (default gdb-multiarch), PGSTUB_AARCH64_OPTS
(extra pgstub options, e.g. a different spelling of --reg),
PGSTUB_AARCH64_SNAPSHOTS (a subset of "dump.elf dump.kdump guest.mig").
"""
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from gdbsession import QUIET, Tap, run_jobs  # noqa: E402

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
SYSREGS = ["TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "SCTLR", "MAIR_EL1"]
SYSREGS_EL2 = ["HCR_EL2", "TTBR0_EL2", "TTBR1_EL2", "TCR_EL2", "SCTLR_EL2", "MAIR_EL2"]
CORE = ["pc", "sp", "cpsr"]
# Read one by one: a stream may hold them or not, but never another value.
OPTIONAL = ["SP_EL0", "SP_EL1", "TPIDR_EL1", "VBAR", "ESR_EL1", "FAR_EL1",
            "CONTEXTIDR_EL1", "ELR_EL1", "SPSR_EL1", "ID_AA64MMFR0_EL1",
            "ID_AA64MMFR1_EL1", "ID_AA64MMFR2_EL1", "x0", "x29", "x30"]
MASK = (1 << 64) - 1
SNAPSHOTS = ("dump.elf", "dump.kdump", "guest.mig")


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1").replace("\r\n", "\n")


def is_kernel(addr):
    """The TTBR1 half: VA bit 55 selects it (whatever the top byte)."""
    return bool(addr >> 55 & 1)


def load_cpu(d):
    g2g = []
    for line in read_text(os.path.join(d, "gva2gpa.tsv")).split("\n"):
        if line:
            a, out, kind = line.split("\t")
            g2g.append((int(a, 16), out, kind))
    xs = parse_records(read_text(os.path.join(d, "x.txt")))
    with open(os.path.join(d, "gdbstub_registers.json")) as f:
        regs = json.load(f)
    return {"gva2gpa": g2g, "x": xs, "regs": regs}


def parse_records(text):
    """'### CMD' then QEMU's output lines -> [(cmd, [lines])]."""
    out, cur = [], None
    for line in text.split("\n"):
        if line.startswith("### "):
            cur = (line[4:], [])
            out.append(cur)
        elif cur is not None and line:
            cur[1].append(line)
    return out


def x_bytes(cmd, lines):
    """QEMU `x /Nfx ADDR` -> (addr, bytes printed); values are numbers of the
    unit size, stored little-endian. QEMU stops at the first line it cannot
    read ('Cannot access memory')."""
    m = re.match(r"x /(\d+)([bwg])x (0x[0-9a-f]+)$", cmd)
    size = {"b": 1, "w": 4, "g": 8}[m.group(2)]
    data = b""
    for line in lines:
        if "Cannot access memory" in line:
            break
        for v in line.split(":", 1)[1].split():
            data += int(v, 16).to_bytes(size, "little")
    return int(m.group(3), 16), data


def vtop_pa(lines):
    """The physical address at the end of pgstub's vtop walk, or None."""
    arrow = [l for l in lines if " -> " in l]
    if not arrow:
        return None
    m = re.match(r"\s*(0x[0-9a-f]+|[0-9a-f]+)", arrow[-1].split(" -> ")[-1])
    return int(m.group(1), 16) if m else None


def session(pgstub, image, jobs, extra=()):
    opts = list(extra) + os.environ.get("PGSTUB_AARCH64_OPTS", "").split()
    setup = QUIET + ["set architecture aarch64",
                     "target remote | %s --stdio %s %s" % (pgstub, " ".join(opts), image),
                     "set mem inaccessible-by-default off"]
    got, log = run_jobs(GDB, setup, jobs, finish=["kill"], timeout=1800)
    return got, log


def translation_jobs(t, select, vtop_every=4):
    """gva2gpa (and every vtop_every-th vtop) of the samples select() keeps,
    plus QEMU's x commands there."""
    cmds = []
    for i, (a, _, kind) in enumerate(t["gva2gpa"]):
        if select(a):
            cmds.append(("g%d" % i, "cli", "monitor gva2gpa 0x%x" % a))
            if i % vtop_every == 0:
                cmds.append(("v%d" % i, "cli", "monitor vtop 0x%x" % a))
    for i, (cmd, lines) in enumerate(t["x"]):
        addr, want = x_bytes(cmd, lines)
        if select(addr):
            if want:
                cmds.append(("x%d" % i, "mem", (addr, len(want))))
            cmds.append(("mx%d" % i, "cli", "monitor " + cmd))
    return cmds


def check_translations(tap, label, got, t, cpu, select, vtop_every=4):
    """TAP lines for gva2gpa, vtop, GDB reads and monitor x of one vCPU."""
    bad, n, mapped = [], 0, 0
    vbad, vn = [], 0
    for i, (a, want, kind) in enumerate(t["gva2gpa"]):
        if not select(a):
            continue
        n += 1
        mine = [l for l in got.get((cpu, "g%d" % i), ["<none>"]) if l]
        if mine != [want]:
            bad.append("0x%x (%s): pgstub %r QEMU %r" % (a, kind, mine[:2], want))
        mapped += want.startswith("gpa:")
        if i % vtop_every == 0:
            vn += 1
            pa = vtop_pa(got.get((cpu, "v%d" % i), []))
            if want.startswith("gpa: "):
                if pa != int(want[5:], 16):
                    vbad.append("vtop 0x%x (%s): %r, QEMU %s" % (
                        a, kind, got.get((cpu, "v%d" % i), [])[-2:], want))
            elif pa is not None:
                vbad.append("vtop 0x%x (%s) maps to 0x%x, QEMU %s" % (a, kind, pa, want))
    tap.ok("%s cpu%d: gva2gpa identical to QEMU's on %d addresses (%d mapped)"
           % (label, cpu, n, mapped), not bad and n > 0, "\n".join(bad[:20]))
    tap.ok("%s cpu%d: vtop ends at QEMU's physical address (%d addresses)"
           % (label, cpu, vn), not vbad and vn > 0, "\n".join(vbad[:20]))
    xbad, mbad, nx = [], [], 0
    for i, (cmd, lines) in enumerate(t["x"]):
        addr, want = x_bytes(cmd, lines)
        if not select(addr):
            continue
        nx += 1
        if want:
            have = "".join(got.get((cpu, "x%d" % i), ["<none>"]))
            if have != want.hex():
                xbad.append("%s: pgstub %s QEMU %s" % (cmd, have[:80], want.hex()))
        mine = [l for l in got.get((cpu, "mx%d" % i), []) if l]
        if mine != lines:
            mbad.append("%s:\n  pgstub %r\n  QEMU   %r" % (cmd, mine[:2], lines[:2]))
    tap.ok("%s cpu%d: GDB reads the bytes QEMU's x printed (%d reads)" % (label, cpu, nx),
           not xbad and nx > 0, "\n".join(xbad[:20]))
    tap.ok("%s cpu%d: monitor x text identical to QEMU's (%d commands)" % (label, cpu, nx),
           not mbad and nx > 0, "\n".join(mbad[:10]))


def check_regs(tap, label, got, t, cpu, names):
    g = {}
    for line in got.get((cpu, "regs"), []):
        f = line.split()
        if len(f) >= 2 and f[1].startswith("0x"):
            g[f[0]] = int(f[1], 16)
    bad = ["%s: pgstub %s QEMU %s" % (k, hex(g[k]) if k in g else None, t["regs"].get(k))
           for k in names if t["regs"].get(k) is None or g.get(k) != int(t["regs"][k], 16)]
    tap.ok("%s cpu%d: info registers %s equal QEMU's gdbstub" % (label, cpu, " ".join(names)),
           not bad, "\n".join(bad + got.get((cpu, "regs"), [])[:20]))


def gpr_block(lines):
    """QEMU 7.2's `info registers` from ' PC=' to the ' SP=' line, and the
    PSTATE value, flags and EL: the part every snapshot holds."""
    out, on = [], False
    for line in lines:
        if line.startswith(" PC="):
            on = True
        if on:
            out.append(line.rstrip())
            if " SP=" in line:
                break
    for line in lines:
        if line.startswith("PSTATE="):
            out.append(" ".join(line.split()[:3]))
            break
    return out


def check_optional(tap, label, got, t, cpu, required=False):
    """The OPTIONAL registers pgstub shows equal QEMU's; with required, it
    must show every one of them (a migration stream holds them all)."""
    bad, seen = [], []
    for k in OPTIONAL:
        for line in got.get((cpu, "o" + k), []):
            f = line.split()
            if len(f) >= 2 and f[0] == k and f[1].startswith("0x"):
                seen.append(k)
                if t["regs"].get(k) is None or int(f[1], 16) != int(t["regs"][k], 16):
                    bad.append("%s: pgstub %s QEMU %s" % (k, f[1], t["regs"].get(k)))
    if required:
        bad += ["%s: pgstub does not show it" % k for k in OPTIONAL if k not in seen]
    tap.ok("%s cpu%d: the other registers pgstub has equal QEMU's (%s)"
           % (label, cpu, " ".join(seen) or "none"), not bad, "\n".join(bad))


def check_monitor_regs(tap, label, got, d, cpu):
    want = gpr_block(read_text(os.path.join(d, "cpu%d" % cpu, "info_registers.txt")).split("\n"))
    mine = gpr_block(got.get((cpu, "mregs"), []))
    tap.ok("%s cpu%d: monitor info registers: PC, X00-X30, SP and PSTATE as QEMU prints them"
           % (label, cpu), mine == want and len(want) == 12,
           "pgstub:\n%s\nQEMU:\n%s" % ("\n".join(mine), "\n".join(want)))


def is_vhe(meta):
    """A VHE host: its kernel and processes translate in EL2&0."""
    stopped = meta["per_cpu"]["cpu%d" % meta["cpus"][0]]["stopped"]
    return stopped.get("regime", "").startswith("EL2&0")


def check_config(tap, pgstub, d, name, snapshots=SNAPSHOTS):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cpus = meta["cpus"]
    truth = {c: load_cpu(os.path.join(d, "cpu%d" % c)) for c in cpus}
    xp = parse_records(read_text(os.path.join(d, "xp.txt")))
    vhe = is_vhe(meta)
    for c in cpus:
        st = meta["per_cpu"]["cpu%d" % c]["stopped"]
        tap.note("%s cpu%d stopped at EL%d%s (%s), TCR %s (TG1 %s, T1SZ %d)" % (
            name, c, st["el"], " PAN" if st["pan"] else "", st.get("regime"),
            meta["per_cpu"]["cpu%d" % c]["sysregs"]["TCR_EL2" if vhe else "TCR_EL1"],
            meta["per_cpu"]["cpu%d" % c]["tcr"]["TG1"], meta["per_cpu"]["cpu%d" % c]["tcr"]["T1SZ"]))

    # Dumps: the kernel half on every vCPU, from VMCOREINFO.
    for image in [i for i in ("dump.elf", "dump.kdump") if i in snapshots]:
        label = "%s %s" % (name, image)
        jobs = []
        for c in cpus:
            cmds = [("regs", "cli", "info registers " + " ".join(CORE)),
                    ("mregs", "cli", "monitor info registers")]
            cmds += [("o" + k, "cli", "info registers " + k) for k in OPTIONAL]
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
            check_optional(tap, label, got, truth[c], c)
            check_monitor_regs(tap, label, got, d, c)
            check_translations(tap, label, got, truth[c], c, is_kernel)
        if image == "dump.elf":
            bad = []
            for i, (cmd, lines) in enumerate(xp):
                mine = [l for l in got.get((cpus[0], "xp%d" % i), []) if l]
                if mine != lines:
                    bad.append("%s: pgstub %r QEMU %r" % (cmd, mine[:2], lines[:2]))
            tap.ok("%s: monitor xp identical to QEMU's (%d reads)" % (label, len(xp)),
                   not bad, "\n".join(bad[:10]))

    # The ELF dump with one vCPU's TTBR0_EL1 as QEMU had it: its user half.
    # A VHE host's processes run on TTBR0_EL2; HCR_EL2 says so (E2H, TGE).
    for c in cpus if "dump.elf" in snapshots else []:
        if vhe:
            regs = ["hcr_el2=" + truth[c]["regs"]["HCR_EL2"],
                    "ttbr0_el2=" + truth[c]["regs"]["TTBR0_EL2"]]
        else:
            regs = ["ttbr0_el1=" + truth[c]["regs"]["TTBR0_EL1"]]
        label = "%s dump.elf --reg %s" % (name, " --reg ".join(regs))
        jobs = [(c, translation_jobs(truth[c], lambda a: not is_kernel(a)))]
        got, log = session(pgstub, os.path.join(d, "dump.elf"), jobs,
                           [x for r in regs for x in ("--reg", r)])
        tap.ok("%s: GDB session" % label, bool(got), log[-3000:])
        if got:
            check_translations(tap, label, got, truth[c], c, lambda a: not is_kernel(a))

    if "guest.mig" in snapshots:
        check_mig(tap, pgstub, d, name, cpus, truth, SYSREGS + (SYSREGS_EL2 if vhe else []))


def check_mig(tap, pgstub, d, name, cpus, truth, sysregs):
    """The migration stream: every register QEMU had, both halves."""
    label = "%s guest.mig" % name
    jobs = []
    for c in cpus:
        cmds = [("regs", "cli", "info registers " + " ".join(sysregs + CORE)),
                ("mregs", "cli", "monitor info registers")]
        cmds += [("o" + k, "cli", "info registers " + k) for k in OPTIONAL]
        cmds += translation_jobs(truth[c], lambda a: True)
        jobs.append((c, cmds))
    t0 = time.monotonic()
    got, log = session(pgstub, os.path.join(d, "guest.mig"), jobs)
    tap.ok("%s: GDB session through pgstub --stdio" % label, bool(got), log[-3000:])
    if got:
        tap.note("%s: %.1f s" % (label, time.monotonic() - t0))
        for c in cpus:
            check_regs(tap, label, got, truth[c], c, sysregs + CORE)
            check_optional(tap, label, got, truth[c], c, required=True)
            check_monitor_regs(tap, label, got, d, c)
            check_translations(tap, label, got, truth[c], c, lambda a: True)


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    pgstub, guests, configs = argv[1], argv[2], argv[3:]
    snapshots = os.environ.get("PGSTUB_AARCH64_SNAPSHOTS", "").split() or SNAPSHOTS
    unknown = [x for x in snapshots if x not in SNAPSHOTS]
    if unknown:
        sys.stderr.write("PGSTUB_AARCH64_SNAPSHOTS: unknown %s\n" % " ".join(unknown))
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
