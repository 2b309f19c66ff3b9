#!/usr/bin/env python3
"""Check pgstub against QEMU's own monitor on recorded real guests.

For each recorded configuration (tests/realguest/record.py) and each dump
format, one batch-mode GDB connects to `pgstub --stdio DUMP` and, for every
vCPU (GDB thread), runs `monitor info tlb`, `info mem`, every sampled
`gva2gpa` and `x`, `vtop` on every sample and `info pg --json`. Each result
is compared with QEMU's output recorded from the same stopped guest.

Output is TAP. Known QEMU 7.2 defects are listed in QEMU_EXCEPTIONS, each
with its reason; they are applied only where they hold, and counted.

usage: check.py PGSTUB GUESTS_DIR CONFIG [CONFIG...]
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from gdbsession import QUIET, Tap, block, sections, serve  # noqa: E402
from gdbsession import run_gdb as run_gdb_script  # noqa: E402

# Where QEMU 7.2 is wrong, and how its recorded output is read instead.
QEMU_EXCEPTIONS = {
    "pae-nx-in-info-tlb":
        "QEMU's PAE info tlb masks 4K PTEs with ~0xfff and 2M PDEs with "
        "~((1 << 20) - 1), so the NX bit (63) shows in its physical column; "
        "pgstub prints the physical address only",

    "io-memory-not-in-dump":
        "QEMU's x reads device memory (e.g. the IO-APIC page mapped in the "
        "fixmap) from the live device; a dump holds RAM only, so pgstub "
        "answers 'Cannot access memory' for pages whose physical address "
        "lies outside every PT_LOAD of the ELF dump",
    "la57-info-mem":
        "QEMU 7.2's info mem under LA57 prints nothing (it walks the PML5 "
        "wrongly); pgstub's output is checked against QEMU's info tlb "
        "instead (every page in a run must exist there, with the run's "
        "user/write bits)",
}

GDB = os.environ.get("GDB", "gdb")


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1").splitlines()


def parse_x(path):
    """x.txt: '### x /FMT ADDR' headers, each followed by QEMU's lines."""
    cmds, cur = [], None
    for line in read_lines(path):
        if line.startswith("### "):
            cur = [line[4:], []]
            cmds.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return cmds


def load_cpu(cfgdir, cpu):
    d = os.path.join(cfgdir, "cpu%d" % cpu)
    g2g = []
    for line in read_lines(os.path.join(d, "gva2gpa.tsv")):
        addr, _, out = line.partition("\t")
        g2g.append((addr, out))
    return {
        "tlb": read_lines(os.path.join(d, "info_tlb.txt")),
        # None: not asked of this vCPU (LA57, record.py says why).
        "mem": (read_lines(os.path.join(d, "info_mem.txt"))
                if os.path.exists(os.path.join(d, "info_mem.txt")) else None),
        "regs": read_lines(os.path.join(d, "info_registers.txt")),
        "gva2gpa": g2g,
        "x": parse_x(os.path.join(d, "x.txt")),
    }


# A dump records the vCPU's mode, not which QEMU binary wrote it: the reset
# state of qemu-system-x86_64 says EM_386, so say which one it was.
PGSTUB_ARGS = {"x86_64-nopaging": ["--arch", "x86_64"]}


def run_gdb(pgstub, dump, cpus, truth, workdir, extra=()):
    """One GDB session; returns ({(cpu, key): [lines]}, GDB's output)."""
    with serve(pgstub, dump, extra) as port:
        if port is None:
            return {}, "pgstub did not start listening"
        script = QUIET + ["target remote 127.0.0.1:%d" % port]
        for cpu in cpus:
            t = truth[cpu]
            script.append("thread %d" % (cpu + 1))
            script += block(cpu, "tlb", "monitor info tlb")
            script += block(cpu, "mem", "monitor info mem")
            script += block(cpu, "pg", "monitor info pg --json")
            for i, (addr, _) in enumerate(t["gva2gpa"]):
                script += block(cpu, "g2g%d" % i, "monitor gva2gpa %s" % addr)
                script += block(cpu, "vtop%d" % i, "monitor vtop %s" % addr)
            for i, (cmd, _) in enumerate(t["x"]):
                script += block(cpu, "x%d" % i, "monitor %s" % cmd)
        text = run_gdb_script(GDB, script + ["detach"], timeout=1800,
                              workdir=workdir)
    return sections(text), text


def cr4_of(regs):
    for line in regs:
        m = re.search(r"CR4=([0-9a-f]+)", line)
        if m:
            return int(m.group(1), 16)
    return 0


def efer_lma(regs):
    for line in regs:
        m = re.search(r"EFER=([0-9a-f]+)", line)
        if m:
            return bool(int(m.group(1), 16) & (1 << 10))
    return False


