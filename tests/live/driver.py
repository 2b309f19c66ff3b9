"""Runs inside gdb (gdb -batch -x driver.py) against pgstub --qemu.

Parameters come as JSON in $LIVE_PARAMS; every check prints one line
"RESULT NAME ok|fail DETAIL" that test_live.py turns into TAP.
"""
import json
import os
import re
import signal
import sys
import threading
import time

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "realguest"))
from check import pae_tlb_fix  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_truth  # noqa: E402
from qemu_truth import values  # noqa: E402

P = json.loads(os.environ["LIVE_PARAMS"])


def ex(cmd):
    return gdb.execute(cmd, to_string=True)


def res(name, ok, detail=""):
    detail = str(detail).replace("\n", " | ")[:400]
    print("RESULT %s %s %s" % (name, "ok" if ok else "fail", detail), flush=True)


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & ((1 << 64) - 1)


def crlf(text):
    return text.replace("\r", "")


def hmp(cmd):
    """QEMU's own monitor on GDB's current vCPU (truth)."""
    return qemu_truth.hmp(P["qmp"], cmd, gdb.selected_thread().num - 1)


def qemu_gpa(addr):
    return hmp("gva2gpa 0x%x" % addr).strip()


# GDB's memory map of a live x86-64 guest: the canonical halves of 5-level
# paging (they hold 4-level's, 32-bit's and physical RAM).
SPANS_57 = [("0x0", "0x100000000000000"),
            ("0xff00000000000000", "0x100000000000000")]


def memory_map():
    """The map's (start, length) regions, or None when pgstub offers none."""
    doc = memory_map_doc()
    if doc is None:
        return None
    return re.findall(r'<memory type="ram" start="(0x[0-9a-f]+)" '
                      r'length="(0x[0-9a-f]+)"/>', doc)


def memory_map_doc():
    doc, off = "", 0
    while True:
        out = ex("maint packet qXfer:memory-map:read::%x,800" % off)
        m = re.search(r'received: "(.)(.*)"\s*$', out, re.S)
        if not m:
            return None
        body = m.group(2).encode().decode("unicode_escape")
        doc += body
        off += len(body)
        if m.group(1) != "m" or not body:
            return doc if m.group(1) in "ml" else None


def same_cpu():
    """pgstub's views on GDB's current vCPU (they follow Hg anyway)."""
    ex("monitor cpu %d" % (gdb.selected_thread().num - 1))


def views(tag, addrs):
    """pgstub's views against QEMU's at this stop."""
    same_cpu()
    # Enough to mean something: the i386 guest (1 vCPU, PAE) maps less.
    small = P.get("arch") == "i386-pae"
    mine, theirs = ex("monitor info tlb"), hmp("info tlb")
    if small:
        # QEMU 7.2's PAE info tlb shows NX in its physical column
        # (check.py: pae-nx-in-info-tlb).
        theirs = "\n".join(pae_tlb_fix(theirs.split("\n"))[0])
    res("%s-info-tlb" % tag, mine == theirs and
        mine.count("\n") > (500 if small else 1000),
        "%d vs %d lines" % (mine.count("\n"), theirs.count("\n")))
    mine, theirs = ex("monitor info mem"), hmp("info mem")
    res("%s-info-mem" % tag, mine == theirs and mine.count("\n") > 10,
        "%d vs %d lines" % (mine.count("\n"), theirs.count("\n")))
    pg = ex("monitor info pg")
    top = "PDPT" if P.get("arch") == "i386-pae" else "PML4"
    res("%s-info-pg" % tag, pg.count("\n") > (20 if small else 100) and
        top in pg,
        "%d lines" % pg.count("\n"))
    for a in addrs:
        q = qemu_gpa(a)
        g = ex("monitor gva2gpa 0x%x" % a).strip()
        v = ex("monitor vtop 0x%x" % a)
        m = re.search(r"-> 0x([0-9a-f]+)", v)
        vpa = "gpa: %#x" % int(m.group(1), 16) if m else "Unmapped"
        if vpa == "gpa: 0x0":
            vpa = "gpa: 0"
        res("%s-vtop-%x" % (tag, a), g == q and vpa == q,
            "pgstub %s / vtop %s / qemu %s" % (g, vpa, q))


