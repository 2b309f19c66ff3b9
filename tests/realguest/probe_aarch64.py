#!/usr/bin/env python3
"""probe_aarch64.py PGSTUB - does pgstub serve an aarch64 snapshot at all?

Writes a minimal aarch64 ELF core (EM_AARCH64, one NT_PRSTATUS, 64 KiB of
RAM at 0x40000000) and starts `pgstub --listen 127.0.0.1:0 --once` on it.
Exit 1 with the reason on stdout only when pgstub refuses the core and says
why in terms of the machine (so test_realguest_aarch64.sh can skip before
booting anything); exit 0 otherwise, also when pgstub fails for another
reason: then the real check runs and shows the failure.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

EM_AARCH64 = 183
NT_PRSTATUS = 1
# What pgstub says when it does not know the machine (any wording that
# names the architecture or says "unsupported").
UNSUPPORTED = re.compile(r"aarch64|arm64|EM_AARCH64|machine 183|e_machine|unsupported|"
                         r"not supported|unknown (machine|architecture)|"
                         r"RAMBlock of a known machine", re.I)


def core():
    # struct elf_prstatus for aarch64: 112 bytes of header, 34 registers
    # (x0-x30, sp, pc, pstate), pr_fpvalid and padding: 392 bytes.
    regs = [0] * 31 + [0xffff800008000000, 0xffff800008001000, 0x3c5]
    desc = b"\0" * 112 + struct.pack("<34Q", *regs) + b"\0" * 8
    name = b"CORE\0"
    note = struct.pack("<3I", len(name), len(desc), NT_PRSTATUS) + \
        name + b"\0" * (-len(name) % 4) + desc
    ram = 64 << 10
    phoff, phnum = 64, 2
    noff = phoff + 56 * phnum
    loff = (noff + len(note) + 0xfff) & ~0xfff
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 + struct.pack(
        "<HHIQQQIHHHHHH", 4, EM_AARCH64, 1, 0, phoff, 0, 0, 64, 56, phnum, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 4, 0, noff, 0, 0, len(note), 0, 0)
    ph += struct.pack("<IIQQQQQQ", 1, 7, loff, 0x40000000, 0x40000000, ram, ram, 0)
    img = eh + ph + note
    return img + b"\0" * (loff - len(img)) + b"\0" * ram


def refusal(pgstub, image):
    """pgstub's words when it will not serve IMAGE for want of support for
    its machine or format; None when it serves it (or fails otherwise)."""
    p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once", image],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    text = b""
    for raw in p.stderr:
        text += raw
        if b"listening on" in raw:
            p.kill()
            break
    p.wait()
    p.stderr.close()
    msg = " ".join(text.decode("latin-1").split())
    # The file's name says "aarch64" too: match pgstub's words only.
    if b"listening on" not in text and UNSUPPORTED.search(msg.replace(image, "IMAGE")):
        return msg[:300]
    return None


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    with tempfile.TemporaryDirectory(prefix="pgstub-probe-aarch64.") as d:
        path = os.path.join(d, "core.elf")
        with open(path, "wb") as f:
            f.write(core())
        msg = refusal(argv[1], path)
    if msg:
        print("pgstub does not serve aarch64 snapshots yet: %s" % msg)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
