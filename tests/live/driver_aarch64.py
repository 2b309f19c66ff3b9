"""Runs inside gdb-multiarch (gdb -batch -x driver_aarch64.py) against
pgstub --qemu in front of qemu-system-aarch64 -M virt.

Parameters come as JSON in $LIVE_PARAMS; every check prints one line
"RESULT NAME ok|fail DETAIL" that test_live_aarch64.py turns into TAP.
Truth is QEMU's own monitor over QMP on the same vCPU. QEMU's gva2gpa,
x and xp translate in the vCPU's current EL with its PSTATE.PAN (at EL0
every kernel address is Unmapped), so each vCPU is put at EL1h with PAN
clear first, as the recorded aarch64 guests were (tests/realguest/
README-aarch64.md), and put back before the guest runs again. With
el2 (a VHE host) the kernel and its processes use the EL2&0 regime: the
_EL2 registers, and EL2h as the view.
"""
import os
import re
import signal
import sys
import threading

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_driver  # noqa: E402
import qemu_truth  # noqa: E402
from gdb_driver import ex, hmp, mine, reg, res, select  # noqa: E402
from qemu_truth import values  # noqa: E402

P = gdb_driver.params("LIVE_PARAMS")
PSTATE_PAN = 1 << 22
PSTATE_M = 0xf
EL1H = 0x5
EL2H = 0x9
EL2 = P.get("el2", False)
# The regime's registers: EL1&0's, or a VHE host's EL2&0 ones.
R = dict(ttbr0="TTBR0_EL2", ttbr1="TTBR1_EL2", tcr="TCR_EL2", sctlr="SCTLR_EL2") \
    if EL2 else dict(ttbr0="TTBR0_EL1", ttbr1="TTBR1_EL1", tcr="TCR_EL1", sctlr="SCTLR")
KERNEL = 1 << 55        # VA bit 55: the TTBR1_EL1 half
BADDR = ((1 << 48) - 1) & ~0xfff  # TTBRn_EL1 table base, 4K granule