def set_cr3(v):
    """P packet for register 29 (cr3; $cr3 is a flags type GDB will not
    assign), then drop GDB's register cache."""
    out = ex("maint packet P1d=%s" % v.to_bytes(8, "little").hex())
    ex("maint flush register-cache")
    return out


def all_cr3():
    """CR3 of every vCPU (the memory map is their union), then back."""
    cur = gdb.selected_thread().num
    out = []
    for t in gdb.selected_inferior().threads():
        ex("thread %d" % t.num)
        out.append(reg("cr3"))
    ex("thread %d" % cur)
    return tuple(sorted(out))


def compare_read(tag, expr, addr):
    same_cpu()
    mine = ex("x/4gx 0x%x" % addr)
    theirs = hmp("x /4gx 0x%x" % addr)
    res("%s-read-%s" % (tag, expr),
        len(values(mine)) == 4 and values(mine) == values(theirs),
        "%s vs %s" % (mine.strip(), theirs.strip()))


def main():
    tag = P["tag"]
    # QEMU's own info mem/tlb can take seconds on a loaded machine.
    ex("set remotetimeout 120")
    ex("target remote " + P["target"])
    stops = []  # (cr3, memory map)

    banner = ex("x/s 0x%x" % P["linux_banner"])
    res(tag + "-kernel-banner", ("Linux version %s " % P["uname"]) in banner,
        banner)
    rip, rsp = reg("rip"), reg("rsp")
    compare_read(tag, "rip", rip)
    compare_read(tag, "rsp", rsp)
    compare_read(tag, "text", P["_text"])
    views(tag + "-stop1", [rip, rsp, P["linux_banner"]])
    stops.append((all_cr3(), memory_map()))

    ex("thread 2")
    stops.append((all_cr3(), memory_map()))
    compare_read(tag, "cpu1-rip", reg("rip"))
    ex("thread 1")
    # The map holds for the whole connection (memory_map.c): the canonical
    # halves of the widest x86-64 mode, whatever CR3 or vCPU.
    res(tag + "-memory-map-canonical", stops[0][1] == SPANS_57 and
        stops[1][1] == SPANS_57, stops[0][1])

    # CR3 written through GDB (a register write: every cache dropped): the
    # views follow it, the map does not change. Give vCPU 0 vCPU 1's CR3,
    # then put it back before the guest runs.
    ex("thread 2")
    cr3_1 = reg("cr3")
    ex("thread 1")
    cr3_0 = reg("cr3")
    map0 = memory_map()
    set_cr3(cr3_1)
    same = memory_map()
    tlb1 = ex("monitor info tlb")
    set_cr3(cr3_0)
    back = memory_map()
    res(tag + "-views-follow-cr3-map-stays", cr3_0 != cr3_1 and
        same == map0 == back == SPANS_57 and
        hmp("info tlb") == ex("monitor info tlb") and
        tlb1 != ex("monitor info tlb"),
        "cr3 %#x / %#x, maps %d %d %d bytes" % (
            cr3_0, cr3_1, len(map0 or ""), len(same or ""), len(back or "")))

    # The timer interrupt's entry, from the IDT (vector 0xec).
    qregs = crlf(ex("monitor info registers"))
    m = re.search(r"CR3=([0-9a-f]+)", qregs)
    res(tag + "-monitor-forwarded", m is not None and int(m.group(1), 16) ==
        int(re.search(r"CR3=([0-9a-f]+)", hmp("info registers")).group(1), 16),
        qregs[:200])
    m = re.search(r"IDT=\s+([0-9a-f]+)", qregs)
    idt = int(m.group(1), 16)
    lo, hi = values(ex("x/2gx 0x%x" % (idt + 16 * 0xec)))
    handler = (lo & 0xffff) | ((lo >> 48) & 0xffff) << 16 | (hi & 0xffffffff) << 32
    res(tag + "-idt", P["_text"] <= handler < P["_etext"], "%#x" % handler)

    ex("break *0x%x" % handler)
    ex("continue")
    res(tag + "-break-hit", reg("rip") == handler, "rip %#x" % reg("rip"))
    stops.append((all_cr3(), memory_map()))
    ex("stepi")
    pc = reg("rip")
    res(tag + "-stepi", pc != handler and P["_text"] <= pc < P["_etext"],
        "rip %#x" % pc)
    ex("stepi")
    res(tag + "-stepi2", P["_text"] <= reg("rip") < P["_etext"],
        "rip %#x" % reg("rip"))
    views(tag + "-stepped", [reg("rip"), reg("rsp")])
    ex("delete")

    # Ctrl-C: SIGINT to gdb while the guest runs. The other vCPU may hold
    # a pending hit of the deleted breakpoint (QEMU reports it on the next
    # continue): then the timer is cancelled and the continue retried.
    sigs = []
    gdb.events.stop.connect(
        lambda ev: sigs.append(getattr(ev, "stop_signal", "other")))
    out = ""
    for _ in range(4):
        del sigs[:]
        timer = threading.Timer(1.5, lambda: os.kill(os.getpid(),
                                                     signal.SIGINT))
        timer.start()
        try:
            out = gdb.execute("continue", to_string=True)
        except KeyboardInterrupt:
            out = "KeyboardInterrupt"
        timer.cancel()
        if sigs and sigs[-1] == "SIGINT":
            break
    out += " stops: %s" % sigs
    stopped = gdb.selected_thread() is not None and \
        gdb.selected_inferior().threads()[0].is_stopped()
    res(tag + "-interrupt", stopped and sigs[-1:] == ["SIGINT"], out.strip())
    stops.append((all_cr3(), memory_map()))
    views(tag + "-interrupted", [reg("rip")])

    # A write, seen by QEMU and by the next read; then restored.
    a = P["linux_banner"] + 6
    old = int(gdb.parse_and_eval("*(unsigned char *)0x%x" % a))
    ex("set {unsigned char}0x%x = 0x5a" % a)
    q = hmp("x /1bx 0x%x" % a)
    back = int(gdb.parse_and_eval("*(unsigned char *)0x%x" % a))
    ex("set {unsigned char}0x%x = %d" % (a, old))
    res(tag + "-write", "0x5a" in q and back == 0x5a, q.strip())

    ex("detach")
    ex("target remote " + P["target"])
    res(tag + "-reattach", reg("cr3") != 0, "cr3 %#x" % reg("cr3"))
    views(tag + "-reattached", [reg("rip")])
    ex("detach")


