"""What QEMU itself says, for the drivers that run inside gdb
(driver.py, spawn_driver.py): its monitor over QMP, and the values of an
`x` dump."""
import json
import re
import socket


def hmp(qmp_path, cmd, cpu):
    """QEMU's own monitor through QMP on vCPU @cpu (truth). One connection
    per command: pgstub reads the RAM layout over the same socket when a
    session starts."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(qmp_path)
    f = s.makefile("rw")
    f.readline()

    def call(msg):
        f.write(json.dumps(msg) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                return r

    call({"execute": "qmp_capabilities"})
    r = call({"execute": "human-monitor-command",
              "arguments": {"command-line": cmd, "cpu-index": cpu}})
    s.close()
    return r["return"].replace("\r", "")


def values(text):
    """The 0x... quadwords of an x/ dump (GDB's or QEMU's), addresses
    left out."""
    vals = []
    for line in text.splitlines():
        if ":" in line:
            vals += [int(x, 16) for x in
                     re.findall(r"0x[0-9a-f]{16}", line.split(":", 1)[1])]
    return vals


def ram_ranges(qmp_path, cpu=0):
    """QEMU's RAM as [start, end) pairs, from its flattened memory map.
    The drivers read only there: QEMU's monitor reading some devices'
    registers kills QEMU (the GIC's CPU interface, on aarch64)."""
    out = []
    for m in re.finditer(r"^ *([0-9a-f]+)-([0-9a-f]+) \(prio [-0-9]+, ram\)",
                         hmp(qmp_path, "info mtree -f", cpu), re.M):
        out.append((int(m.group(1), 16), int(m.group(2), 16) + 1))
    return out
