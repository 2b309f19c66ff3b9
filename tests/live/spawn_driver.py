"""Runs inside gdb (GDB 13 or 16: gdb -batch -x spawn_driver.py) against
pgstub --qemu in front of the spawning guest (tests/live/test_spawn.py).

GDB connects, then stops at busybox's entry point in processes started
after it connected, reads their stacks and text, and compares the bytes
with QEMU's own monitor for the same vCPU at the same stop (QMP's
human-monitor-command `x`, which reads through the same debug access as
QEMU's gdbstub). Then the other vCPU (another process), then a nested EPT
view attached with `monitor nested`. Parameters come as JSON in
$SPAWN_PARAMS; each check prints "RESULT NAME ok|fail DETAIL".
"""
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_driver  # noqa: E402
import qemu_truth  # noqa: E402
from gdb_driver import ex, reg, res  # noqa: E402
from qemu_truth import values  # noqa: E402

P = gdb_driver.params("SPAWN_PARAMS")


def hmp(cmd):
    """QEMU's monitor on GDB's current vCPU: the truth."""
    return qemu_truth.hmp(P["qmp"], cmd, gdb.selected_thread().num - 1)


def gdb_read(addr):
    try:
        return ex("x/4gx 0x%x" % addr)
    except gdb.error as e:
        return "error: %s" % e


def same_bytes(name, addr, may_fault=False):
    """GDB's read through pgstub equals QEMU's for the current vCPU. With
    may_fault, both may refuse alike (a page not faulted in yet)."""
    mine = gdb_read(addr)
    theirs = hmp("x /4gx 0x%x" % addr)
    both_refuse = mine.startswith("error: Cannot access memory") and \
        "Cannot access memory" in theirs and not values(theirs)
    res(name, (len(values(mine)) == 4 and values(mine) == values(theirs)) or
        (may_fault and both_refuse),
        "%#x: %s / qemu %s" % (addr, mine.strip(), theirs.strip()))
    return len(values(mine)) == 4


def main():
    ex("set remotetimeout 120")
    ex("target remote " + P["target"])
    ex("break *0x%x" % P["entry"])
    texts = 0
    for i in range(3):
        ex("continue")
        rip, rsp = reg("rip"), reg("rsp")
        # At its first instruction: the process exec'd while GDB was
        # attached (the guest was stopped from connect to this continue).
        res("stop%d-at-entry" % i, rip == P["entry"], "rip %#x" % rip)
        if same_bytes("stop%d-stack" % i, rsp):
            # The stack exec laid out: argc, then argv pointing above it.
            argc, argv0 = values(gdb_read(rsp))[:2]
            res("stop%d-fresh-stack" % i, 1 <= argc < 64 and
                rsp < argv0 < rsp + (1 << 20), "argc %d argv[0] %#x" % (
                    argc, argv0))
        # Text not executed yet may not be paged in: refused by both.
        texts += same_bytes("stop%d-text" % i, rip, may_fault=True)
    print("# text pages present at %d of 3 stops" % texts)
    ex("delete")
    cur = gdb.selected_thread().num
    cr3, rsp = reg("cr3"), reg("rsp")

    # An unmapped address fails in both: an error, no bytes made up.
    mine = gdb_read(0x1000)
    theirs = hmp("x /4gx 0x1000")
    res("unmapped-fails", mine.startswith("error: Cannot access memory") and
        not values(theirs), "%s / qemu %s" % (mine.strip(), theirs.strip()))

    # The other vCPU runs another process (its own spawning loop).
    other = 2 if cur == 1 else 1
    ex("thread %d" % other)
    ex("monitor cpu %d" % (other - 1))
    ocr3, orsp = reg("cr3"), reg("rsp")
    res("other-cpu-other-space", ocr3 != cr3, "cr3 %#x / %#x" % (ocr3, cr3))
    same_bytes("other-cpu-stack", orsp)
    ex("thread %d" % cur)
    ex("monitor cpu %d" % (cur - 1))

    # A nested view: the guest's tables read through an identity EPT that
    # test_spawn.py laid in memory the kernel was told to leave alone.
    out = ex("monitor nested ept 0x%x" % P["ept"])
    vtop = ex("monitor vtop 0x%x" % rsp)
    res("nested-attached", "nested EPT" in vtop and "->" in vtop,
        (out + vtop)[-300:])
    same_bytes("nested-stack", rsp)
    ex("monitor nested off")
    ex("detach")


try:
    main()
except BaseException as e:  # noqa: BLE001 - every failure is a result
    import traceback
    res("driver", False, "%s: %s" % (e, traceback.format_exc()[-300:]))