def main_i386():
    """qemu-system-i386 (PAE): pgstub learns the 32-bit register layout
    from QEMU, and its views equal QEMU's at two stops."""
    tag = P["tag"]
    ex("set remotetimeout 120")
    ex("target remote " + P["target"])
    regs = crlf(ex("monitor info registers"))
    cr = {k: int(v, 16) for k, v in re.findall(r"(CR[034])=([0-9a-f]+)",
                                                 regs)}
    res(tag + "-pae-paging", cr.get("CR0", 0) >> 31 and
        cr.get("CR4", 0) & 0x20, regs[:200])
    eip, esp = reg("eip"), reg("esp")
    compare_read(tag, "eip", eip)
    compare_read(tag, "text", P["_text"])
    views(tag + "-stop1", [eip, esp, P["_text"]])
    # Its spans are the whole 32-bit space: no map, as QEMU's gdbstub.
    res(tag + "-no-memory-map", memory_map() is None and
        "There are no memory regions defined" in ex("info mem"))
    ex("stepi")
    ex("stepi")
    views(tag + "-stepped", [reg("eip"), reg("esp")])
    ex("detach")


try:
    if P.get("arch") == "i386-pae":
        main_i386()
    else:
        main()
except BaseException as e:  # noqa: BLE001 - report any failure as a result
    import traceback
    res(P["tag"] + "-driver", False, "%s: %s at %s" % (
        type(e).__name__, e, traceback.format_tb(e.__traceback__)[-2:]))
