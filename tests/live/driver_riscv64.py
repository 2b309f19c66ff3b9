"""Runs inside gdb-multiarch (gdb -batch -x driver_riscv64.py) against
pgstub --qemu in front of qemu-system-riscv64 -M virt (2 harts, Sv57).

Parameters come as JSON in $LIVE_PARAMS; every check prints one line
"RESULT NAME ok|fail DETAIL" that test_live_riscv64.py turns into TAP.
Truth is QEMU's own monitor over QMP on the same hart.

- `info mem` is compared byte for byte with QEMU's at the privilege each
  hart stopped in (its detail says which: QEMU's `info mem` prints satp's
  tables whatever the privilege, and so does pgstub), and again after the
  hart's satp is set to the other hart's through GDB (pgstub must rebuild
  its context when satp changes).
- QEMU's gva2gpa, x and xp translate at the hart's current privilege and
  sstatus.SUM (in U-mode every kernel address is Unmapped, in M-mode
  every address is physical), so each hart is put in S-mode with SUM set
  first, as the recorded riscv64 guests were (tests/realguest/
  README-riscv64.md), and put back before the guest runs again.
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
from gdb_driver import ex, reg, res  # noqa: E402
from qemu_truth import values  # noqa: E402

P = gdb_driver.params("LIVE_PARAMS")
SSTATUS_SUM = 1 << 18
PRIV_NAMES = {0: "U", 1: "S", 3: "M"}
SATP_MODE_SV57 = 10
TEXT = {}  # hart: pgstub's last info mem


def hmp(cmd, cpu):
    return qemu_truth.hmp(P["qmp"], cmd, cpu)


def mine(cmd):
    return ex("monitor " + cmd)


def select(cpu):
    ex("thread %d" % (cpu + 1))
    ex("monitor cpu %d" % cpu)


def first_diff(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return "line %d: pgstub %r qemu %r" % (i + 1, x, y)
    return "pgstub %d lines, qemu %d" % (len(al), len(bl))


def info_mem(cpu, t):
    """pgstub's `info mem` = QEMU's, byte for byte; returns its runs as
    (vaddr, size) pairs."""
    got, want = mine("info mem"), hmp("info mem", cpu)
    TEXT[cpu] = got
    runs = [(int(m.group(1), 16), int(m.group(2), 16)) for m in re.finditer(
        r"^([0-9a-f]{16}) [0-9a-f]{16} ([0-9a-f]{16}) ", got, re.M)]
    res(t, got == want and len(runs) > 50,
        "%d runs; %s" % (len(runs), "identical" if got == want else
                         first_diff(got, want)))
    return runs


def spread(items, n):
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def samples(runs):
    """Kernel and user addresses: the first and last page of runs pgstub
    lists, the kernel text, and holes."""
    kern = [r for r in runs if r[0] >> 63]
    user = [r for r in runs if not r[0] >> 63]
    out = [("ktext", P["_stext"]), ("ktext-end", P["_etext"] - 8)]
    for s, n in spread(kern, 12):
        out += [("kernel", s), ("kernel", s + n - 0x1000 + 0x18)]
    for s, n in spread(user, 8):
        out += [("user", s), ("user", s + n - 0x1000 + 0x20)]
    out += [("user-hole", 0x1000), ("kernel-hole", 0xff00000000000000),
            ("non-canonical", 0x0100000000000000)]
    return out, kern, user


def vtop_pa(text):
    m = re.search(r"-> 0x([0-9a-f]+)", text)
    return "gpa: %#x" % int(m.group(1), 16) if m else "Unmapped"


def root_of(text):
    """The table the walk started in: L4[idx] @ PA, minus idx * 8."""
    m = re.search(r"L4\[([0-9a-f]+)\] @ 0x([0-9a-f]+)", text)
    return int(m.group(2), 16) - 8 * int(m.group(1), 16) if m else None


def debugger_view(cpu):
    """S-mode with SUM: QEMU's gva2gpa then answers for both halves.
    Returns what to put back."""
    priv, sst = reg("priv"), reg("sstatus")
    ex("set $priv = 1")
    ex("set $sstatus = %d" % (sst | SSTATUS_SUM))
    return priv, sst


def views(cpu, stop, full):
    """pgstub's answers on @cpu against QEMU's, at this stop."""
    t = "cpu%d-%s" % (cpu, stop)
    select(cpu)
    priv, satp, sst = reg("priv"), reg("satp"), reg("sstatus")
    res(t + "-registers", satp >> 60 == SATP_MODE_SV57 and
        priv in PRIV_NAMES and reg("pc") != 0,
        "%s-mode satp %#x sstatus %#x pc %#x" % (
            PRIV_NAMES.get(priv, priv), satp, sst, reg("pc")))
    runs = info_mem(cpu, t + "-info-mem-%s-mode" % PRIV_NAMES.get(priv, "X"))
    saved = debugger_view(cpu)
    addrs, kern, user = samples(runs)
    bad, seen_user, seen_kern = [], 0, 0
    for kind, a in addrs:
        q = hmp("gva2gpa %#x" % a, cpu).strip()
        g = mine("gva2gpa %#x" % a).strip()
        v = vtop_pa(mine("vtop %#x" % a))
        if v == "gpa: 0x0":
            v = "gpa: 0"
        if g != q or v != q:
            bad.append("%s %#x: pgstub %s / vtop %s / qemu %s" % (
                kind, a, g, v, q))
        seen_user += kind == "user" and q.startswith("gpa:")
        seen_kern += kind == "kernel" and q.startswith("gpa:")
    res(t + "-gva2gpa-S-mode-SUM", not bad and seen_user > 0 and
        seen_kern > 0 and len(addrs) > 20,
        "%d addresses, %d user and %d kernel mapped; %s" % (
            len(addrs), seen_user, seen_kern, "; ".join(bad[:3])))
    # The walk starts at the live satp's root.
    root = root_of(mine("vtop %#x" % P["_stext"]))
    res(t + "-satp-root", root == (satp & ((1 << 44) - 1)) << 12,
        "root %s vs satp %#x" % (root, satp))
    # Virtual reads (GDB's x through pgstub) and pgstub's x and xp text.
    reads = [P["_stext"]] + [s for s, _ in spread(kern, 3)] + \
        [s for s, _ in spread(user, 2)]
    bad, n = [], 0
    for a in reads:
        theirs = hmp("x /2gx %#x" % a, cpu)
        if "Cannot access" in theirs:
            continue
        n += 1
        got = values(ex("x/2gx %#x" % a))
        if got != values(theirs) or len(got) != 2:
            bad.append("x %#x: gdb %s qemu %s" % (a, got, theirs))
        if mine("x /2gx %#x" % a) != theirs:
            bad.append("monitor x %#x: %r vs %r" % (
                a, mine("x /2gx %#x" % a), theirs))
        pa = hmp("gva2gpa %#x" % a, cpu)
        if pa.startswith("gpa: "):
            pa = int(pa[5:], 16)
            q = hmp("xp /2gx %#x" % pa, cpu)
            if mine("xp /2gx %#x" % pa) != q:
                bad.append("xp %#x: %r vs %r" % (
                    pa, mine("xp /2gx %#x" % pa), q))
    res(t + "-reads", not bad and n >= 4, "%d reads; %s" % (
        n, "; ".join(bad[:3])))
    if full:
        # gdb-python's commands through the proxy (its RISC-V decoding).
        q = hmp("gva2gpa %#x" % P["_stext"], cpu).strip()
        pa = int(gdb.parse_and_eval("$pa(%d)" % P["_stext"])) & ((1 << 64) - 1)
        vt = ex("vtop %#x" % P["_stext"])
        res(t + "-gdb-python", q == "gpa: %#x" % pa and
            re.search(r"\[V R (W )?X (G )?A", vt) is not None and
            "-> %#x" % pa in vt, "$pa %#x qemu %s; %s" % (pa, q, vt[-160:]))
        pg = mine("info pg")
        res(t + "-info-pg", pg.count("\n") > 20 and " L4[" in pg and
            " L0[" in pg, "%d lines: %s" % (pg.count("\n"), pg[:120]))
        tlb = mine("info tlb")
        res(t + "-info-tlb", tlb.count("\n") > 100 and re.match(
            r"[0-9a-f]{16}: [0-9a-f]{16} [-N][-CI][-D][-A][-G][-U][-X][-W][-R]$",
            tlb.splitlines()[0]) is not None,
            "%d lines: %s" % (tlb.count("\n"), tlb[:60]))
    return saved, satp


def satp_swap(satps):
    """Each hart given the other's satp through GDB: pgstub's info mem
    follows (its context is rebuilt from the new satp) = QEMU's, and
    differs from the hart's own (two processes); then both put back."""
    before = dict(TEXT)
    for cpu in (0, 1):
        select(cpu)
        ex("set $satp = %d" % satps[1 - cpu])
        info_mem(cpu, "cpu%d-satp-swapped-info-mem" % cpu)
        res("cpu%d-satp-swapped-differs" % cpu, satps[0] != satps[1] and
            TEXT[cpu] != before[cpu], "satp %#x -> %#x" % (
                satps[cpu], satps[1 - cpu]))
    for cpu in (0, 1):
        select(cpu)
        ex("set $satp = %d" % satps[cpu])
        info_mem(cpu, "cpu%d-satp-restored-info-mem" % cpu)


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
    # gdb-python as pgstub-gdb.py loads it (that file, sourced from a
    # script, would take the script's __file__ for its own).
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "gdb-python"))
    import pgstub
    pgstub.register()
    ex("set architecture riscv:rv64")
    ex("target remote %s" % P["target"])
    threads = gdb.selected_inferior().threads()
    res("threads", len(threads) == 2, "%d threads" % len(threads))
    out = mine("help")
    res("monitor", "vtop ADDR" in out and "QEMU's monitor" in out, out[:80])
    for stop in ("stop1", "stop2"):
        saved, satps = [], []
        for cpu in (0, 1):
            s, satp = views(cpu, stop, stop == "stop1")
            saved.append(s)
            satps.append(satp)
        if stop == "stop1":
            satp_swap(satps)
        for cpu, (priv, sst) in enumerate(saved):
            select(cpu)
            ex("set $sstatus = %d" % sst)
            ex("set $priv = %d" % priv)
        if stop == "stop1":
            out = interrupt_after(1.5)
            res("interrupted", gdb.selected_thread() is not None and
                gdb.selected_thread().is_stopped(), out.strip()[-200:])
    ex("detach")


try:
    main()
except Exception as e:  # a broken step is a failure, with its reason
    res("driver", False, "%s: %s" % (type(e).__name__, e))
