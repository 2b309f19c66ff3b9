"""Runs inside gdb-multiarch (gdb -batch -x driver_ppc64.py) against
pgstub --qemu in front of qemu-system-ppc64 -M powernv9 (radix).

Parameters come as JSON in $LIVE_PARAMS; every check prints one line
"RESULT NAME ok|fail DETAIL" that test_live_ppc64.py turns into TAP.
Truth is QEMU's own monitor over QMP on the same vCPU. QEMU's gva2gpa
checks the vCPU's own access (MSR[PR], the AMR): the guest's busy
processes keep both vCPUs in problem state, where no kernel page is
reachable, so each vCPU is given MSR[PR] = 0 and AMR = 0 first, as the
recorded ppc64 guests were (tests/realguest/record_ppc64.py), and put
back before the guest runs again. pgstub must see the new MSR: its
context follows MSR[PR] (quadrant access).
"""
import os
import re
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_driver  # noqa: E402
import qemu_truth  # noqa: E402
from gdb_driver import ex, hmp, mine, reg, res, select  # noqa: E402
from qemu_truth import values  # noqa: E402

P = gdb_driver.params("LIVE_PARAMS")
MSR_PR = 1 << 14


def spread(items, n):
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def runs():
    """pgstub's `info mem`: (start, end, perms) of each run."""
    return [(int(m.group(1), 16), int(m.group(2), 16), m.group(3))
            for m in re.finditer(r"^([0-9a-f]{16})-([0-9a-f]{16}) "
                                 r"[0-9a-f]+ (\S+)", mine("info mem"), re.M)]