def diff(a, b, limit=12):
    """First differing lines of two line lists, for diagnostics."""
    lines = ["pgstub %d lines, QEMU %d lines" % (len(a), len(b))]
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "<none>"
        y = b[i] if i < len(b) else "<none>"
        if x != y:
            lines.append("line %d: pgstub %r" % (i + 1, x))
            lines.append("line %d: QEMU   %r" % (i + 1, y))
            limit -= 1
            if not limit:
                break
    return "\n".join(lines)


def pae_tlb_fix(lines):
    fixed, n = [], 0
    for line in lines:
        m = re.match(r"^([0-9a-f]{16}): ([0-9a-f]{16}) (.*)$", line)
        if m and int(m.group(2), 16) >> 63:
            line = "%s: %016x %s" % (m.group(1),
                                     int(m.group(2), 16) & ~(1 << 63),
                                     m.group(3))
            n += 1
        fixed.append(line)
    return fixed, n


def elf_ram(path):
    """[(start, end)) physical ranges of an ELF dump's PT_LOADs."""
    import struct
    with open(path, "rb") as f:
        eh = f.read(64)
        if eh[:4] != b"\x7fELF" or eh[4] != 2:
            return []
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", ph, i * phentsize)
        if p_type == 1:
            paddr, filesz = struct.unpack_from("<Q8xQ", ph, i * phentsize + 24)
            out.append((paddr, paddr + filesz))
    return out


def io_page(tlb, ram, va):
    """True when QEMU's info tlb maps va's page outside RAM."""
    for size in (1 << 12, 1 << 21, 1 << 22, 1 << 30):
        base = va & ~(size - 1)
        if base in tlb:
            pa = (tlb[base][0] & ~(1 << 63)) + (va - base)
            return not any(a <= pa < b for a, b in ram)
    return False


def tlb_map(lines):
    """QEMU info tlb lines -> {va: (pa, flags)}."""
    m = {}
    for line in lines:
        r = re.match(r"^([0-9a-f]{16}): ([0-9a-f]{16}) (\S+)$", line)
        if r:
            m[int(r.group(1), 16)] = (int(r.group(2), 16), r.group(3))
    return m


def pg_leaves(lines):
    """info pg --json -> sorted [(va_start, va_end, [(pa_start, pa_end)])]."""
    text = "\n".join(lines)
    i = text.find("[")
    data = json.loads(text[i:]) if i >= 0 else []
    out = []
    for e in data:
        if e.get("pa"):
            out.append((int(e["va"][0], 16), int(e["va"][1], 16),
                        [(int(a, 16), int(b, 16)) for a, b in e["pa"]]))
    out.sort()
    return out


def pg_lookup(leaves, starts, va):
    import bisect
    i = bisect.bisect_right(starts, va) - 1
    if i < 0:
        return None
    vs, ve, ranges = leaves[i]
    if va > ve:
        return None
    off = va - vs
    for a, b in ranges:
        n = b - a + 1
        if off < n:
            return a + off
        off -= n
    return None


def check_mem_la57(mine, tlb):
    """LA57: each info mem run of pgstub must be made of info tlb pages."""
    pages = sorted(tlb.items())
    import bisect
    starts = [va for va, _ in pages]
    for line in mine:
        r = re.match(r"^([0-9a-f]{16})-([0-9a-f]{16}) ([0-9a-f]{16}) (.)r(.)$",
                     line)
        if not r:
            return "unparsable line %r" % line
        start = int(r.group(1), 16)
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            return "run %r starts where QEMU's info tlb has no page" % line
        va, (pa, flags) = pages[i]
        if r.group(5) == "w" and "W" not in flags:
            return "run %r writable but QEMU's leaf %x is not" % (line, va)
    return None


