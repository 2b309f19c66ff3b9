"""A GDB script that behaves like the QEMU-aware kernel debugger extensions.

gef, pwndbg and similar tools decide they are talking to QEMU's system
emulation from QEMU's private packets, read CR0/CR3/CR4 (and EFER when
shown) from `monitor info registers` with regular expressions, switch the
stub to physical memory with Qqemu.PhyMemMode and walk the page tables
themselves. This script does the same, written from the SDM's paging
chapter only, and checks that the result is exactly `monitor info tlb`.

Run inside GDB connected to the stub (the wrapper test_qemu_tool.sh does):
    gdb -batch -nx -ex 'target remote | pgstub --stdio IMG' -x qemu_tool.py
It prints TAP ("ok N - ..."), the plan last. Environment: QT_CPUS (how many
vCPUs to walk, default all), QT_LABEL (prefix for test names).
"""
import os
import re

import gdb

LABEL = os.environ.get("QT_LABEL", "")
_n = [0, 0]


def ok(name, good, diag=""):
    _n[0] += 1
    if not good:
        _n[1] += 1
    print("%s %d - %s%s" % ("ok" if good else "not ok", _n[0], LABEL, name))
    if not good:
        for line in str(diag).splitlines()[:20]:
            print("#   " + line)


def packet(p):
    """What `maintenance packet` reports as received, unquoted."""
    out = gdb.execute("maintenance packet " + p, to_string=True)
    m = re.search(r'received: "(.*)"\s*$', out, re.S)
    return m.group(1) if m else None


def monitor(cmd):
    return gdb.execute("monitor " + cmd, to_string=True)


# --- detection, as the tools do it -------------------------------------

def detect():
    # gef/pwndbg: "is it QEMU?" = Qqemu.sstepbits answers ENABLE=...
    r = packet("Qqemu.sstepbits")
    ok("Qqemu.sstepbits says QEMU", r is not None and "ENABLE=" in r, r)
    ok("qqemu.sstepbits exact", packet("qqemu.sstepbits") ==
       "ENABLE=1,NOIRQ=2,NOTIMER=4")
    # "user or system?" = qOffsets: user mode answers Text=..., system "".
    r = packet("qOffsets")
    ok("qOffsets empty: QEMU system emulation, not user mode",
       r == "", repr(r))
    r = packet("qqemu.Supported")
    ok("qqemu.Supported lists PhyMemMode",
       r is not None and "PhyMemMode" in r.split(";"), r)
    ok("qqemu.sstep default 0x7", packet("qqemu.sstep") == "0x7")
    ok("qqemu.PhyMemMode starts virtual", packet("qqemu.PhyMemMode") == "0")


def bad_input():
    for p in ("Qqemu.PhyMemMode:7", "Qqemu.PhyMemMode:", "Qqemu.PhyMemMode:x",
              "Qqemu.sstep=zz", "Qqemu.sstep=8", "Qqemu.sstep="):
        r = packet(p)
        ok("%s is refused with E22" % p, r == "E22", r)
    ok("mode unchanged by refusals", packet("qqemu.PhyMemMode") == "0")
    ok("sstep unchanged by refusals", packet("qqemu.sstep") == "0x7")


# --- registers from `monitor info registers` ---------------------------

def hexfield(text, name):
    m = re.search(r"\b%s=([0-9a-f]+)" % name, text)
    return int(m.group(1), 16) if m else None


def registers():
    text = monitor("info registers")
    regs = {n: hexfield(text, n) for n in ("CR0", "CR3", "CR4", "EFER")}
    # Without an EFER line, long mode is what the tools assume from the
    # target architecture (a 64-bit register layout, RIP=...).
    regs["long"] = ((regs["EFER"] >> 10) & 1 if regs["EFER"] is not None
                    else int("RIP=" in text))
    return text, regs


# --- the page walk, through physical reads ----------------------------

P, RW, US, PWT, PCD, A, D, PS, G = (1 << i for i in range(9))
NX = 1 << 63
ADDR52 = (1 << 52) - 1


class Phys:
    """Physical memory through Qqemu.PhyMemMode:1 and read_memory."""

    def __init__(self):
        self.inf = gdb.selected_inferior()
        self.cache = {}

    def table(self, pa, size=4096):
        key = (pa, size)
        if key not in self.cache:
            try:
                self.cache[key] = bytes(self.inf.read_memory(pa, size))
            except gdb.MemoryError:
                self.cache[key] = None
        return self.cache[key]


def letters(e, leaf_4k):
    if leaf_4k:
        e &= ~PS            # bit 7 of a 4K entry is PAT
    return "".join(c if e & b else "-" for c, b in (
        ("X", NX), ("G", G), ("P", PS), ("D", D), ("A", A), ("C", PCD),
        ("T", PWT), ("U", US), ("W", RW)))


def line(va, pa, e, leaf_4k):
    return "%016x: %016x %s" % (va, pa, letters(e, leaf_4k))


def entries(mem, pa, n, width):
    t = mem.table(pa, n * width)
    if t is None:
        return []
    return [(i, int.from_bytes(t[i * width:(i + 1) * width], "little"))
            for i in range(n)]