def views(cpu):
    t = "cpu%d" % cpu
    select(cpu)
    msr = reg("msr")
    ex("set $msr = %d" % (msr & ~MSR_PR))
    # QEMU 7.2's gdbstub reaches SPRs on vCPU 0 only: vCPU 1's AMR stays
    # (in problem state it holds the process's, 0 unless it uses keys).
    try:
        amr = reg("amr")
        ex("set $amr = 0")
    except gdb.error:
        amr = None
    # The registers are pgstub's to read again (QEMU has them now).
    res(t + "-registers", reg("msr") == msr & ~MSR_PR and
        hmp("p $msr", cpu) == "%#x" % (msr & ~MSR_PR),
        "msr %#x -> %#x, QEMU %s" % (msr, reg("msr"), hmp("p $msr", cpu)))
    rs = runs()
    kern = [r for r in rs if r[0] >> 62 == 3]
    user = [r for r in rs if r[0] >> 62 == 0]
    res(t + "-info-mem", len(kern) > 10 and len(user) > 3,
        "%d kernel, %d user runs" % (len(kern), len(user)))
    addrs = [("ktext", P["_stext"])]
    for s, e, _ in spread(kern, 12):
        addrs += [("kernel", s), ("kernel", e - 0x1000 + 0x18)]
    for s, e, _ in spread(user, 8):
        addrs += [("user", s), ("user", e - 0x1000 + 0x20)]
    addrs += [("hole", 0x4000000000000000), ("hole", 0x8000000000000000),
              ("hole", 0xc00ffffffffff000)]
    # Where the AMR could not be cleared, QEMU's walk keeps applying it:
    # a kernel's AMR (KUAP) denies it every user page, which pgstub, a
    # debugger's view, still translates.
    amr_now = int(hmp("p $amr", cpu), 16)
    bad, mapped, amr_denied = [], {"kernel": 0, "user": 0}, 0
    for kind, a in addrs:
        q = hmp("gva2gpa %#x" % a, cpu)
        g = mine("gva2gpa %#x" % a)
        if (g != q and kind == "user" and amr_now and q == "Unmapped" and
                g.startswith("gpa: ")):
            amr_denied += 1
        elif g != q:
            bad.append("%s %#x: pgstub %s / qemu %s" % (kind, a, g, q))
        if kind in mapped:
            mapped[kind] += q.startswith("gpa:")
    res(t + "-gva2gpa", not bad and mapped["kernel"] > 10 and
        mapped["user"] + amr_denied > 3, "%d addresses, %s mapped, %d user "
        "ones QEMU's walk denies by the AMR %#x; %s" % (
            len(addrs), mapped, amr_denied, amr_now, "; ".join(bad[:3])))
    v = mine("vtop %#x" % P["_stext"])
    res(t + "-vtop", "quadrant 3" in v and "PID 0" in v and " L1[" in v,
        v[:300])
    v = mine("vtop %#x" % user[0][0]) if user else ""
    pid = int(hmp("p $pid", cpu), 16)
    res(t + "-vtop-user", "quadrant 0" in v and "PID %d," % pid in v,
        "pid %d (AMR %s): %s" % (pid, hmp("p $amr", cpu), v[:300]))
    # Reads: GDB's x (through pgstub: its walk with --qemu-ram, QEMU's
    # otherwise) and pgstub's x and xp text, against QEMU's.
    reads = [P["_stext"]] + [s for s, _, _ in spread(kern, 4)] + \
        [s for s, _, _ in spread(user, 3)]
    bad, checked = [], 0
    ram = qemu_truth.ram_ranges(P["qmp"], cpu)
    # GDB reads as QEMU's monitor prints memory: in the target's order
    # (big-endian), whatever MSR[LE] says.
    endian = ex("show endian")
    ex("set endian big")
    for a in reads:
        pa, theirs = hmp("gva2gpa %#x" % a, cpu), None
        denied = not pa.startswith("gpa: ") and a >> 62 == 0 and amr_now
        if denied:
            pa = mine("gva2gpa %#x" % a)  # the AMR denies QEMU's walk
        # Devices are not read (their registers, ioremapped among the
        # kernel's runs, are no memory to compare; some kill QEMU).
        if not pa.startswith("gpa: ") or not any(
                s <= int(pa[5:], 16) < e for s, e in ram):
            continue
        pa = int(pa[5:], 16)
        if not denied:
            theirs = hmp("x /2gx %#x" % a, cpu)
        q = hmp("xp /2gx %#x" % pa, cpu)
        # Without --qemu-ram, GDB's virtual reads are QEMU's, which the
        # AMR denies as its gva2gpa.
        if P["ram"] or not denied:
            got = values(ex("x/2gx %#x" % a))
            if got != values(q) or len(got) != 2:
                bad.append("x %#x: gdb %s qemu xp %s" % (a, got, q))
        if theirs is not None and mine("x /2gx %#x" % a) != theirs:
            bad.append("monitor x %#x: %r vs %r" % (
                a, mine("x /2gx %#x" % a), theirs))
        if mine("xp /2gx %#x" % pa) != q:
            bad.append("xp %#x: %r vs %r" % (pa, mine("xp /2gx %#x" % pa), q))
        checked += 1
    # Back to the order GDB had (set explicitly: "auto" would now pick
    # the architecture's default, big-endian).
    ex("set endian %s" % ("little" if "little endian" in endian else "big"))
    res(t + "-reads", checked >= 3 and not bad, "%d of %d read; %s" % (
        checked, len(reads), "; ".join(bad[:3])))
    ex("set $msr = %d" % msr)
    if amr is not None:
        ex("set $amr = %d" % amr)


def main():
    ex("set architecture powerpc:common64")
    ex("target remote %s" % P["target"])
    threads = gdb.selected_inferior().threads()
    res("threads", len(threads) == 2, "%d threads" % len(threads))
    out = mine("help")
    res("monitor", "vtop ADDR" in out, out[:80])
    for cpu in (0, 1):
        views(cpu)
    out = mine("info pg")
    res("info-pg", out.count("\n") > 50 and "L1[" in out, "%d lines: %s" % (
        out.count("\n"), out[:200]))
    ex("detach")


try:
    main()
except Exception as e:  # a broken step is a failure, with its reason
    res("driver", False, "%s: %s" % (type(e).__name__, e))
