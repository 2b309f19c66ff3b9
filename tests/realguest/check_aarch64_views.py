#!/usr/bin/env python3
"""Check pgstub's arm64 views on recorded arm64 guests: `info mem`,
`info tlb` and `ptov`, through gdb-multiarch's `monitor`, against what QEMU
and the guest itself said (never against pgstub's own walk):

  info mem   every address QEMU's gva2gpa mapped (EL1 view) lies in a run,
             every one it called unmapped in none; runs over the kernel's
             "Kernel code" (/proc/iomem, moved by kimage_voffset) are never
             writable and EL0-inaccessible, the run holding _stext
             (VMCOREINFO) is el1:r-x; runs over "Kernel data" are el1:rw-;
             the busy process's runs lie inside its /proc/PID/maps ranges
             with EL0 permissions within the maps' (r-xp text: el0:r-x);
             the kernel's ioremap areas (/proc/vmallocinfo) are
             Device memory, kernel text Normal-WB, by QEMU's MAIR_EL1
  info tlb   for every address QEMU mapped, the last leaf at or below it
             gives QEMU's physical address
  ptov       QEMU's physical address of sampled kernel and user addresses
             lists that virtual address (tags stripped), and the linear-map
             alias for kernel image addresses; without TTBR0_EL1 a user
             page's physical address says the TTBR0 half was not searched
  info pg --kernel-names
             the levels above _stext are named as Linux names them for the
             CONFIG_PGTABLE_LEVELS of the kernel's own config file
  memory map GDB's `info mem` (qXfer:memory-map) is the spans QEMU's
             TCR_EL1 gives (T0SZ/T1SZ, every top byte under TBI0/TBI1) and
             RAM; GDB reads QEMU's tagged addresses (GDB strips the tag
             itself: that read passes without the map's tagged spans)

The dump is dump.elf with the EL0 vCPU's TTBR0_EL1 and MAIR_EL1 as QEMU's
gdbstub read them (--reg); on the VHE host (aarch64-virt-4k-el2) its
HCR_EL2, TTBR0_EL2 and MAIR_EL2, and the columns say el2: for el1:.
Output is TAP.
usage: check_aarch64_views.py PGSTUB GUESTS_DIR CONFIG [CONFIG...]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from gdbsession import QUIET, Tap, run_jobs  # noqa: E402
sys.path.insert(0, HERE)
from check_aarch64 import is_vhe, parse_records, x_bytes  # noqa: E402

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
# el1: in the EL1&0 regime, el2: in EL2&0 (a VHE host).
MEM = re.compile(r"([0-9a-f]{16})-([0-9a-f]{16}) ([0-9a-f]{16}) "
                 r"el[12]:([r-][w-][x-]) el0:([r-][w-][x-]) (\S+)$")
TLB = re.compile(r"([0-9a-f]{16}): ([0-9a-f]{16}) [A-Z-]{10} el[12]:\S+ el0:\S+ \S+$")


def user_regs(meta, regs, mair=True):
    """--reg options giving the EL0 vCPU's user half (and MAIR) in its
    regime: TTBR0_EL1, or on a VHE host HCR_EL2 (E2H, TGE) and TTBR0_EL2."""
    if is_vhe(meta):
        r = ["hcr_el2=" + regs["HCR_EL2"], "ttbr0_el2=" + regs["TTBR0_EL2"]] + \
            (["mair_el2=" + regs["MAIR_EL2"]] if mair else [])
    else:
        r = ["ttbr0_el1=" + regs["TTBR0_EL1"]] + (["mair_el1=" + regs["MAIR_EL1"]] if mair else [])
    return [x for o in r for x in ("--reg", o)]


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1").replace("\r\n", "\n")


def untag(a):
    """The address TBI makes of a tagged one: bits 63:56 as bit 55."""
    a &= (1 << 56) - 1
    return a | (0xff << 56) if a >> 55 & 1 else a


def guest_lines(d, tag):
    return [l.split(" ", 1)[1] for l in read_text(os.path.join(d, "serial.log")).split("\n")
            if l.startswith("PGSTUB-" + tag + " ")]


def session(pgstub, image, jobs, extra):
    setup = QUIET + ["set architecture aarch64",
                     "target remote | %s --stdio %s %s" % (pgstub, " ".join(extra), image),
                     "set mem inaccessible-by-default off"]
    return run_jobs(GDB, setup, jobs, finish=["kill"], timeout=1800)


def covering(runs, a):
    for r in runs:
        if r[0] <= a < r[1]:
            return r
    return None


def check_config(tap, pgstub, d, name):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    lay = meta["layout"]
    cpu = [c for c in meta["cpus"] if meta["per_cpu"]["cpu%d" % c]["stopped"]["el"] == 0][0]
    with open(os.path.join(d, "cpu%d" % cpu, "gdbstub_registers.json")) as f:
        regs = json.load(f)
    samples = []
    for line in read_text(os.path.join(d, "cpu%d" % cpu, "gva2gpa.tsv")).split("\n"):
        if line:
            a, out, kind = line.split("\t")
            samples.append((int(a, 16), int(out[5:], 16) if out.startswith("gpa: ") else None, kind))
    pid = [l.split("pid=")[1] for l in guest_lines(d, "BUSY") if l.startswith("cpu=%d " % cpu)][0]
    maps = []
    for l in guest_lines(d, "MAPS"):
        f = l.split()
        if f[0] == pid:
            lo, hi = (int(x, 16) for x in f[1].split("-"))
            if maps and maps[-1][1] == lo and maps[-1][2] == f[2]:
                lo = maps.pop()[0]  # adjacent areas alike: one run
            maps.append((lo, hi, f[2]))
    voff = int(lay["kimage_voffset"], 16)
    stext = int(re.search(r"SYMBOL\(_stext\)=([0-9a-f]+)", meta["vmcoreinfo"]).group(1), 16)
    ioremap = []
    for l in guest_lines(d, "VMALLOC"):
        if l.endswith(" ioremap"):
            lo, hi = (int(x, 16) for x in l.split()[0].split("-"))
            ioremap.append((lo, hi))
    # ptov samples: up to 4 mapped addresses of every kind
    per_kind, pt = {}, []
    for a, pa, kind in samples:
        if pa is not None and per_kind.get(kind, 0) < 4:
            per_kind[kind] = per_kind.get(kind, 0) + 1
            pt.append((a, pa, kind))
    label = "%s dump.elf %s (cpu%d, pid %s)" % (
        name, " ".join(o.split("=")[0] for o in user_regs(meta, regs)), cpu, pid)
    priv = "el2" if is_vhe(meta) else "el1"
    jobs = [(cpu, [("mem", "cli", "monitor info mem"), ("tlb", "cli", "monitor info tlb"),
                   ("pgk", "cli", "monitor info pg --kernel-names --range 0x%x 0x%x"
                    % (stext, stext + 1))] +
             [("p%d" % i, "cli", "monitor ptov 0x%x" % pa) for i, (a, pa, k) in enumerate(pt)])]
    got, log = session(pgstub, os.path.join(d, "dump.elf"), jobs, user_regs(meta, regs))
    tap.ok("%s: GDB session" % label, bool(got), log[-3000:])
    if not got:
        return

    # info mem
    lines = [l for l in got.get((cpu, "mem"), []) if l]
    runs, bad = [], [l for l in lines if not MEM.match(l)]
    for l in lines:
        m = MEM.match(l)
        if m:
            runs.append((int(m.group(1), 16), int(m.group(2), 16) or 1 << 64, m.group(4), m.group(5), m.group(6)))
    bad += [l for l in lines if " %s:" % priv not in l]
    tap.ok("%s: info mem: %d runs, every line START-END SIZE %s:rwx el0:rwx TYPE" % (label, len(runs), priv),
           runs and not bad, "\n".join(bad[:10]))
    bad = []
    for a, pa, kind in samples:
        r = covering(runs, untag(a))
        if (r is None) != (pa is None):
            bad.append("0x%x (%s): QEMU %s, info mem %s" % (a, kind, "unmapped" if pa is None else "mapped", r))
    tap.ok("%s: info mem covers exactly QEMU's mapped addresses (%d)" % (label, len(samples)),
           not bad, "\n".join(bad[:20]))
    kcode = [(lo + voff, hi + voff) for lo, hi in lay["kcode"]]
    kdata = [(lo + voff, hi + voff) for lo, hi in lay["kdata"]]
    over = lambda spans: [r for r in runs if any(r[0] < hi and lo < r[1] for lo, hi in spans)]
    bad = [r for r in over(kcode) if r[2][1] == "w" or r[3] != "---"]
    st = covering(runs, stext)
    tap.ok("%s: info mem: Kernel code never writable nor EL0-accessible (%d runs), _stext el1:r-x"
           % (label, len(over(kcode))), over(kcode) and not bad and st and st[2] == "r-x" and st[4] == "Normal-WB",
           "%r _stext %r" % (bad[:5], st))
    bad = [r for r in over(kdata) if r[2] != "rw-" or r[3] != "---"]
    tap.ok("%s: info mem: Kernel data el1:rw- el0:--- (%d runs)" % (label, len(over(kdata))),
           over(kdata) and not bad, repr(bad[:5]))
    user = [r for r in runs if r[0] < 1 << 55]
    bad = []
    for r in user:
        m = [x for x in maps if x[0] <= r[0] and r[1] <= x[1]]
        if not m:
            bad.append("%r outside the maps" % (r,))
            continue
        perm = m[0][2]
        if any(c != "-" and c != perm[i] for i, c in enumerate(r[3])) or \
           (perm.startswith("r-x") and r[3] != "r-x") or "x" in r[2]:
            bad.append("%r in %s" % (r, perm))
    tap.ok("%s: info mem: the process's %d runs inside its maps, EL0 rights within them" % (label, len(user)),
           user and not bad, "\n".join(bad[:10]))
    io = [r for r in runs if any(r[0] < hi and lo < r[1] for lo, hi in ioremap)]
    bad = [r for r in io if not r[4].startswith("Device-") or r[2] != "rw-" or r[3] != "---"]
    tap.ok("%s: info mem: ioremap areas are Device memory, el1:rw- el0:--- (%d runs)" % (label, len(io)),
           io and not bad, repr(bad[:5]))

    # info tlb
    tl = []
    for l in got.get((cpu, "tlb"), []):
        m = TLB.match(l)
        if m:
            tl.append((int(m.group(1), 16), int(m.group(2), 16)))
    tl.sort()
    bad, n = [], 0
    import bisect
    vas = [t[0] for t in tl]
    for a, pa, kind in samples:
        if pa is None:
            continue
        n += 1
        i = bisect.bisect_right(vas, untag(a)) - 1
        if i < 0 or tl[i][1] + untag(a) - tl[i][0] != pa:
            bad.append("0x%x (%s): QEMU 0x%x, tlb %r" % (a, kind, pa, tl[i] if i >= 0 else None))
    tap.ok("%s: info tlb: %d leaves; QEMU's physical address for %d mapped addresses" % (label, len(tl), n),
           tl and n and not bad, "\n".join(bad[:10]))

    # info pg --kernel-names: Linux's names for as many levels as the
    # kernel's config says it has (its ptdump's PGD P4D PUD PMD PTE).
    boot = os.path.dirname(meta["kernel"]["vmlinuz"])
    cfgfile = os.path.join(boot, "config-" + meta["kernel"]["release"])
    levels = int(re.search(r"^CONFIG_PGTABLE_LEVELS=(\d)$", read_text(cfgfile), re.M).group(1))
    want = {5: ["PGD", "P4D", "PUD", "PMD", "PTE"], 4: ["PGD", "PUD", "PMD", "PTE"],
            3: ["PGD", "PMD", "PTE"], 2: ["PGD", "PTE"]}[levels]
    names = [m.group(1) for m in (re.match(r"\s*\[[0-9a-f-]+\]\s+(\w+)\[", l)
                                  for l in got.get((cpu, "pgk"), [])) if m]
    tap.ok("%s: info pg --kernel-names above _stext: %s, as CONFIG_PGTABLE_LEVELS=%d"
           % (label, " ".join(names), levels), names == want[:len(names)] and len(names) >= 2
           and names[-1] in ("PTE", "PMD", "PUD"), "\n".join(got.get((cpu, "pgk"), [])[:12]))

    # ptov
    bad = []
    po, pofs = int(lay["page_offset"], 16), int(lay["phys_offset"], 16)
    for i, (a, pa, kind) in enumerate(pt):
        out = [l for l in got.get((cpu, "p%d" % i), []) if l]
        want = {untag(a)}
        if kind.startswith(("ksym", "ktext", "kdata", "vmci")) and untag(a) >= 1 << 63 and \
           any(lo <= pa - voff + voff < hi for lo, hi in kcode + kdata):
            want.add(po + pa - pofs)
        have = {int(l, 16) for l in out if re.fullmatch(r"[0-9a-f]{16}", l)}
        if not want <= have:
            bad.append("ptov 0x%x (QEMU for 0x%x, %s): %r, want %s" % (pa, a, kind, out[:6], [hex(w) for w in want]))
    tap.ok("%s: ptov lists QEMU's virtual addresses (%d physical addresses)" % (label, len(pt)),
           pt and not bad, "\n".join(bad[:10]))

    # Without TTBR0_EL1 and MAIR_EL1: the user half is said unsearched.
    ua = [(a, pa) for a, pa, k in samples if pa is not None and not untag(a) >> 55]
    jobs = [(cpu, [("p", "cli", "monitor ptov 0x%x" % ua[0][1]), ("mem", "cli", "monitor info mem")])]
    got, log = session(pgstub, os.path.join(d, "dump.elf"), jobs, [])
    out = [l for l in got.get((cpu, "p"), []) if l]
    lo_half = "0000000000000000-%016x not searched: " % (1 << lay["va_bits"])
    tap.ok("%s dump.elf: ptov of a user page without TTBR0_EL1 says that half was not searched" % name,
           any(l.startswith(lo_half) for l in out) and all(int(l, 16) >> 55 for l in out if re.fullmatch(r"[0-9a-f]{16}", l)),
           "%r\n%s" % (out, log[-2000:]))
    mem = [l for l in got.get((cpu, "mem"), []) if l]
    tap.ok("%s dump.elf: info mem without MAIR_EL1 names AttrIndx, kernel half only" % name,
           mem and all(MEM.match(l) and l.split()[-1].startswith("AttrIndx=") and int(l[:16], 16) >> 55 for l in mem),
           "\n".join(mem[:5]))


def expected_map(tcr, ram):
    """GDB's memory map as QEMU's TCR_EL1 makes it: each half's 2^(64-TnSZ)
    span, under TBIn with every top byte, plus RAM, merged."""
    spans = list(ram)
    for upper in (0, 1):
        size = 1 << (64 - (tcr >> (16 * upper) & 0x3f))
        base = (1 << 64) - size if upper else 0
        tags = range(256) if tcr >> (37 + upper) & 1 else [base >> 56]
        for t in tags:
            start = base & ((1 << 56) - 1) | t << 56
            spans.append((start, start + size))
    spans.sort()
    out = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def check_memory_map(tap, pgstub, d, name):
    """qXfer:memory-map:read through plain GDB (no `set mem
    inaccessible-by-default off`): the regions QEMU's TCR_EL1 implies, and
    tagged pointers QEMU read read the same bytes."""
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cpu = [c for c in meta["cpus"] if meta["per_cpu"]["cpu%d" % c]["stopped"]["el"] == 0][0]
    with open(os.path.join(d, "cpu%d" % cpu, "gdbstub_registers.json")) as f:
        regs = json.load(f)
    xs = parse_records(read_text(os.path.join(d, "cpu%d" % cpu, "x.txt")))
    tagged = []
    for i, (cmd, lines) in enumerate(xs):
        addr, want = x_bytes(cmd, lines)
        if want and addr >> 56 not in (0, 0xff):
            tagged.append((i, addr, want))
    jobs = [(cpu, [("map", "cli", "info mem")] +
             [("t%d" % i, "mem", [a, len(w)]) for i, a, w in tagged])]
    setup = QUIET + ["set architecture aarch64", "target remote | %s --stdio %s %s"
                     % (pgstub, " ".join(user_regs(meta, regs, mair=False)),
                        os.path.join(d, "dump.elf"))]
    got, log = run_jobs(GDB, setup, jobs, finish=["kill"], timeout=600)
    have = []
    for l in got.get((cpu, "map"), []):
        m = re.match(r"\d+\s+y\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)", l)
        if m:
            have.append((int(m.group(1), 16), int(m.group(2), 16)))
    tcr = "TCR_EL2" if is_vhe(meta) else "TCR_EL1"
    want = expected_map(int(regs[tcr], 16), [tuple(r) for r in meta["layout"]["ram"]])
    tap.ok("%s: GDB's memory map is the spans QEMU's %s %s gives (TnSZ, TBI: %d regions)"
           % (name, tcr, regs[tcr], len(want)), have == want,
           "pgstub %s\nwant   %s\n%s" % ([(hex(a), hex(b)) for a, b in have[:6]],
                                       [(hex(a), hex(b)) for a, b in want[:6]], log[-1500:]))
    # Tagged reads through GDB pass either way: GDB 13's aarch64 target
    # strips the top byte itself before it consults the map. The map is
    # checked above for what the stub accepts (other clients).
    tap.ok("%s: GDB reads QEMU's bytes at %d tagged addresses (TBI)" % (name, len(tagged)),
           tagged and all("".join(got.get((cpu, "t%d" % i), [])) == w.hex() for i, a, w in tagged),
           "")


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
        check_memory_map(tap, pgstub, d, name)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
