#!/usr/bin/env python3
"""TAP: every command line of README.md's "Using it" block, run exactly as
written (sh -c LINE) in a directory whose files have the names the lines
use: vmcore.elf (the demo guest), memory.img (a raw image with its PML4 at
0x1234000), guest.mig (the recorded x86_64 migration stream), virt.elf,
gdb-python/ (the tree's), before.elf and after.elf (tests/lint/mkbad's two
dumps that differ in known ways). Servers are reached with a real GDB, then
stopped; lines GDB runs get their commands on standard input, as a user
typing them. `pgstub --qemu localhost:1234` stands in front of a real QEMU
started with -s (stopped at reset, no guest needed).
Usage: test_readme_usage.py README BUILDDIR SRCDIR
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

README, BUILD, SRC = sys.argv[1:4]
CACHE = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
HELLO = '"Hello from the pgstub demo guest!"'
n = 0
failed = 0


def title(line):
    """A TAP name: the line without its shell comment ('#' is TAP's)."""
    return line.split("  #")[0].strip()


def ok(name, good, detail=""):
    global n, failed
    name = title(name)
    n += 1
    failed += not good
    print("%s %d - %s" % ("ok" if good else "not ok", n, name), flush=True)
    if not good:
        for line in str(detail)[-1500:].splitlines():
            print("#   " + line)


def skip(name, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, title(name), why), flush=True)


def usage_lines():
    lines, inside = [], False
    for line in open(README):
        if line.startswith("## "):
            inside = line.strip() == "## Using it"
            continue
        if inside and line.startswith("    ") and \
                not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def sh(line, stdin="", timeout=120):
    r = subprocess.run(["sh", "-c", line], input=stdin, capture_output=True,
                       text=True, errors="replace", timeout=timeout)
    return r.returncode, r.stdout + r.stderr


def gdb(*cmds):
    args = ["gdb", "-q", "-batch", "-nx"]
    for c in cmds:
        args += ["-ex", c]
    r = subprocess.run(args, capture_output=True, text=True,
                       errors="replace", timeout=120, stdin=subprocess.DEVNULL)
    return r.stdout + r.stderr


def port_free(port):
    s = socket.socket()
    # As pgstub and QEMU bind: a closed session's TIME_WAIT is no owner.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