def check_config(tap, pgstub, guests, cfg):
    cfgdir = os.path.join(guests, cfg)
    meta = json.load(open(os.path.join(cfgdir, "meta.json")))
    cpus = meta.get("cpus", [0])
    truth = {c: load_cpu(cfgdir, c) for c in cpus}
    for fmt in ("dump.elf", "dump.kdump"):
        dump = os.path.join(cfgdir, fmt)
        if not os.path.exists(dump):
            tap.ok("%s %s exists" % (cfg, fmt), False, "missing " + dump)
            continue
        t0 = time.time()
        res, raw = run_gdb(pgstub, dump, cpus, truth, "/tmp",
                           PGSTUB_ARGS.get(cfg, ()))
        took = time.time() - t0
        if not res:
            tap.ok("%s %s: gdb session" % (cfg, fmt), False, raw[-3000:])
            continue
        counts = {"tlb": 0, "mem": 0, "gva2gpa": 0, "x": 0, "vtop": 0,
                  "pg": 0, "exceptions": 0}
        for cpu in cpus:
            t = truth[cpu]
            name = "%s %s cpu%d" % (cfg, fmt, cpu)
            cr4 = cr4_of(t["regs"])
            pae = bool(cr4 & (1 << 5)) and not efer_lma(t["regs"])
            la57 = bool(cr4 & (1 << 12))
            qtlb = t["tlb"]
            if pae:
                qtlb, n = pae_tlb_fix(qtlb)
                counts["exceptions"] += n
                if n:
                    tap.note("%s: %d info tlb lines with NX in QEMU's "
                             "physical column (%s)" % (name, n,
                             "pae-nx-in-info-tlb"))
            mine = res.get((cpu, "tlb"), [])
            tap.ok("%s info tlb identical (%d lines)" % (name, len(qtlb)),
                   mine == qtlb, diff(mine, qtlb))
            counts["tlb"] += len(qtlb)

            mine = res.get((cpu, "mem"), [])
            if t["mem"] is None and not la57:
                tap.ok("%s info mem recorded" % name, False,
                       "info_mem.txt is missing outside LA57")
            elif la57 and not t["mem"]:
                err = check_mem_la57(mine, tlb_map(t["tlb"]))
                tap.ok("%s info mem under LA57 consistent with info tlb "
                       "(%d runs; QEMU prints nothing: la57-info-mem)" %
                       (name, len(mine)), err is None and len(mine) > 0,
                       err or "pgstub printed no runs")
                counts["exceptions"] += 1
            else:
                tap.ok("%s info mem identical (%d lines)" %
                       (name, len(t["mem"])), mine == t["mem"],
                       diff(mine, t["mem"]))
            counts["mem"] += len(t["mem"] or [])

            bad = []
            for i, (addr, want) in enumerate(t["gva2gpa"]):
                got = res.get((cpu, "g2g%d" % i), [])
                if got != [want]:
                    bad.append("gva2gpa %s: pgstub %r QEMU %r" %
                               (addr, got, want))
            tap.ok("%s gva2gpa identical (%d addresses)" %
                   (name, len(t["gva2gpa"])), not bad, "\n".join(bad))
            counts["gva2gpa"] += len(t["gva2gpa"])

            bad = []
            ram = elf_ram(os.path.join(cfgdir, "dump.elf"))
            qtlb_map = tlb_map(t["tlb"])
            for i, (cmd, want) in enumerate(t["x"]):
                got = res.get((cpu, "x%d" % i), [])
                va = int(cmd.split()[-1], 16)
                if (got != want and len(got) == 1 and
                        got[0].endswith(": Cannot access memory") and
                        io_page(qtlb_map, ram, va)):
                    counts["exceptions"] += 1
                    tap.note("%s: %s reads device memory in QEMU "
                             "(io-memory-not-in-dump)" % (name, cmd))
                    continue
                if got != want:
                    bad.append("%s: pgstub %r QEMU %r" % (cmd, got, want))
            tap.ok("%s x reads identical (%d reads)" % (name, len(t["x"])),
                   not bad, "\n".join(bad))
            counts["x"] += len(t["x"])

            # The same walker through vtop and info pg agrees with QEMU.
            bad = []
            for i, (addr, want) in enumerate(t["gva2gpa"]):
                got = res.get((cpu, "vtop%d" % i), [])
                arrow = [l for l in got if " -> " in l]
                if want.startswith("gpa: "):
                    pa = int(want[5:], 16)
                    if not arrow or int(arrow[-1].split(" -> ")[1].split()[0],
                                        16) != pa:
                        bad.append("vtop %s: %r, QEMU %s" %
                                   (addr, arrow or got[-1:], want))
                elif arrow:
                    bad.append("vtop %s maps, QEMU says %s" % (addr, want))
            tap.ok("%s vtop agrees with gva2gpa (%d addresses)" %
                   (name, len(t["gva2gpa"])), not bad, "\n".join(bad))
            counts["vtop"] += len(t["gva2gpa"])

            qmap = tlb_map(t["tlb"])
            if qmap:
                leaves = pg_leaves(res.get((cpu, "pg"), []))
                starts = [l[0] for l in leaves]
                bad = []
                for va, (pa, flags) in qmap.items():
                    got = pg_lookup(leaves, starts, va)
                    if got is None or got != pa & ~(1 << 63):
                        bad.append("va %x: info pg %s, info tlb %x" %
                                   (va, got if got is None else hex(got), pa))
                        if len(bad) > 10:
                            break
                tap.ok("%s info pg covers every info tlb page (%d pages)" %
                       (name, len(qmap)), not bad, "\n".join(bad))
                counts["pg"] += len(qmap)
        tap.note("%s %s: compared %d tlb lines, %d mem lines, %d gva2gpa, "
                 "%d x reads, %d vtop, %d info pg pages; %d QEMU exceptions; "
                 "%.1f s" % (cfg, fmt, counts["tlb"], counts["mem"],
                             counts["gva2gpa"], counts["x"], counts["vtop"],
                             counts["pg"], counts["exceptions"], took))


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    pgstub, guests = sys.argv[1], sys.argv[2]
    tap = Tap()
    for cfg in sys.argv[3:]:
        check_config(tap, pgstub, guests, cfg)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main())
