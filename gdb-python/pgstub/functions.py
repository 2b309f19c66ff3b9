# Convenience functions $pa(va) and $pte(va): one translation through
# pgstub on the selected thread's vCPU, usable in any GDB expression, e.g.
# `x/gx $pa(0xffffffff81000000)` once Qqemu.PhyMemMode is on.
"""$pa and $pte."""

import gdb

from . import commands
from . import decode as D
from . import remote


def _u64_type():
    for name in ("unsigned long long", "unsigned long"):
        try:
            t = gdb.lookup_type(name)
        except gdb.error:
            continue
        if t.sizeof == 8:
            return t
    return None


def _u64(value):
    t = _u64_type()
    v = gdb.Value(value)
    return v.cast(t) if t is not None else v


def _translate(fname, args):
    if len(args) != 1:
        raise gdb.GdbError("$%s: takes one argument, a virtual address"
                           % fname)
    try:
        va = int(args[0]) & D.M64
    except (gdb.error, ValueError, TypeError):
        raise gdb.GdbError("$%s: the argument is not an address" % fname) \
            from None
    res = remote.vtop("$" + fname, va)
    if not res.get("ok"):
        raise gdb.GdbError("$%s: %s" % (fname, commands.fault_text(res)))
    return res


class PaFunction(gdb.Function):
    """$pa(VA): the physical address VA maps to on the selected thread's
vCPU (the host physical address under nested paging), through pgstub.
An unmapped VA is an error naming the level that faulted."""

    def __init__(self):
        super().__init__("pa")

    def invoke(self, *args):
        return _u64(_translate("pa", args)["pa"])


class PteFunction(gdb.Function):
    """$pte(VA): the raw value of the leaf entry that maps VA (a PTE, or a
PDE/PDPTE for a large page) on the selected thread's vCPU, through pgstub.
Decode it with `pte $pte(VA) --level N`, or see it all with `vtop VA`."""

    def __init__(self):
        super().__init__("pte")

    def invoke(self, *args):
        return _u64(_translate("pte", args)["entry"])


def register():
    PaFunction()
    PteFunction()
