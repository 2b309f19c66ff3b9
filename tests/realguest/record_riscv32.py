#!/usr/bin/env python3
"""record_riscv32.py CONFIG OUTDIR - record QEMU 7.2's truth for a riscv32 guest.

Debian ships no riscv32 kernel, so the guest is tests/realguest/rv32/: a
bare-metal program, built here with clang and ld.lld, that leaves hart 0
in S-mode (SUM clear) and hart 1 in U-mode (SUM and MXR set) under Sv32
page tables of every kind (rv32/guest.c says which). One boot under
`qemu-system-riscv32 -M virt -smp 2 -m 64M -bios none -kernel guest.elf`
(TCG) produces, as record_riscv64.py does for its guests:

 1. per hart, as stopped: HMP `info registers` and `info mem` verbatim,
    every register of QEMU's gdbstub, and the same through gdb-multiarch;
 2. dump-guest-memory as ELF (ELF32) and as kdump-zlib, and a migration
    stream, of the guest exactly as stopped;
 3. hart 0's own accesses in S-mode before it loops, each with the page
    fault it took (scause, stval) or none: guest.c's probes, printed as
    PGSTUB-FAULT lines (meta.json guest.faults);
 4. per hart, `gva2gpa` at the privilege and SUM it was stopped with
    (gva2gpa_stopped.tsv), then with priv := S and SUM := 1 (gva2gpa.tsv),
    `x` reads there (x.txt) and `xp` reads (xp.txt).

Addresses come from QEMU's own `info mem` runs (ends and insides), the
entries guest.c made to be refused (reserved encodings, a misaligned
megapage, a pointer at level 0), holes and the ends of the 32-bit space.
Nothing here runs pgstub: the truth is QEMU's. OUTDIR's layout is that
of README-riscv64.md, plus guest.elf.

  record_riscv32.py --list | --is-current CONFIG OUTDIR | CONFIG OUTDIR
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from record import Fail, QMP, input_key, sha256  # noqa: E402
import record_aarch64 as a64  # noqa: E402
import record_riscv64 as rv64  # noqa: E402

SRC = os.path.join(HERE, "rv32")
SOURCES = ["start.S", "guest.c", "guest.ld"]
BOOT_TIMEOUT = 60.0
MASK = (1 << 32) - 1
CONFIGS = {"riscv32-sv32": dict(mode=1, name="sv32", va_bits=32)}

# What guest.c maps that a walker must refuse (Privileged ISA 4.3.1):
# W without R, a megapage whose PPN[0] is not zero, a pointer at level 0.
REFUSED = {0x0040a000: "reserved-w", 0x0040b000: "reserved-wx",
           0xc0800000: "misaligned-mega", 0xc0c00000: "reserved-mega",
           0x0040d000: "pointer-at-l0", 0xffb03000: "reserved-selfmap"}


def log(msg):
    sys.stderr.write("record_riscv32: %s\n" % msg)
    sys.stderr.flush()


def build(outdir):
    """guest.elf from rv32/ with clang and ld.lld (scripts/setup-deps)."""
    flags = ["--target=riscv32-unknown-elf", "-march=rv32ima", "-mabi=ilp32",
             "-mcmodel=medany", "-mno-relax", "-ffreestanding", "-nostdlib", "-O2",
             "-Wall", "-Wextra", "-Werror"]
    objs = []
    for src in ("start.S", "guest.c"):
        o = os.path.join(outdir, src + ".o")
        subprocess.run(["clang"] + flags + ["-c", os.path.join(SRC, src), "-o", o], check=True)
        objs.append(o)
    elf = os.path.join(outdir, "guest.elf")
    subprocess.run(["ld.lld", "-m", "elf32lriscv", "-T", os.path.join(SRC, "guest.ld"),
                    "-o", elf] + objs, check=True)
    for o in objs:
        os.unlink(o)
    return elf


class Recorder(rv64.Recorder):
    gdb_arch = "riscv:rv32"

    def __init__(self, config, outdir):
        if config not in CONFIGS:
            raise Fail("unknown config %r (known: %s)" % (config, ", ".join(CONFIGS)))
        self.name = config
        self.cfg = CONFIGS[config]
        self.outdir = os.path.abspath(outdir)
        self.meta = {"config": config, "complete": False, "timings": {}}
        self.proc = None
        self.qmp = None
        self.hmplog = []

    def boot(self):
        for tool in ("clang", "ld.lld", "qemu-system-riscv32"):
            if not shutil.which(tool):
                raise Fail("%s not installed (scripts/setup-deps)" % tool)
        try:
            elf = build(self.outdir)
        except subprocess.CalledProcessError as e:
            raise Fail("building rv32/: %s" % e)
        qemu = shutil.which("qemu-system-riscv32")
        argv = [qemu, "-accel", "tcg", "-M", "virt", "-smp", "2", "-m", "64M",
                "-bios", "none", "-kernel", elf, "-display", "none", "-monitor", "none",
                "-serial", "file:" + self.path("serial.log"), "-net", "none",
                "-no-reboot", "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-gdb", "tcp:127.0.0.1:%d" % self.gdb_port]
        self.meta["qemu_argv"] = argv
        self.meta["qemu_version_string"] = subprocess.run(
            [qemu, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        self.errf = open(self.path("qemu.stderr"), "wb")
        log("%s: starting %s" % (self.name, " ".join(argv)))
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=self.errf, stderr=self.errf)
        self.qmp = QMP(self.qmp_path)
        v = self.qmp.qemu_version["qemu"]
        self.meta["qemu_version"] = "%d.%d.%d" % (v["major"], v["minor"], v["micro"])
        while True:
            if self.proc.poll() is not None:
                raise Fail("QEMU exited (rc %s) before PGSTUB-READY" % self.proc.returncode)
            if time.monotonic() - t0 > BOOT_TIMEOUT:
                raise Fail("no PGSTUB-READY within %.0f s" % BOOT_TIMEOUT)
            with open(self.path("serial.log"), "rb") as f:
                if b"PGSTUB-READY" in f.read():
                    break
            time.sleep(0.1)
        self.meta["timings"]["boot_to_ready"] = round(time.monotonic() - t0, 3)
        time.sleep(0.3)

    def parse_serial(self):
        # guest.c's trap handler prints "!": a hart that trapped is not
        # running what the recording claims.
        with open(self.path("serial.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        if "!" in text:
            raise Fail("a hart trapped to M-mode (serial: %r)" % text)
        self.g = {}
        faults = [dict(zip(("va", "kind", "scause", "stval"), l.split()[1:5]))
                  for l in text.splitlines() if l.startswith("PGSTUB-FAULT ")]
        if not faults:
            raise Fail("hart 0 printed no PGSTUB-FAULT line: %r" % text[-300:])
        self.meta["guest"] = {"program": "tests/realguest/rv32",
                              "serial": text.strip(), "faults": faults}

    def stop(self):
        """Stop once no hart is in M-mode (they leave it right after
        PGSTUB-READY and never return): hart 0 S, hart 1 U."""
        self.cpus = [c["cpu-index"] for c in self.qmp.cmd("query-cpus-fast")]
        self.meta["cpus"] = self.cpus
        for attempt in range(1, 21):
            self.qmp.cmd("stop")
            ps = self.privs()
            if sorted(p for p, _ in ps.values()) == [0, 1]:
                break
            self.qmp.cmd("cont")
            time.sleep(0.2)
        else:
            raise Fail("harts not in S and U after %d stops: %r" % (attempt, ps))
        self.meta["stop_attempts"] = attempt
        self.meta["stop_kind"] = "one-user"
        log("%s: stopped: %s" % (self.name, ", ".join(
            "hart%d %s-mode satp %x" % (c, rv64.PRIV_NAMES[p], s) for c, (p, s) in sorted(ps.items()))))

    def layout(self, info_mem):
        lay = {"va_bits": 32, "page_size": 4096, "ram": [(0x80000000, 0x84000000)],
               "kcode": [(0x80000000, 0x80001000)], "kdata": [(0x80400000, 0x80401000)]}
        self.lay = lay
        self.meta["layout"] = {k: v for k, v in lay.items()}
        return lay

    def samples(self, cpu, rng, sysregs):
        out, seen = [], set()

        def add(a, kind):
            a &= MASK
            if a not in seen:
                seen.add(a)
                out.append((a, kind))
        runs = info_mem_runs(read(self.path("cpu%d" % cpu, "info_mem.txt")))
        if not runs:
            raise Fail("hart%d: QEMU's info mem lists nothing" % cpu)
        lo, hi = self.lay["ram"][0]
        for va, pa, size, attr in runs:
            # Beyond RAM (the UART, 34-bit addresses): QEMU's x reads a
            # device or invents 0xff bytes; kept out of x.txt.
            kind = ("unbacked" if pa < lo or pa + size > hi else
                    "user" if "u" in attr else "kernel")
            add(va, kind)
            add(va + size - 8, kind)
            for _ in range(min(8, size // 4096)):
                add(va + rng.randrange(size), kind)
            add(va + size, "after-run")
            add(va - 4096, "before-run")
        for a, kind in sorted(REFUSED.items()):
            add(a, kind)
            add(a + 0x123, kind)
        for a in (0, 0x1000, 0x3ff000, 0x7ffff000, 0x80000000, 0xbffff000, 0xff7ff000,
                  0xff800000, 0xffbff000, 0xfffff000, 0xfffffff8):
            add(a, "edge")
        for _ in range(150):
            add(rng.randrange(1 << 32), "random")
        return out

    def input_files(self):
        return inputs(self.name)

    @staticmethod
    def satp_mode(satp):
        return satp >> 31    # rv32 satp.MODE: 1 Sv32

    def x_commands(self, rng, mapped):
        return super().x_commands(rng, [(a, k) for a, k in mapped if k != "unbacked"])

    def verify(self, per):
        checks = {}
        for c in self.cpus:
            with open(self.path("cpu%d" % c, "gva2gpa.tsv")) as f:
                view = [line.rstrip("\n").split("\t") for line in f]
            mapped = {}
            for a, o, k in view:
                mapped.setdefault(k, [0, 0])[0 if o.startswith("gpa:") else 1] += 1
            for k in ("user", "kernel", "unbacked"):
                if not mapped.get(k, [0])[0]:
                    raise Fail("hart%d: no %s address maps in the S-mode view" % (c, k))
            satp = int(per[c]["stopped"]["satp"], 16)
            if not satp >> 31:
                raise Fail("hart%d: satp 0x%x is not Sv32" % (c, satp))
            checks["cpu%d" % c] = "Sv32; mapped/unmapped by kind: %r" % mapped
        self.meta["checks"] = checks


def info_mem_runs(text):
    """QEMU 7.2's riscv32 `info mem` lines: [(va, pa, size, attr)]."""
    out = []
    for line in text.splitlines():
        f = line.split()
        if len(f) == 4 and re.match(r"^[0-9a-f]{8}$", f[0]):
            out.append((int(f[0], 16), int(f[1], 16), int(f[2], 16), f[3]))
    return out


def read(p):
    with open(p, "rb") as f:
        return f.read().decode("utf-8", "replace")


def inputs(config):
    return [os.path.abspath(__file__), os.path.join(HERE, "record_riscv64.py"),
            os.path.join(HERE, "record_aarch64.py"),
            shutil.which("qemu-system-riscv32") or "qemu-system-riscv32"] + \
        [os.path.join(SRC, s) for s in SOURCES]


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CONFIGS))
        return 0
    if len(argv) == 4 and argv[1] == "--is-current":
        ok, why = rv64.is_current(argv[2], argv[3], inputs,
                                  rv64.REQUIRED + ["guest.elf"])
        print(why)
        return 0 if ok else 1
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    try:
        Recorder(argv[1], argv[2]).run()
    except Fail as e:
        log("FAILED %s: %s" % (argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