def walk_ia32e(mem, cr3, levels):
    """IA-32e 4- or 5-level (SDM 3A 4.5): 512 entries of 8 bytes a level."""
    out = []
    top = 12 + 9 * levels           # 48 or 57
    sign = 1 << (top - 1)

    def canon(va):
        return va - (sign << 1) if va & sign else va

    def level(pa, depth, base):
        shift = 12 + 9 * (depth - 1)
        for i, e in entries(mem, pa, 512, 8):
            if not e & P:
                continue
            va = base | (i << shift)
            if depth == 1:
                out.append(line(canon(va) & (2 ** 64 - 1),
                                e & ADDR52 & ~0xfff, e, True))
            elif depth in (2, 3) and e & PS:
                mask = ADDR52 & ~((1 << shift) - 1)
                out.append(line(canon(va) & (2 ** 64 - 1), e & mask, e,
                                False))
            else:
                level(e & ADDR52 & ~0xfff, depth - 1, va)
    level(cr3 & ADDR52 & ~0xfff, levels, 0)
    return out


def walk_pae(mem, cr3):
    """PAE (SDM 3A 4.4): 4 PDPTEs at CR3[31:5], then 512-entry PD/PT."""
    out = []
    for i, pdpte in entries(mem, cr3 & 0xffffffe0, 4, 8):
        if not pdpte & P:
            continue
        for j, pde in entries(mem, pdpte & ADDR52 & ~0xfff, 512, 8):
            if not pde & P:
                continue
            va = (i << 30) | (j << 21)
            if pde & PS:
                out.append(line(va, pde & ADDR52 & ~0x1fffff, pde, False))
                continue
            for k, pte in entries(mem, pde & ADDR52 & ~0xfff, 512, 8):
                if pte & P:
                    out.append(line(va | (k << 12), pte & ADDR52 & ~0xfff,
                                    pte, True))
    return out


def walk_32(mem, cr3, pse):
    """32-bit paging (SDM 3A 4.3): 1024 4-byte entries; 4M with PSE-36."""
    out = []
    for i, pde in entries(mem, cr3 & 0xfffff000, 1024, 4):
        if not pde & P:
            continue
        if pse and pde & PS:
            pa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32)
            out.append(line(i << 22, pa, pde, False))
            continue
        for k, pte in entries(mem, pde & 0xfffff000, 1024, 4):
            if pte & P:
                out.append(line((i << 22) | (k << 12), pte & 0xfffff000, pte,
                                True))
    return out


def walk(regs):
    cr0, cr3, cr4 = regs["CR0"], regs["CR3"], regs["CR4"]
    if not cr0 >> 31 & 1:
        return ["PG disabled"]
    mem = Phys()
    if regs["long"]:
        return walk_ia32e(mem, cr3, 5 if cr4 >> 12 & 1 else 4)
    if cr4 >> 5 & 1:
        return walk_pae(mem, cr3)
    return walk_32(mem, cr3, cr4 >> 4 & 1)


def check_cpu(tid):
    gdb.execute("thread %d" % tid, to_string=True)
    text, regs = registers()
    ok("vCPU %d: CR0/CR3/CR4 found in info registers" % (tid - 1),
       None not in (regs["CR0"], regs["CR3"], regs["CR4"]), text)
    if None in (regs["CR0"], regs["CR3"], regs["CR4"]):
        return
    ok("vCPU %d: Qqemu.PhyMemMode:1" % (tid - 1),
       packet("Qqemu.PhyMemMode:1") == "OK")
    ok("vCPU %d: qqemu.PhyMemMode now 1" % (tid - 1),
       packet("qqemu.PhyMemMode") == "1")
    # The root table through `x`, as some tools read it.
    root = cr3 = regs["CR3"]
    if regs["long"] or not regs["CR4"] >> 5 & 1:
        root = cr3 & ADDR52 & ~0xfff
    else:
        root = cr3 & 0xffffffe0
    xout = gdb.execute("x/2gx %d" % root, to_string=True)
    first = Phys().table(root, 16)
    want = None if first is None else "0x%016x\t0x%016x" % (
        int.from_bytes(first[:8], "little"),
        int.from_bytes(first[8:], "little"))
    ok("vCPU %d: x reads the root table physically" % (tid - 1),
       want is not None and want in xout, xout)
    mine = walk(regs)
    # A physical read past the end of guest memory is an error, not zeros.
    # A 32-bit GDB masks addresses to 32 bits (1 << 51 would read 0): there,
    # one in the PCI hole, which no dump holds.
    past_end = 1 << 51
    if gdb.lookup_type("void").pointer().sizeof == 4:
        past_end = 0xf0000000
    try:
        gdb.selected_inferior().read_memory(past_end, 16)
        past = False
    except gdb.MemoryError:
        past = True
    ok("vCPU %d: physical read past the end of memory fails" % (tid - 1),
       past)
    ok("vCPU %d: m past the end answers E14" % (tid - 1),
       packet("m%x,10" % past_end) == "E14")
    ok("vCPU %d: Qqemu.PhyMemMode:0" % (tid - 1),
       packet("Qqemu.PhyMemMode:0") == "OK")
    tlb = monitor("info tlb").splitlines()
    same = mine == tlb
    diag = ""
    if not same:
        diag = "walk %d lines, info tlb %d lines\n" % (len(mine), len(tlb))
        for a, b in zip(mine, tlb):
            if a != b:
                diag += "walk:     %s\ninfo tlb: %s\n" % (a, b)
                break
    ok("vCPU %d: own walk (%d leaves) == monitor info tlb" %
       (tid - 1, len(mine)), same and len(mine) > 0, diag)


def main():
    detect()
    bad_input()
    threads = sorted(t.num for t in gdb.selected_inferior().threads())
    ncpus = int(os.environ.get("QT_CPUS", "0")) or len(threads)
    for tid in threads[:ncpus]:
        check_cpu(tid)
    print("1..%d" % _n[0])


try:
    main()
except Exception as exc:  # a crash must show as a failure, not a pass
    ok("script ran to the end", False, repr(exc))
    print("1..%d" % _n[0])
