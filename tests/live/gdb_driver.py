"""What the drivers that run inside GDB (driver*.py, spawn_driver.py)
share: their parameters (JSON in an environment variable), GDB commands
as text, registers as unsigned values, and the "RESULT NAME ok|fail
DETAIL" lines their test scripts turn into TAP."""
import json
import os

import gdb

import qemu_truth

P = {}


def params(var):
    """The driver's parameters, from $@var; "tag" prefixes each result."""
    P.update(json.loads(os.environ[var]))
    return P


def ex(cmd):
    return gdb.execute(cmd, to_string=True)


def res(name, ok, detail=""):
    detail = str(detail).replace("\n", " | ")[:400]
    print("RESULT %s-%s %s %s" % (P["tag"], name, "ok" if ok else "fail",
                                  detail), flush=True)


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & ((1 << 64) - 1)


def mine(cmd):
    """pgstub's monitor command @cmd, its output stripped."""
    return ex("monitor " + cmd).strip()


def hmp(cmd, cpu):
    """QEMU's own monitor (QMP, P["qmp"]) on vCPU @cpu: the truth."""
    return qemu_truth.hmp(P["qmp"], cmd, cpu).strip()


def select(cpu):
    """vCPU @cpu for GDB (thread cpu+1) and for pgstub's views."""
    ex("thread %d" % (cpu + 1))
    ex("monitor cpu %d" % cpu)
