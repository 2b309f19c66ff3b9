#!/usr/bin/env python3
"""TAP: GDB reads processes that started after it connected (issue: the
connect-time memory map fenced them off). A real x86_64 guest under TCG
whose init starts a new busybox process every moment on each vCPU
(init-spawn.sh); GDB 13 and GDB 16, through pgstub --qemu and
--qemu --qemu-ram, break at busybox's entry point and compare each new
process's stack and text with QEMU's own reads (spawn_driver.py), then
the other vCPU's process, then a nested EPT view.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_guest import CACHE, Guest, free_port  # noqa: E402

PGSTUB = os.environ.get("PGSTUB", "pgstub")
# Memory the guest kernel is told to leave alone (memmap=), for the EPT.
EPT = 0x8000000
results = []


def ok(name, good, detail=""):
    results.append(good)
    print("%s %d - %s%s" % ("ok" if good else "not ok", len(results), name,
                            "" if good else " # " + str(detail)[:300]),
          flush=True)


def busybox_entry():
    path = os.path.join(CACHE, "busybox", "amd64", "busybox")
    with open(path, "rb") as f:
        hdr = f.read(64)
    # ELF64: e_type at 16 (ET_EXEC: a fixed entry), e_entry at 24.
    etype, = struct.unpack_from("<H", hdr, 16)
    entry, = struct.unpack_from("<Q", hdr, 24)
    return entry if hdr[:4] == b"\x7fELF" and etype == 2 else None


def write_ept(ram):
    """An identity EPT over the first GiB (2M leaves) at EPT, in the RAM
    file (guest-physical == file offset below the PCI hole)."""
    rwx, wb, leaf = 0x7, 6 << 3, 0x80
    pml4 = struct.pack("<Q", (EPT + 0x1000) | rwx) + bytes(4088)
    pdpt = struct.pack("<Q", (EPT + 0x2000) | rwx) + bytes(4088)
    pd = b"".join(struct.pack("<Q", i << 21 | rwx | wb | leaf)
                  for i in range(512))
    with open(ram, "r+b") as f:
        f.seek(EPT)
        f.write(pml4 + pdpt + pd)


def gdb16():
    g16 = os.environ.get("GDB16", os.path.join(CACHE, "gdb16", "gdb"))
    if not os.access(g16, os.X_OK):
        subprocess.run([sys.executable, os.path.join(
            HERE, "..", "tools", "fetch_gdb16.py"), CACHE],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return g16 if os.access(g16, os.X_OK) else None


def start_pgstub(args, log):
    port = free_port()
    p = subprocess.Popen([PGSTUB, "--listen", "127.0.0.1:%d" % port] + args,
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    for _ in range(200):
        if b"listening on" in open(log.name, "rb").read() or \
                p.poll() is not None:
            break
        time.sleep(0.05)
    return p, port


def run(tag, gdb, pgstub_args, g, entry):
    log = tempfile.NamedTemporaryFile(prefix="pgstub-spawn-")
    p, port = start_pgstub(pgstub_args, log)
    params = dict(tag=tag, target="127.0.0.1:%d" % port, qmp=g.qmp,
                  entry=entry, ept=EPT)
    try:
        r = subprocess.run([gdb, "-q", "-batch", "-nx",
                            "-ex", "set pagination off",
                            "-ex", "set confirm off",
                            "-x", os.path.join(HERE, "spawn_driver.py")],
                           env=dict(os.environ,
                                    SPAWN_PARAMS=json.dumps(params)),
                           capture_output=True, text=True, errors="replace",
                           timeout=600)
        out = r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        out = "timeout: %s" % e
    finally:
        p.kill()
        p.wait()
    seen = 0
    for line in out.splitlines():
        m = re.match(r"RESULT (\S+) (ok|fail) ?(.*)", line)
        if m:
            seen += 1
            ok(m.group(1), m.group(2) == "ok", m.group(3))
    ok(tag + "-driver-complete", seen >= 17,
       "%d results; %s; pgstub: %s" % (seen, out[-800:],
                                       open(log.name).read()[-300:]))
    bad = [l for l in open(log.name, errors="replace")
           if "Sanitizer" in l or "runtime error" in l]
    ok(tag + "-no-sanitizer-reports", not bad, "".join(bad)[:300])


def main():
    why = Guest.available()
    entry = None if why else busybox_entry()
    if why or not entry:
        print("1..0 # SKIP %s" % (why or "busybox is not a fixed-address "
                                  "executable"))
        return 0
    mk = os.path.join(HERE, "..", "realguest", "mkinitramfs.sh")
    r = subprocess.run(["sh", mk, "x86_64", os.path.join(HERE, "init-spawn.sh"),
                        "x86_64-spawn"], capture_output=True, text=True)
    if r.returncode:
        print("1..1\nnot ok 1 - initramfs # %s" % r.stderr[-300:])
        return 1
    work = tempfile.mkdtemp(prefix="pgstub-spawn-")
    g = Guest(work, initrd="x86_64-spawn", append="memmap=2M$0x%x" % EPT)
    try:
        try:
            g.boot()
        except RuntimeError as e:
            print("1..1\nnot ok 1 - boot # %s" % e)
            return 1
        ok("guest-reserved-ept-memory",
           "memmap=2M$0x%x" % EPT in open(g.serial, errors="replace").read())
        write_ept(g.ram)
        qemu = ["--qemu", "127.0.0.1:%d" % g.gdb_port]
        ram = qemu + ["--qemu-ram", g.ram, "--qmp", g.qmp]
        g16 = gdb16()
        for gname, gdb in (("gdb13", "gdb"), ("gdb16", g16)):
            if not gdb:
                print("# GDB 16 could not be fetched: its cases are left out")
                continue
            run(gname + "-gdbstub", gdb, qemu, g, entry)
            run(gname + "-ram", gdb, ram, g, entry)
    finally:
        g.kill()
        shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