def info_mem_ranges():
    """pgstub's `info mem` runs as (start, end) pairs."""
    out = []
    for line in mine("info mem").splitlines():
        m = re.match(r"([0-9a-f]{16})-([0-9a-f]{16}) ", line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def spread(items, n):
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def samples(ranges):
    """Kernel and user addresses: the first and last page of runs pgstub
    lists, the kernel text, holes, a TBI-tagged user address."""
    kern = [r for r in ranges if r[0] & KERNEL]
    user = [r for r in ranges if not r[0] & KERNEL]
    out = [("ktext", P["_stext"]), ("ktext-end", P["_etext"] - 8)]
    for s, e in spread(kern, 12):
        out += [("kernel", s), ("kernel", e - 0x1000 + 0x18)]
    for s, e in spread(user, 8):
        out += [("user", s), ("user", e - 0x1000 + 0x20)]
    if user:
        out.append(("user-tagged", user[0][0] | 0x5a << 56))
    out += [("user-hole", 0x1000), ("kernel-hole", 0xffff7ffffff00000)]
    return out, kern, user


def vtop_pa(text):
    m = re.search(r"-> 0x([0-9a-f]+)", text)
    return "gpa: %#x" % int(m.group(1), 16) if m else "Unmapped"


def l0_base(text):
    """The table the walk started in: L0[idx] @ PA, minus idx * 8."""
    m = re.search(r"L0\[([0-9a-f]+)\] @ 0x([0-9a-f]+)", text)
    return int(m.group(2), 16) - 8 * int(m.group(1), 16) if m else None


def registers(cpu, stop):
    t = "cpu%d-%s" % (cpu, stop)
    ttbr0, ttbr1, tcr, sctlr = (reg(R["ttbr0"]), reg(R["ttbr1"]),
                                reg(R["tcr"]), reg(R["sctlr"]))
    res(t + "-registers", ttbr1 & BADDR and tcr >> 16 & 0x3f == 16 and
        tcr & 0x3f == 16 and sctlr & 1 and reg("pc") != 0,
        "TTBR0 %#x TTBR1 %#x TCR %#x SCTLR %#x pc %#x cpsr %#x" % (
            ttbr0, ttbr1, tcr, sctlr, reg("pc"), reg("cpsr")))
    return ttbr0, ttbr1


def views(cpu, stop, full):
    """pgstub's answers on @cpu against QEMU's, at this stop."""
    t = "cpu%d-%s" % (cpu, stop)
    select(cpu)
    ttbr0, ttbr1 = registers(cpu, stop)
    old = reg("cpsr")
    view = (old & ~(PSTATE_M | PSTATE_PAN)) | (EL2H if EL2 else EL1H)
    if view != old:
        ex("set $cpsr = %d" % view)
    ranges = info_mem_ranges()
    addrs, kern, user = samples(ranges)
    res(t + "-info-mem", len(kern) > 10 and len(user) > 0,
        "%d kernel, %d user runs" % (len(kern), len(user)))
    bad, seen_user = [], 0
    for kind, a in addrs:
        q = hmp("gva2gpa %#x" % a, cpu)
        g = mine("gva2gpa %#x" % a)
        v = vtop_pa(mine("vtop %#x" % a))
        if v == "gpa: 0x0":
            v = "gpa: 0"
        if g != q or v != q:
            bad.append("%s %#x: pgstub %s / vtop %s / qemu %s" % (
                kind, a, g, v, q))
        seen_user += kind == "user" and q.startswith("gpa:")
    res(t + "-gva2gpa", not bad and seen_user > 0 and len(addrs) > 20,
        "%d addresses, %d user mapped; %s" % (len(addrs), seen_user,
                                               "; ".join(bad[:3])))
    # The walk starts at the live TTBRs (ASID and CnP bits dropped).
    k0 = l0_base(mine("vtop %#x" % P["_stext"]))
    u0 = l0_base(mine("vtop %#x" % user[0][0])) if user else None
    res(t + "-ttbr-roots", k0 == ttbr1 & BADDR and
        (u0 is None or u0 == ttbr0 & BADDR),
        "L0 %s/%s vs TTBR1 %#x TTBR0 %#x" % (k0, u0, ttbr1, ttbr0))
    # Virtual reads (GDB's x through pgstub) and pgstub's x and xp text.
    reads = [P["_stext"]] + [s for s, _ in spread(kern, 3)] + \
        [s for s, _ in spread(user, 2)]
    bad, checked = [], 0
    ram = qemu_truth.ram_ranges(P["qmp"], cpu)
    for a in reads:
        pa = hmp("gva2gpa %#x" % a, cpu)
        # Devices are not read: QEMU's monitor reading the GIC's CPU
        # interface (ioremapped in the kernel's vmalloc area) kills QEMU.
        if not pa.startswith("gpa: ") or not any(
                s <= int(pa[5:], 16) < e for s, e in ram):
            continue
        theirs = hmp("x /2gx %#x" % a, cpu)
        if "Cannot access" in theirs:
            continue
        checked += 1
        got = values(ex("x/2gx %#x" % a))
        if got != values(theirs) or len(got) != 2:
            bad.append("x %#x: gdb %s qemu %s" % (a, got, theirs))
        if mine("x /2gx %#x" % a) != theirs.replace("\r", ""):
            bad.append("monitor x %#x: %r vs %r" % (
                a, mine("x /2gx %#x" % a), theirs))
        pa = int(pa[5:], 16)
        q = hmp("xp /2gx %#x" % pa, cpu).replace("\r", "")
        if mine("xp /2gx %#x" % pa) != q:
            bad.append("xp %#x: %r vs %r" % (
                pa, mine("xp /2gx %#x" % pa), q))
    res(t + "-reads", checked >= 3 and not bad, "%d of %d read; %s" % (
        checked, len(reads), "; ".join(bad[:3])))
    if full:
        pg = mine("info pg")
        res(t + "-info-pg", pg.count("\n") > 100 and R["ttbr1"] in pg and
            R["ttbr0"] in pg and " L3[" in pg, "%d lines: %s" % (
                pg.count("\n"), pg[:120]))
        tlb = mine("info tlb")
        res(t + "-info-tlb", tlb.count("\n") > 1000 and re.match(
            r"[0-9a-f]{16}: [0-9a-f]{16} ", tlb) is not None,
            "%d lines" % tlb.count("\n"))
    return old, user


def pte_write(cpu, user):
    """A user page's L3 entry rewritten in guest memory (through pgstub, in
    physical mode) points elsewhere: pgstub's next walk must read the new
    entry as QEMU does (its table cache is dropped on writes), and the old
    one once restored."""
    t = "cpu%d" % cpu
    va = user[0][0]
    v = mine("vtop %#x" % va)
    m = re.search(r"L3\[[0-9a-f]+\] @ 0x([0-9a-f]+) = 0x([0-9a-f]+)", v)
    if not m:
        res(t + "-pte-write", False, "no L3 entry in: " + v)
        return
    at, old = int(m.group(1), 16), int(m.group(2), 16)
    moved = (old & ~BADDR) | ((old & BADDR) ^ 0x1000)
    ex("maint packet Qqemu.PhyMemMode:1")
    ex("set *(unsigned long long *)%#x = %#x" % (at, moved))
    ex("maint packet Qqemu.PhyMemMode:0")
    after = (mine("gva2gpa %#x" % va), hmp("gva2gpa %#x" % va, cpu))
    ex("maint packet Qqemu.PhyMemMode:1")
    ex("set *(unsigned long long *)%#x = %#x" % (at, old))
    ex("maint packet Qqemu.PhyMemMode:0")
    back = (mine("gva2gpa %#x" % va), hmp("gva2gpa %#x" % va, cpu))
    res(t + "-pte-write", after[0] == after[1] and back[0] == back[1] and
        after[0] != back[0],
        "moved: pgstub %s qemu %s; restored: pgstub %s qemu %s" % (
            after + back))


def interrupt_after(secs):
    """continue, then Ctrl-C (SIGINT to gdb) after @secs."""
    timer = threading.Timer(secs, lambda: os.kill(os.getpid(),
                                                  signal.SIGINT))
    timer.start()
    try:
        out = ex("continue")
    except KeyboardInterrupt:
        out = "KeyboardInterrupt"
    timer.cancel()
    return out


def main():
    ex("set architecture aarch64")
    ex("target remote %s" % P["target"])
    threads = gdb.selected_inferior().threads()
    res("threads", len(threads) == 2, "%d threads" % len(threads))
    out = mine("help")
    res("monitor", "vtop ADDR" in out and "QEMU's monitor" in out, out[:80])
    mm = ex("maint packet qXfer:memory-map:read::0,400")
    # Top-byte-ignore makes any top byte translatable: no map fences
    # anything, so none is offered (as for aarch64 snapshots).
    res("memory-map-not-offered", 'received: ""' in mm, mm[-120:])
    for stop in ("stop1", "stop2"):
        saved = []
        for cpu in (0, 1):
            old, user = views(cpu, stop, stop == "stop1")
            saved.append(old)
            if stop == "stop1" and user:
                pte_write(cpu, user)
        for cpu, old in enumerate(saved):
            select(cpu)
            ex("set $cpsr = %d" % old)
        if stop == "stop1":
            out = interrupt_after(1.5)
            res("interrupted", gdb.selected_thread() is not None and
                gdb.selected_thread().is_stopped(), out.strip()[-200:])
    ex("detach")


try:
    main()
except Exception as e:  # a broken step is a failure, with its reason
    res("driver", False, "%s: %s" % (type(e).__name__, e))
