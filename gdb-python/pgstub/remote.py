# Talking to pgstub through GDB's `monitor`: detecting that the remote is
# pgstub, running a monitor command on the vCPU of GDB's selected thread,
# and turning every failure into one gdb.GdbError line.
"""Monitor access for the pgstub commands and functions."""

import json

import gdb

API = 1          # the monitor_script.c output version this package reads
_detected = {}   # connection key -> "pgstub X.Y.Z api N cpus N" line

HINT = "target remote | pgstub --stdio IMAGE"


def _connection_key(inf):
    conn = getattr(inf, "connection", None)
    if conn is not None:
        return (conn.num, conn.details)
    return (inf.connection_num, None)


def _forget(_event=None):
    _detected.clear()


def connect_events():
    """Forget what was detected when a connection goes away."""
    for name in ("connection_removed", "exited"):
        registry = getattr(gdb.events, name, None)
        if registry is not None:
            registry.connect(_forget)


def require(cmd):
    """Check that GDB is connected to pgstub; return its version line.

    Raises gdb.GdbError("CMD: …") with one clear line otherwise.
    """
    inf = gdb.selected_inferior()
    if inf.connection_num is None:
        raise gdb.GdbError("%s: not connected to a target (use: %s)"
                           % (cmd, HINT))
    conn = getattr(inf, "connection", None)
    if conn is not None and conn.type not in ("remote", "extended-remote"):
        raise gdb.GdbError("%s: the target is '%s', not pgstub (use: %s)"
                           % (cmd, conn.type, HINT))
    key = _connection_key(inf)
    if key in _detected:
        return _detected[key]
    try:
        out = gdb.execute("monitor pgstub-version", to_string=True)
    except gdb.error as e:
        raise gdb.GdbError("%s: the remote target is not pgstub "
                           "(monitor pgstub-version: %s)"
                           % (cmd, _one_line(str(e)))) from None
    line = out.strip().splitlines()[0] if out.strip() else ""
    words = line.split()
    if len(words) < 4 or words[0] != "pgstub" or words[2] != "api":
        raise gdb.GdbError("%s: the remote target is not pgstub "
                           "(monitor pgstub-version: %s)"
                           % (cmd, _one_line(line) or "no reply"))
    if words[3] != str(API):
        raise gdb.GdbError("%s: pgstub speaks api %s, this package api %d; "
                           "use matching versions" % (cmd, words[3], API))
    _detected[key] = line
    return line


def is_pgstub():
    """True when the current connection is pgstub (no error raised)."""
    try:
        require("pgstub")
        return True
    except gdb.GdbError:
        return False


def _one_line(text):
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:117] + "..."


def selected_cpu():
    """The vCPU of GDB's selected thread (pgstub's thread N is vCPU N-1)."""
    th = gdb.selected_thread()
    if th is None:
        return None
    lwp = th.ptid[1]
    return lwp - 1 if lwp and lwp > 0 else None


def monitor(cmd, line):
    """Run LINE on pgstub for the selected thread's vCPU; return its output.

    The stub's own error message becomes gdb.GdbError("CMD: message").
    """
    require(cmd)
    cpu = selected_cpu()
    wrapped = "rc --cpu %d %s" % (cpu, line) if cpu is not None \
        else "rc " + line
    try:
        out = gdb.execute("monitor " + wrapped, to_string=True)
    except gdb.error as e:
        raise gdb.GdbError("%s: %s" % (cmd, _one_line(str(e)))) from None
    lines = out.splitlines()
    if not lines or not lines[-1].startswith("rc="):
        raise gdb.GdbError("%s: unexpected reply from pgstub: %s"
                           % (cmd, _one_line(out) or "nothing"))
    body = "\n".join(lines[:-1])
    if lines[-1] != "rc=0":
        msg = _one_line(body) or "'%s' failed" % line
        raise gdb.GdbError("%s: %s" % (cmd, msg))
    return body + "\n" if body else ""


def vtop(cmd, va):
    """One translation as a dict (monitor vtop-json)."""
    out = monitor(cmd, "vtop-json 0x%x" % va)
    try:
        res = json.loads(out)
    except ValueError:
        raise gdb.GdbError("%s: unreadable vtop-json reply: %s"
                           % (cmd, _one_line(out))) from None
    for key in ("va", "pa", "gpa", "size", "entry"):
        if key in res:
            res[key] = int(res[key], 16)
    for step in res.get("steps", []):
        for key in ("table", "addr", "entry", "load_rsvd"):
            step[key] = int(step[key], 16)
    fault = res.get("fault")
    if fault:
        for key in ("table", "entry", "rsvd", "addr"):
            fault[key] = int(fault[key], 16)
    return res