class Background:
    """sh -c LINE in the background until stop(); waits for @ready."""

    def __init__(self, line, ready):
        self.log = tempfile.TemporaryFile()
        self.p = subprocess.Popen(["sh", "-c", "exec " + line],
                                  stdin=subprocess.DEVNULL, stdout=self.log,
                                  stderr=self.log, start_new_session=True)
        end = time.monotonic() + 30
        while time.monotonic() < end and self.p.poll() is None:
            if ready():
                break
            time.sleep(0.1)

    def text(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        return self.text()


def listening(port):
    def probe():
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            return False
    return probe


def unix_listening(path):
    """A connect, not the file: a socket left by an earlier run is there
    before pgstub replaces it."""
    def probe():
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            return True
        except OSError:
            return False
        finally:
            s.close()
    return probe


def raw_image(path):
    """4-level tables at 0x1234000 mapping 0xffffffff81000000 (2M) to
    0x1400000, which holds the demo's greeting."""
    pml4, pdpt, pd, page = 0x1234000, 0x1235000, 0x1236000, 0x1400000
    va = 0xffffffff81000000
    with open(path, "wb") as f:
        f.truncate(0x1600000)
        for table, index, value in (
                (pml4, (va >> 39) & 511, pdpt | 3),
                (pdpt, (va >> 30) & 511, pd | 3),
                (pd, (va >> 21) & 511, page | 0x83)):
            f.seek(table + index * 8)
            f.write(struct.pack("<Q", value))
        f.seek(page)
        f.write(HELLO.strip('"').encode() + b"\0")


def run_line(line):
    first = line.split()[:2]
    if line.startswith("gdb -ex 'target remote | pgstub --stdio"):
        rc, out = sh(line, "x/s 0xffffffff81000000\n")
        ok(line, HELLO in out, out)
    elif line.startswith("gdb -ex 'source gdb-python/"):
        rc, out = sh(line, "vtop 0xffffffff81000000\n")
        ok(line, "0xffffffff81000000 -> 0x200000" in out, out)
    elif first == ["pgstub", "shell"] and "-c 'check" in line:
        # The demo: user pages whose frames its kernel maps writable.
        rc, out = sh(line)
        ok(line, rc == 0 and "summary: 3 findings: wx 0, wx-alias 2," in out
           and "pg-mark: vCPU 0, 29 runs" in out and "3 changed" in out, out)
    elif first == ["pgstub", "diff"]:
        rc, out = sh(line)
        ok(line, rc == 1 and "added   0000000000050000-0000000000051000 "
           "pa 0x104000 4K r--u" in out, out)
    elif first == ["pgstub", "shell"]:
        rc, out = sh(line)
        ok(line, rc == 0 and "PML4" in out and "nop" in out, out)
    elif first == ["pgstub", "export"]:
        rc, out = sh(line, "x/s 0xffffffff81000000\n")
        ok(line, rc == 0 and HELLO in out, out)
    elif "--unix" in line:
        path = line.split("--unix")[1].split()[0]
        bg = Background(line, unix_listening(path))
        out = gdb("target remote " + path, "x/s 0xffffffff81000000")
        mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0
        log = bg.stop()
        ok(line, HELLO in out and mode == 0o600, out + log)
    elif "--qemu" in line:
        qport = int(line.split("--qemu")[1].split()[0].rsplit(":", 1)[1])
        lport = int(line.split("--listen")[1].split()[0].rsplit(":", 1)[1])
        if not (port_free(qport) and port_free(lport)):
            skip(line, "port %d or %d in use" % (qport, lport))
            return
        qemu = Background("qemu-system-x86_64 -s -S -display none "
                          "-nodefaults -m 64M", listening(qport))
        bg = Background(line, listening(lport))
        out = gdb("target remote 127.0.0.1:%d" % lport, "p/x $pc",
                  "monitor info version")
        log = bg.stop()
        qemu.stop()
        # Stopped at the reset vector: QEMU's registers through pgstub.
        ok(line, "= 0xfff0" in out and "(pgstub)" in out, out + log)
    elif first[0] == "pgstub":
        if not port_free(1234):
            skip(line, "port 1234 in use")
            return
        addr = 0xffffffff81000000
        want = HELLO
        if line.split()[1] == "guest.mig":
            addr, want = mig_banner(), '"Linux version '
        bg = Background(line, listening(1234))
        out = gdb("target remote 127.0.0.1:1234", "info threads",
                  "x/s 0x%x" % addr)
        log = bg.stop()
        ok(line, want in out and "Thread 1" in out, out + log)
    else:
        ok(line, False, "no way to run this README line: add one here")


def mig_banner():
    """linux_banner of the recorded migration stream's guest."""
    serial = os.path.join(CACHE, "guests", "x86_64-4l-mig", "serial.log")
    for line in open(serial, errors="replace"):
        f = line.split()
        if len(f) == 4 and f[0] == "PGSTUB-KSYM" and f[3] == "linux_banner":
            return int(f[1], 16)
    return 0


def main():
    work = tempfile.mkdtemp(prefix="pgstub-readme-")
    os.chdir(work)
    os.environ["PATH"] = BUILD + os.pathsep + os.environ["PATH"]
    shutil.copy(os.path.join(BUILD, "demo.elf"), "vmcore.elf")
    raw_image("memory.img")
    mkbad = os.path.join(BUILD, "tests", "lint", "mkbad")
    for kind, name in (("lint", "before.elf"), ("lint2", "after.elf")):
        subprocess.run([mkbad, kind, name], check=True)
    os.symlink(os.path.join(SRC, "gdb-python"), "gdb-python")
    mig = os.path.join(CACHE, "guests", "x86_64-4l-mig", "guest.mig")
    have_mig = os.path.exists(mig)
    if have_mig:
        os.symlink(mig, "guest.mig")
    lines = usage_lines()
    ok("README shows a Using it block", len(lines) >= 8, lines)
    for line in lines:
        if line.split()[:2] == ["pgstub", "guest.mig"] and not have_mig:
            skip(line, "no recorded migration stream in the cache")
            continue
        try:
            run_line(line)
        except Exception as e:  # noqa: BLE001 - a failed line is a result
            ok(line, False, repr(e))
    os.chdir("/")
    shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
