#!/usr/bin/env python3
# A minimal GDB remote stub that is not pgstub, for the Python package's
# "not pgstub" error paths: `target remote | fakestub.py [--qemu]`.  It
# serves one stopped thread with zeroed registers and no memory.
"""Fake RSP stub.  --qemu answers monitor commands the way QEMU's gdbstub
does for an unknown command (console output, then OK); without it, qRcmd
gets the empty reply of a stub that has no monitor."""

import sys

QEMU = "--qemu" in sys.argv[1:]
inp = sys.stdin.buffer
out = sys.stdout.buffer


def send(payload):
    data = payload.encode()
    out.write(b"$" + data + b"#%02x" % (sum(data) & 0xFF))
    out.flush()


def read_packet():
    """Return the next packet's payload (acking it), or None at EOF."""
    while True:
        c = inp.read(1)
        if not c:
            return None
        if c == b"$":
            break
        if c == b"\x03":
            continue
    body = bytearray()
    while True:
        c = inp.read(1)
        if not c:
            return None
        if c == b"#":
            break
        body += c
    inp.read(2)
    out.write(b"+")
    out.flush()
    return body.decode("latin-1")


def reply(pkt):
    if pkt.startswith("qSupported"):
        return "PacketSize=1000"
    if pkt == "?":
        return "S05"
    if pkt == "g":
        return "00" * 8 * 17 + "00" * 4 * 7
    if pkt.startswith("p"):
        return "00" * 8
    if pkt.startswith("m"):
        return "E14"
    if pkt.startswith("H"):
        return "OK"
    if pkt == "qAttached":
        return "1"
    if pkt == "qfThreadInfo":
        return "m1"
    if pkt == "qsThreadInfo":
        return "l"
    if pkt == "qC":
        return "QC1"
    if pkt.startswith("qRcmd,"):
        if not QEMU:
            return ""
        cmd = bytes.fromhex(pkt[6:]).decode("latin-1")
        msg = "unknown command: '%s'\n" % cmd.split()[0] if cmd.split() \
            else "\n"
        send("O" + msg.encode().hex())
        return "OK"
    if pkt in ("D", "k"):
        return "OK"
    return ""


def main():
    while True:
        pkt = read_packet()
        if pkt is None:
            return 0
        send(reply(pkt))
        if pkt in ("D", "k"):
            return 0


if __name__ == "__main__":
    sys.exit(main())
