#!/usr/bin/env python3
"""record_aarch64.py CONFIG OUTDIR - record QEMU 7.2's truth for an arm64 guest.

One boot of a Debian arm64 kernel + the busybox initramfs (init-aarch64.sh,
which loads qemu_fw_cfg so the guest hands QEMU its VMCOREINFO) under
`qemu-system-aarch64 -M virt -cpu max -smp 2 -m 512M -device vmcoreinfo`
(TCG), stopped at a known point, produces everything:

 1. stop, retrying until one vCPU runs the busy user process at EL0 and the
    other is in the kernel at EL1 (both regimes in one recording), or at
    least one is at EL0; the el2 configuration boots with
    `-M virt,virtualization=on`, where Debian's kernel runs at EL2 with VHE
    (the EL2&0 regime: TTBR0/1_EL2, TCR_EL2, and HCR_EL2.TGE for EL0), and
    its kernel is at EL2 instead of EL1;
 2. per vCPU, as stopped: HMP `info registers`; every register of QEMU's
    gdbstub target description read by number over raw RSP (TTBR0_EL1,
    TTBR1_EL1, TCR_EL1, SCTLR, ...), and the same through a real
    gdb-multiarch (`info registers TTBR0_EL1 ...`, left with `disconnect`:
    GDB's detach would resume the guest);
 3. dump-guest-memory as ELF and as kdump-zlib, and a migration stream
    (`migrate "exec:cat > guest.mig"`), of the guest exactly as stopped;
 4. per vCPU, `gva2gpa` of sampled kernel and user addresses in the regime
    the vCPU was stopped in (gva2gpa_stopped.tsv): QEMU translates with the
    current EL and PSTATE.PAN, so at EL0 kernel addresses are Unmapped and
    at EL1 with PAN user addresses are;
 5. per vCPU, PSTATE set through the gdbstub to EL1h (EL2h for el2) with
    PAN clear (the debugger's view, everything the vCPU's tables map), then
    `gva2gpa` of
    the same addresses (gva2gpa.tsv) and `x` reads (x.txt); `xp` reads of
    physical addresses (xp.txt).

Addresses come from what the guest printed (kallsyms, /proc/modules,
/proc/vmallocinfo, the busy processes' /proc/PID/maps, /proc/iomem) and
from the dump's VMCOREINFO (PHYS_OFFSET, kimage_voffset, VA_BITS, symbols).
Nothing here runs pgstub: the truth is QEMU's. OUTDIR's layout is in
README-aarch64.md. Python 3 standard library only; reuses record.py's QMP
client and record_ppc64.py's raw RSP client.

  record_aarch64.py --list | --is-current CONFIG OUTDIR | CONFIG OUTDIR
"""
import json
import lzma
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from record import QMP, Fail, input_key, sha256  # noqa: E402
from record_ppc64 import RSP  # noqa: E402

CACHE = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
BOOT_TIMEOUT = 240.0
DUMP_TIMEOUT = 600.0
SETTLE = 1.0
STOP_ATTEMPTS = 40

# -cpu max: the only QEMU 7.2 CPU model with a 16K granule (Cortex-A57/A72
# have 4K and 64K only) and with FEAT_LPA2 and E0PD; with E0PD the kernel
# needs no KPTI under KASLR, so TTBR1_EL1 holds swapper_pg_dir at EL0 too.
# pauth-impdef: QEMU's cheap pointer-authentication hash instead of QARMA5,
# which TCG computes slowly (same architecture for the guest).
CONFIGS = {
    # bookworm's arm64 flavour: 4K pages, 48-bit VA, 4 levels.
    "aarch64-virt-4k": dict(kernel="arm64", page=4096),
    # trixie's arm64-16k flavour: 16K pages, 52-bit VA with FEAT_LPA2.
    "aarch64-virt-16k": dict(kernel="arm64-16k", page=16384),
    # bookworm's 4K kernel on a CPU with EL2: a VHE host (kvm loads).
    "aarch64-virt-4k-el2": dict(kernel="arm64", page=4096, el2=True),
}
CPU = "max,pauth-impdef=on"
MEM = "512M"
APPEND = "console=ttyAMA0 panic=-1"

PSTATE_PAN = 1 << 22
PSTATE_M = 0xf
EL1H = 0x5
EL2H = 0x9
# GDB's aarch64 core numbering, which QEMU's gdbstub follows.
REG_CPSR = 33


def rsp_connect(port):
    """record_ppc64's RSP client without Nagle's delay: hundreds of
    one-register round trips otherwise wait for delayed ACKs."""
    r = RSP(port)
    r.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return r


def log(msg):
    sys.stderr.write("record_aarch64: %s\n" % msg)
    sys.stderr.flush()


def el_of(pstate):
    return (pstate >> 2) & 3


def decode_tcr(tcr):
    """The TCR_EL1 fields a stage-1 walk of the EL1&0 regime needs."""
    def f(lo, n):
        return (tcr >> lo) & ((1 << n) - 1)
    tg0 = {0: 4096, 1: 65536, 2: 16384}.get(f(14, 2))
    tg1 = {1: 16384, 2: 4096, 3: 65536}.get(f(30, 2))
    return {"T0SZ": f(0, 6), "T1SZ": f(16, 6), "EPD0": f(7, 1), "EPD1": f(23, 1),
            "TG0": tg0, "TG1": tg1, "A1": f(22, 1), "IPS": f(32, 3), "AS": f(36, 1),
            "TBI0": f(37, 1), "TBI1": f(38, 1), "HA": f(39, 1), "HD": f(40, 1),
            "HPD0": f(41, 1), "HPD1": f(42, 1), "TBID0": f(51, 1), "TBID1": f(52, 1),
            "E0PD0": f(55, 1), "E0PD1": f(56, 1), "DS": f(59, 1),
            "va_bits_ttbr0": 64 - f(0, 6), "va_bits_ttbr1": 64 - f(16, 6)}


def gva2gpa_value(out):
    m = re.match(r"^gpa: (0x[0-9a-f]+|0)\r?\n$", out)
    return int(m.group(1), 16) if m else None


def module_file(kdir, name):
    """Path of module NAME (.ko or .ko.xz) under the kernel's modules tree."""
    for root, _, files in os.walk(os.path.join(kdir, "modules", "kernel")):
        for f in files:
            if f in (name + ".ko", name + ".ko.xz"):
                return os.path.join(root, f)
    raise Fail("module %s not found under %s/modules" % (name, kdir))


def module_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    # busybox insmod hands the kernel the file as it is: decompress here.
    return lzma.decompress(data) if path.endswith(".xz") else data


def module_deps(data):
    m = re.search(rb"(?:^|\0)depends=([^\0]*)", data)
    return [d for d in (m.group(1).decode().split(",") if m else []) if d]


def make_initramfs(flavour, workdir):
    """initramfs/aarch64-FLAVOUR.cpio.gz: busybox, /init, qemu_fw_cfg and its
    dependencies (load order in /lib/modules/load-order)."""
    kdir = os.path.join(CACHE, "kernels", flavour)
    order, seen = [], set()

    def add(name):
        if name in seen:
            return
        seen.add(name)
        data = module_bytes(module_file(kdir, name))
        for dep in module_deps(data):
            add(dep.replace("-", "_"))
        p = os.path.join(workdir, name + ".ko")
        with open(p, "wb") as f:
            f.write(data)
        order.append(name)
    add("qemu_fw_cfg")
    lo = os.path.join(workdir, "load-order")
    with open(lo, "w") as f:
        f.write("".join(n + ".ko\n" for n in order))
    specs = ["dir:lib:755", "dir:lib/modules:755", "chr:dev/ttyAMA0:600:204:64",
             "file:lib/modules/load-order:644:" + lo]
    specs += ["file:lib/modules/%s.ko:644:%s" % (n, os.path.join(workdir, n + ".ko"))
              for n in order]
    subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), "aarch64",
                    os.path.join(HERE, "init-aarch64.sh"), "aarch64-" + flavour] + specs,
                   check=True, stdout=subprocess.DEVNULL)
    return order


class Recorder:
    def __init__(self, config, outdir):
        if config not in CONFIGS:
            raise Fail("unknown config %r (known: %s)" % (config, ", ".join(CONFIGS)))
        self.name = config
        self.cfg = CONFIGS[config]
        # The EL the kernel runs at: 2 on a VHE host.
        self.kernel_el = 2 if self.cfg.get("el2") else 1
        self.outdir = os.path.abspath(outdir)
        self.meta = {"config": config, "complete": False, "timings": {}}
        self.proc = None
        self.qmp = None
        self.hmplog = []

    # ------------------------------------------------------------ helpers
    def path(self, *p):
        return os.path.join(self.outdir, *p)

    def write(self, rel, text):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(text.encode("utf-8", "surrogateescape"))

    def hmp(self, cpu, line):
        t0 = time.monotonic()
        out = self.qmp.hmp(line, cpu=cpu)
        self.hmplog.append({"cpu": cpu, "cmd": line, "out": out,
                            "secs": round(time.monotonic() - t0, 4)})
        return out

    def timed(self, key, fn, *a):
        t0 = time.monotonic()
        r = fn(*a)
        self.meta["timings"][key] = round(time.monotonic() - t0, 3)
        return r

    # ------------------------------------------------------------ boot
    def prepare(self):
        if os.path.isdir(self.outdir):
            shutil.rmtree(self.outdir)
        os.makedirs(self.outdir)
        self.rundir = tempfile.mkdtemp(prefix="pgstub-record-aarch64.")
        self.qmp_path = os.path.join(self.rundir, "qmp.sock")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.gdb_port = s.getsockname()[1]
        s.close()

    def boot(self):
        kdir = os.path.join(CACHE, "kernels", self.cfg["kernel"])
        vmlinuz = os.path.realpath(os.path.join(kdir, "vmlinuz"))
        if not os.path.isfile(vmlinuz):
            raise Fail("missing %s (run fetch-aarch64.sh %s)" % (vmlinuz, self.cfg["kernel"]))
        mods = make_initramfs(self.cfg["kernel"], self.rundir)
        initrd = initrd_path(self.name)
        qemu = shutil.which("qemu-system-aarch64") or "qemu-system-aarch64"
        machine = "virt,virtualization=on" if self.cfg.get("el2") else "virt"
        argv = [qemu, "-accel", "tcg", "-M", machine, "-cpu", CPU, "-smp", "2",
                "-m", MEM, "-display", "none", "-monitor", "none",
                "-serial", "file:" + self.path("serial.log"), "-net", "none",
                "-no-reboot", "-device", "vmcoreinfo",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-gdb", "tcp:127.0.0.1:%d" % self.gdb_port,
                "-kernel", vmlinuz, "-initrd", initrd, "-append", APPEND]
        with open(os.path.join(kdir, "version")) as f:
            pkg, pver, krel = f.read().split()
        self.meta["kernel"] = {"package": pkg, "version": pver, "release": krel,
                               "vmlinuz": vmlinuz, "initrd": initrd, "modules": mods}
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
                raise Fail("QEMU exited (rc %s) before PGSTUB-READY:\n%s"
                           % (self.proc.returncode, self.serial_tail()))
            if time.monotonic() - t0 > BOOT_TIMEOUT:
                raise Fail("no PGSTUB-READY within %.0f s:\n%s" % (BOOT_TIMEOUT, self.serial_tail()))
            with open(self.path("serial.log"), "rb") as f:
                if b"PGSTUB-READY" in f.read():
                    break
            time.sleep(0.1)
        self.meta["timings"]["boot_to_ready"] = round(time.monotonic() - t0, 3)
        log("%s: PGSTUB-READY after %.1f s" % (self.name, self.meta["timings"]["boot_to_ready"]))
        time.sleep(SETTLE)

    def serial_tail(self):
        try:
            with open(self.path("serial.log"), "rb") as f:
                return f.read()[-3000:].decode("utf-8", "replace")
        except OSError:
            return "(no serial.log)"

    def parse_serial(self):
        with open(self.path("serial.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        g = {"kallsyms": [], "modules": [], "iomem": [], "busy": {}, "procs": [],
             "maps": {}, "vmalloc": [], "dmesg": [], "fail": []}
        for line in text.splitlines():
            line = line.rstrip("\r")
            i = line.find("PGSTUB-")
            if i < 0:
                continue
            tag, _, rest = line[i:].partition(" ")
            key = {"PGSTUB-KSYM": "kallsyms", "PGSTUB-MODULE": "modules",
                   "PGSTUB-IOMEM": "iomem", "PGSTUB-PROC": "procs",
                   "PGSTUB-VMALLOC": "vmalloc", "PGSTUB-DMESG": "dmesg",
                   "PGSTUB-VMCOREINFO-FAIL": "fail"}.get(tag)
            if key:
                g[key].append(rest)
            elif tag == "PGSTUB-BUSY":
                m = re.match(r"cpu=(\d+) pid=(\d+)", rest)
                if m:
                    g["busy"][int(m.group(1))] = int(m.group(2))
            elif tag == "PGSTUB-MAPS":
                g["maps"].setdefault(rest.split()[0], []).append(rest.split(" ", 1)[1])
            elif tag in ("PGSTUB-UNAME", "PGSTUB-CMDLINE", "PGSTUB-MELTDOWN",
                         "PGSTUB-READY", "PGSTUB-PAGESIZE", "PGSTUB-VMCOREINFO-NOTE"):
                g[tag[7:].lower().replace("-", "_")] = rest
        if g["fail"]:
            raise Fail("the guest could not give QEMU its VMCOREINFO: %s" % g["fail"])
        self.g = g
        self.meta["guest"] = g
        self.ksyms = {}
        for l in g["kallsyms"]:
            p = l.split()
            if len(p) >= 3:
                self.ksyms.setdefault(p[2], int(p[0], 16))

    # ------------------------------------------------------------ stop
    def pstates(self):
        out = {}
        for c in self.cpus:
            m = re.search(r"PSTATE=([0-9a-f]+)", self.qmp.hmp("info registers", cpu=c))
            out[c] = int(m.group(1), 16)
        return out

    def stop(self):
        self.cpus = [c["cpu-index"] for c in self.qmp.cmd("query-cpus-fast")]
        self.meta["cpus"] = self.cpus
        best = None
        for attempt in range(1, STOP_ATTEMPTS + 1):
            self.qmp.cmd("stop")
            ps = self.pstates()
            els = sorted(el_of(p) for p in ps.values())
            if els == [0, self.kernel_el]:
                best = "mixed"
                break
            if 0 in els and attempt >= STOP_ATTEMPTS // 2:
                best = "el0"
                break
            if attempt == STOP_ATTEMPTS:
                best = "any"
                break
            self.qmp.cmd("cont")
            time.sleep(0.05 + 0.25 * random.random())
        if self.qmp.cmd("query-status").get("running"):
            raise Fail("guest still running after stop")
        self.meta["stop_attempts"] = attempt
        self.meta["stop_kind"] = best
        self.stopped_pstate = ps
        log("%s: stopped after %d attempts: %s" % (
            self.name, attempt, ", ".join("cpu%d EL%d" % (c, el_of(p)) for c, p in sorted(ps.items()))))

    # ------------------------------------------------------------ gdbstub
    def rsp_registers(self):
        """Every register of QEMU's target description, per vCPU, as stopped;
        the XML files are kept in OUTDIR/gdb-target/."""
        r = rsp_connect(self.gdb_port)
        try:
            r.cmd("qSupported:xmlRegisters=aarch64")
            r.cmd("?")
            xml = r.xfer("target.xml")
            self.write("gdb-target/target.xml", xml)
            regs, n = [], 0
            for inc in re.findall(r'<xi:include href="([^"]+)"', xml):
                text = r.xfer(inc)
                self.write("gdb-target/" + inc, text)
                for m in re.finditer(r"<reg ([^>]*)>", text):
                    a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                    if "regnum" in a:
                        n = int(a["regnum"])
                    regs.append((n, a["name"], int(a.get("bitsize", 64))))
                    n += 1
            self.regnums = {name: (num, bits) for num, name, bits in regs}
            tids = []
            t = r.cmd("qfThreadInfo")
            while t.startswith("m"):
                tids += t[1:].split(",")
                t = r.cmd("qsThreadInfo")
            self.tids = tids[:len(self.cpus)]
            out = {}
            for cpu, tid in zip(self.cpus, self.tids):
                if r.cmd("Hg" + tid) != "OK":
                    raise Fail("Hg%s refused" % tid)
                vals = {}
                for num, name, bits in regs:
                    raw = r.cmd("p%x" % num)
                    if raw.startswith("E") or not raw:
                        vals[name] = None
                        continue
                    vals[name] = "0x%x" % int.from_bytes(bytes.fromhex(raw), "little")
                out[cpu] = vals
                self.write("cpu%d/gdbstub_registers.json" % cpu,
                           json.dumps(vals, indent=1, sort_keys=True) + "\n")
            self.meta["gdbstub"] = {"threads": self.tids, "registers": len(regs),
                                    "xml": sorted(os.listdir(self.path("gdb-target")))}
            return out
        finally:
            r.close()   # no D packet: detaching would resume the guest

    def set_view(self):
        """PSTATE := EL1h (EL2h on a VHE host) with PAN clear on every vCPU
        (the debugger's view)."""
        r = rsp_connect(self.gdb_port)
        try:
            r.cmd("qSupported:xmlRegisters=aarch64")
            # QEMU answers p/P only once this connection read target.xml.
            r.xfer("target.xml")
            view = {}
            for cpu, tid in zip(self.cpus, self.tids):
                if r.cmd("Hg" + tid) != "OK":
                    raise Fail("Hg%s refused" % tid)
                old = int.from_bytes(bytes.fromhex(r.cmd("p%x" % REG_CPSR)), "little")
                new = (old & ~(PSTATE_M | PSTATE_PAN)) | (EL2H if self.cfg.get("el2") else EL1H)
                if r.cmd("P%x=%s" % (REG_CPSR, new.to_bytes(4, "little").hex())) != "OK":
                    raise Fail("writing cpsr of thread %s refused" % tid)
                view[cpu] = {"pstate_before": "0x%x" % old, "pstate_after": "0x%x" % new}
            return view
        finally:
            r.close()

    def gdb_info_registers(self):
        """A real GDB's `info registers` of the system registers, per thread,
        ended with `disconnect` (no detach: that would resume the guest)."""
        # QEMU 7.2's names: SCTLR_EL1 is "SCTLR", VBAR_EL1 "VBAR"; no CurrentEL.
        want = ("TTBR0_EL1 TTBR1_EL1 TCR_EL1 SCTLR MAIR_EL1 TPIDR_EL1 SP_EL0 SP_EL1 "
                "VBAR ESR_EL1 FAR_EL1 CONTEXTIDR_EL1 ID_AA64MMFR0_EL1 pc sp cpsr "
                "HCR_EL2 TTBR0_EL2 TTBR1_EL2 TCR_EL2 SCTLR_EL2 MAIR_EL2").split()
        names = " ".join(n for n in want if n in self.regnums)
        argv = [GDB, "-q", "-batch", "-nx", "-ex", "set pagination off",
                "-ex", "set architecture aarch64",
                "-ex", "target remote 127.0.0.1:%d" % self.gdb_port]
        for i, cpu in enumerate(self.cpus):
            argv += ["-ex", "thread %d" % (i + 1), "-ex", "echo @@BEGIN %d\\n" % cpu,
                     "-ex", "info registers " + names, "-ex", "echo @@END\\n"]
        argv += ["-ex", "disconnect"]
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        text = p.stdout.decode("latin-1")
        out = {}
        for cpu in self.cpus:
            m = re.search(r"@@BEGIN %d\n(.*?)@@END\n" % cpu, text, re.S)
            if not m:
                raise Fail("gdb-multiarch printed no registers for cpu%d:\n%s" % (cpu, text[-2000:]))
            self.write("cpu%d/gdb_info_registers.txt" % cpu, m.group(1))
            out[cpu] = {}
            for line in m.group(1).splitlines():
                f = line.split()
                if len(f) >= 2 and f[1].startswith("0x"):
                    out[cpu][f[0]] = f[1]
        self.meta["gdb"] = subprocess.run([GDB, "--version"], capture_output=True,
                                          text=True).stdout.splitlines()[0]
        return out

    # ------------------------------------------------------------ snapshots
    def dumps(self):
        for fmt, fn in (("elf", "dump.elf"), ("kdump-zlib", "dump.kdump")):
            p = self.path(fn)
            t0 = time.monotonic()
            self.qmp.cmd("dump-guest-memory", timeout=DUMP_TIMEOUT, paging=False,
                         protocol="file:" + p, format=fmt)
            st = self.qmp.cmd("query-dump")
            if st.get("status") != "completed":
                raise Fail("dump-guest-memory %s: status %r" % (fmt, st))
            os.chmod(p, 0o644)   # QEMU creates dumps 0400
            dt = time.monotonic() - t0
            self.meta["timings"]["dump_" + fmt] = round(dt, 3)
            self.meta.setdefault("snapshots", {})[fn] = {"format": fmt, "size": os.path.getsize(p)}
            log("%s: %s %d MiB in %.1f s" % (self.name, fn, os.path.getsize(p) >> 20, dt))
        p = self.path("guest.mig")
        t0 = time.monotonic()
        self.qmp.cmd("migrate", uri="exec:cat > %s" % p)
        while True:
            st = self.qmp.cmd("query-migrate")
            if st.get("status") == "completed":
                break
            if st.get("status") == "failed" or time.monotonic() - t0 > 300:
                raise Fail("migration: %r" % st)
            time.sleep(0.05)
        os.chmod(p, 0o644)
        self.meta["timings"]["migrate"] = round(time.monotonic() - t0, 3)
        self.meta["snapshots"]["guest.mig"] = {"format": "migration", "size": os.path.getsize(p)}
        log("%s: guest.mig %d MiB in %.1f s" % (self.name, os.path.getsize(p) >> 20,
                                               self.meta["timings"]["migrate"]))

    def vmcoreinfo(self):
        """The VMCOREINFO note of dump.elf (text and parsed)."""
        with open(self.path("dump.elf"), "rb") as f:
            img = f.read(1 << 20)
        phoff = int.from_bytes(img[32:40], "little")
        phnum = int.from_bytes(img[56:58], "little")
        text = None
        for i in range(phnum):
            ph = img[phoff + 56 * i: phoff + 56 * (i + 1)]
            if int.from_bytes(ph[0:4], "little") != 4:   # PT_NOTE
                continue
            off = int.from_bytes(ph[8:16], "little")
            size = int.from_bytes(ph[32:40], "little")
            with open(self.path("dump.elf"), "rb") as f:
                f.seek(off)
                notes = f.read(size)
            p = 0
            while p + 12 <= len(notes):
                nsz, dsz = (int.from_bytes(notes[p + k:p + k + 4], "little") for k in (0, 4))
                name = notes[p + 12:p + 12 + nsz].rstrip(b"\0")
                d0 = p + 12 + ((nsz + 3) & ~3)
                if name == b"VMCOREINFO":
                    text = notes[d0:d0 + dsz].rstrip(b"\0").decode("latin-1")
                p = d0 + ((dsz + 3) & ~3)
        if not text:
            raise Fail("dump.elf has no VMCOREINFO note (qemu_fw_cfg not loaded?):\n"
                       + self.serial_tail())
        self.meta["vmcoreinfo"] = text
        v = {}
        for line in text.splitlines():
            k, _, val = line.partition("=")
            v[k] = val
        self.vmci = v
        return v

    # ------------------------------------------------------------ samples
    def layout(self):
        v = self.vmci
        num = lambda k, base=10: int(v[k], base)   # noqa: E731
        va_bits = num("NUMBER(VA_BITS)")
        lay = {"va_bits": va_bits, "page_size": num("PAGESIZE"),
               "phys_offset": int(v["NUMBER(PHYS_OFFSET)"], 16) if v["NUMBER(PHYS_OFFSET)"].startswith("0x")
               else num("NUMBER(PHYS_OFFSET)"),
               "kimage_voffset": int(v["NUMBER(kimage_voffset)"], 16),
               "page_offset": (-(1 << va_bits)) & (1 << 64) - 1}
        ram = []
        for l in self.g["iomem"]:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : (.*)", l)
            if m:
                ram.append((int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3)))
        lay["ram"] = [(a, b) for a, b, n in ram if n == "System RAM"]
        lay["kcode"] = [(a, b) for a, b, n in ram if n == "Kernel code"]
        lay["kdata"] = [(a, b) for a, b, n in ram if n == "Kernel data"]
        self.lay = lay
        self.meta["layout"] = {k: (("0x%x" % x) if isinstance(x, int) and k != "va_bits"
                                   and k != "page_size" else x) for k, x in lay.items()}
        return lay

    def samples(self, cpu, rng, sysregs):
        lay = self.lay
        pg = lay["page_size"]
        out, seen = [], set()

        def add(a, kind):
            a &= (1 << 64) - 1
            if a not in seen:
                seen.add(a)
                out.append((a, kind))

        def lin(pa):
            return lay["page_offset"] + pa - lay["phys_offset"]

        def kimg(pa):
            return pa + lay["kimage_voffset"]
        # Kernel image: text, rodata/init, data/bss (VA = PA + kimage_voffset).
        for name, a in sorted(self.ksyms.items()):
            if "[" not in name:
                add(a, "ksym-" + name)
        for k, val in sorted(self.vmci.items()):
            m = re.match(r"SYMBOL\((\w+)\)$", k)
            if m:
                add(int(val, 16), "vmci-" + m.group(1))
        for lo, hi in lay["kcode"]:
            for _ in range(60):
                add(kimg(rng.randrange(lo, hi)), "ktext")
            add(kimg(lo), "ktext")
            add(kimg(hi - 1), "ktext")
        for lo, hi in lay["kdata"]:
            for _ in range(40):
                add(kimg(rng.randrange(lo, hi)), "kdata")
            add(kimg(hi - 1), "kdata")
        # Between "Kernel code" (text and rodata) and "Kernel data" lies the
        # init section, freed and unmapped after boot; it held .data..percpu,
        # whose per-CPU copies are TPIDR_EL1 (a VHE kernel: TPIDR_EL2) away
        # (in the linear map).
        if lay["kcode"] and lay["kdata"]:
            ilo, ihi = lay["kcode"][0][1], lay["kdata"][0][0]
            tpidr = int(sysregs.get("TPIDR_EL2" if self.cfg.get("el2") else "TPIDR_EL1")
                        or "0", 16)
            for _ in range(20):
                off = rng.randrange(ilo, ihi)
                add(kimg(off), "kinit")
                if tpidr:
                    add(kimg(off) + tpidr, "percpu-span")
        # Linear map: RAM through PAGE_OFFSET + (PA - PHYS_OFFSET).
        for lo, hi in lay["ram"]:
            add(lin(lo), "linear")
            add(lin(hi - 8), "linear")
            for step in (2 << 20, 1 << 30):
                for b in range(lo - lo % step + step, hi, step):
                    add(lin(b), "linear")
                    add(lin(b) - 8, "linear")
            for _ in range(200):
                add(lin(rng.randrange(lo, hi)), "linear")
            for _ in range(10):
                add(lin(hi + rng.randrange(1 << 30)), "linear-past-ram")
            # The kernel image's alias in the linear map.
            for klo, khi in lay["kcode"]:
                for _ in range(10):
                    add(lin(rng.randrange(klo, khi)), "linear-kimage")
        # vmemmap: struct pages (64 bytes each); VMCOREINFO says where the
        # array starts (NUMBER(VMEMMAP_START)), else 6.1's formula.
        shift = pg.bit_length() - 1
        vmemmap = (-(1 << (lay["va_bits"] - (shift - 6)))) & (1 << 64) - 1
        if "NUMBER(VMEMMAP_START)" in self.vmci:
            vmemmap = int(self.vmci["NUMBER(VMEMMAP_START)"], 16)
        for lo, hi in lay["ram"]:
            n = (hi - lo) >> shift
            for _ in range(30):
                add(vmemmap + ((lo - lay["phys_offset"]) >> shift) * 64 + rng.randrange(n * 64),
                    "vmemmap")
        # Modules.
        for l in self.g["modules"]:
            m = re.match(r"(\S+) (\d+) .* (0x[0-9a-f]+)$", l)
            if m:
                base, size = int(m.group(3), 16), int(m.group(2))
                add(base, "module")
                for _ in range(20):
                    add(base + rng.randrange(size), "module")
        for l in self.g["kallsyms"]:
            p = l.split()
            if len(p) >= 4:
                add(int(p[0], 16), "module-sym")
        # vmalloc: stacks, BPF, per-CPU chunks, ioremap (no x reads there),
        # and each area's trailing guard page.
        for l in self.g["vmalloc"]:
            m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+) (\S+)", l)
            if not m:
                continue
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            if not lo >> 63 or hi <= lo:
                continue
            who = m.group(4)
            kind = ("ioremap" if "ioremap" in l or "phys=" in l else
                    "vmalloc-stack" if re.match(r"(kernel_clone|fork_idle|dup_task|copy_process)", who) else
                    "percpu" if "pcpu" in who else "vmalloc")
            add(lo, kind)
            for _ in range(3):
                add(lo + rng.randrange(hi - lo - pg if hi - lo > pg else 1), kind)
            add(hi - 8, "vmalloc-guard")
        # Stacks the vCPUs use.
        for k in ("sp", "SP_EL1", "SP_EL2"):
            v = sysregs.get(k)
            if v and int(v, 16) >> 63:
                add(int(v, 16) - 16, "stack-" + k)
        # User: the busy process of this vCPU, its TBI-tagged aliases, and the
        # first maps of the others (same busybox text, so mapped here too).
        pid = self.g["busy"].get(cpu)
        maps = [(str(pid), l) for l in self.g["maps"].get(str(pid), [])]
        for p2, ls in sorted(self.g["maps"].items()):
            if p2 != str(pid):
                maps += [(p2, l) for l in ls[:2]]
        users = []
        for p2, l in maps:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)(?:\s+\S+){3}\s*(\S*)", l)
            if not m:
                continue
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            tag = m.group(4).strip("[]") or "anon"
            kind = "user-" + re.sub(r"[^a-z]", "", tag.split("/")[-1])[:8] if p2 == str(pid) else "user-other"
            add(lo, kind)
            add(hi - 8, kind)
            for _ in range(min(20, max(3, (hi - lo) // pg))):
                a = lo + rng.randrange(hi - lo)
                add(a, kind)
                users.append(a)
            if p2 == str(pid):
                add(hi + pg * 16, "user-hole")
        for a in rng.sample(users, min(len(users), 12)):
            add(a | (rng.randrange(1, 256) << 56), "user-tagged")
        # Unmapped or outside either half.
        for a in (0, 0x1000, 0x10000, (1 << lay["va_bits"]) - pg,
                  1 << 48, 1 << 52, 0x00ff000000000000, 0x8000000000000000,
                  0x7fffffffffff0000, lay["page_offset"] - pg,
                  (-(1 << 48)) & (1 << 64) - 1, (-pg) & (1 << 64) - 1):
            add(a, "edge")
        return out

    # ------------------------------------------------------------ record
    def translate_all(self, cpu, smp, fn):
        rows = []
        for a, kind in smp:
            out = self.hmp(cpu, "gva2gpa 0x%x" % a)
            rows.append("0x%x\t%s\t%s\n" % (a, out.rstrip("\r\n"), kind))
        self.write("cpu%d/%s" % (cpu, fn), "".join(rows))
        return rows

    def x_commands(self, rng, mapped):
        cats = {}
        for a, kind in mapped:
            if kind in ("ioremap", "edge"):
                continue
            cats.setdefault(kind.split("-")[0] if kind.startswith("ksym") or
                            kind.startswith("vmci") else kind, []).append(a)
        cmds = []
        pg = self.lay["page_size"]
        for k in sorted(cats):
            pool = cats[k]
            for a in rng.sample(pool, min(len(pool), 6)):
                cmds.append("x /4gx 0x%x" % (a & ~7))
            for a in rng.sample(pool, min(len(pool), 2)):
                cmds.append("x /8bx 0x%x" % a)
            for a in rng.sample(pool, min(len(pool), 2)):
                cmds.append("x /4wx 0x%x" % (a & ~3))
            for a in rng.sample(pool, min(len(pool), 2)):
                cmds.append("x /2gx 0x%x" % ((a | (pg - 1)) - 7))   # crosses a page
        return cmds

    def record_xp(self):
        lay = self.lay
        rng = random.Random(self.name + "/xp")
        addrs = []
        for lo, hi in lay["ram"]:
            addrs += [lo, hi - 16, hi - 8, hi] + [rng.randrange(lo, hi) & ~7 for _ in range(10)]
        for lo, hi in lay["kcode"] + lay["kdata"]:
            addrs.append(lo)
        parts = []
        for a in addrs:
            c = "xp /2gx 0x%x" % a
            parts.append("### %s\n%s" % (c, self.hmp(self.cpus[0], c)))
        self.write("xp.txt", "".join(parts))

    def run(self):
        t_all = time.monotonic()
        self.prepare()
        try:
            self.boot()
            self.parse_serial()
            self.timed("stop", self.stop)
            t0 = time.monotonic()
            per = {c: {} for c in self.cpus}
            for c in self.cpus:
                txt = self.hmp(c, "info registers")
                self.write("cpu%d/info_registers.txt" % c, txt)
            rsp = self.rsp_registers()
            gdbregs = self.gdb_info_registers()
            self.meta["timings"]["registers"] = round(time.monotonic() - t0, 3)
            for c in self.cpus:
                r = rsp[c]
                ps = int(r["cpsr"], 16)
                # The VHE host's kernel and (TGE) processes use the _EL2
                # registers, TCR_EL2 laid out as TCR_EL1 (E2H).
                el2 = self.cfg.get("el2")
                tcr = int(r["TCR_EL2" if el2 else "TCR_EL1"], 16)
                dec = decode_tcr(tcr)
                sctlr = int(r["SCTLR_EL2" if el2 else "SCTLR"], 16)
                if el2 and (int(r["HCR_EL2"], 16) >> 34 & 1) != 1:
                    raise Fail("cpu%d: HCR_EL2.E2H clear: not a VHE host" % c)
                per[c]["stopped"] = {
                    "pc": r["pc"], "pstate": r["cpsr"], "el": el_of(ps),
                    "spsel": ps & 1, "pan": bool(ps & PSTATE_PAN),
                    "regime": "%s stage 1 at EL%d%s" % ("EL2&0" if el2 else "EL1&0", el_of(ps),
                                                        ", PAN" if ps & PSTATE_PAN else "")}
                per[c]["sysregs"] = {k: r.get(k) for k in (
                    "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "SCTLR", "MAIR_EL1", "TPIDR_EL1",
                    "SP_EL0", "SP_EL1", "VBAR", "ID_AA64MMFR0_EL1", "ID_AA64MMFR1_EL1",
                    "ID_AA64MMFR2_EL1", "HCR_EL2", "TTBR0_EL2", "TTBR1_EL2", "TCR_EL2",
                    "SCTLR_EL2", "MAIR_EL2")}
                per[c]["tcr"] = dec
                per[c]["sctlr_m"] = sctlr & 1
                per[c]["sctlr_wxn"] = (sctlr >> 19) & 1
                per[c]["sctlr_span"] = (sctlr >> 23) & 1
                bad = [k for k, v in gdbregs[c].items()
                       if k in r and int(v, 16) != int(r[k], 16)]
                if bad:
                    raise Fail("cpu%d: gdb-multiarch and raw RSP disagree on %s" % (c, bad))
                per[c]["gdb_info_registers"] = gdbregs[c]
                if not sctlr & 1:
                    raise Fail("cpu%d: SCTLR.M clear: stage 1 off" % c)
                if dec["TG1"] != self.cfg["page"]:
                    raise Fail("cpu%d: TCR.TG1 is %s, config wants %d" % (c, dec["TG1"], self.cfg["page"]))
            self.timed("snapshots", self.dumps)
            self.vmcoreinfo()
            self.layout()
            if self.lay["page_size"] != self.cfg["page"]:
                raise Fail("VMCOREINFO PAGESIZE %d" % self.lay["page_size"])
            t0 = time.monotonic()
            smps = {}
            for c in self.cpus:
                rng = random.Random("%s/cpu%d" % (self.name, c))
                smps[c] = self.samples(c, rng, rsp[c])
                rows = self.translate_all(c, smps[c], "gva2gpa_stopped.tsv")
                per[c]["stopped"]["gva2gpa_mapped"] = sum(1 for r in rows if "\tgpa: " in r)
                per[c]["stopped"]["gva2gpa_samples"] = len(rows)
            view = self.set_view()
            for c in self.cpus:
                per[c]["view"] = view[c]
                self.write("cpu%d/info_registers_view.txt" % c, self.hmp(c, "info registers"))
                rng = random.Random("%s/cpu%d/view" % (self.name, c))
                rows = self.translate_all(c, smps[c], "gva2gpa.tsv")
                mapped = [(int(r.split("\t")[0], 16), r.rstrip("\n").split("\t")[2])
                          for r in rows if "\tgpa: " in r]
                kinds = {}
                for r in rows:
                    a, line, kind = r.rstrip("\n").split("\t")
                    st = kinds.setdefault(kind, [0, 0])
                    st[0 if line.startswith("gpa:") else 1] += 1
                per[c]["view"].update({"gva2gpa_samples": len(rows), "gva2gpa_mapped": len(mapped),
                                       "kinds_mapped_unmapped": kinds})
                cmds = self.x_commands(rng, mapped)
                parts = ["### %s\n%s" % (x, self.hmp(c, x)) for x in cmds]
                self.write("cpu%d/x.txt" % c, "".join(parts))
                per[c]["view"]["x_commands"] = len(cmds)
                log("%s: cpu%d: stopped at EL%d: %d/%d mapped; kernel view: %d/%d mapped, %d x" % (
                    self.name, c, per[c]["stopped"]["el"], per[c]["stopped"]["gva2gpa_mapped"],
                    len(rows), len(mapped), len(rows), len(cmds)))
            self.record_xp()
            self.meta["timings"]["translations"] = round(time.monotonic() - t0, 3)
            self.verify(per)
            self.meta["per_cpu"] = {"cpu%d" % c: per[c] for c in self.cpus}
            with open(self.path("hmp.jsonl"), "w") as f:
                for e in self.hmplog:
                    f.write(json.dumps(e) + "\n")
        finally:
            self.quit()
        self.meta["timings"]["total"] = round(time.monotonic() - t_all, 3)
        self.meta["inputs"] = {input_key(i): sha256(i) for i in inputs(self.name)}
        self.meta["complete"] = True
        self.meta["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(self.path("meta.json.tmp"), "w") as f:
            json.dump(self.meta, f, indent=1, sort_keys=True)
            f.write("\n")
        os.rename(self.path("meta.json.tmp"), self.path("meta.json"))
        log("%s: complete in %.1f s" % (self.name, self.meta["timings"]["total"]))

    def verify(self, per):
        """Fail loudly when the recording cannot be the truth it claims."""
        checks = {}
        for c in self.cpus:
            rows = {}
            with open(self.path("cpu%d" % c, "gva2gpa.tsv")) as f:
                for line in f:
                    a, out, kind = line.rstrip("\n").split("\t")
                    rows.setdefault(kind, []).append(out)
            need = ["ktext", "kdata", "linear", "module", "vmalloc-stack", "user-busybox"]
            for k in need:
                if not any(o.startswith("gpa:") for o in rows.get(k, [])):
                    raise Fail("cpu%d: no %s address maps in the EL1 view" % (c, k))
            if any(o.startswith("gpa:") for o in rows.get("edge", [])[:1]):
                raise Fail("cpu%d: address 0 maps" % c)
            el = per[c]["stopped"]["el"]
            with open(self.path("cpu%d" % c, "gva2gpa_stopped.tsv")) as f:
                st = [line.rstrip("\n").split("\t") for line in f]
            with open(self.path("cpu%d" % c, "gva2gpa.tsv")) as f:
                view = [line.rstrip("\n").split("\t")[1] for line in f]
            # The regime as stopped sees one half exactly as the EL1 view
            # does and nothing of the other: EL0 no kernel page, EL1 with
            # PAN no user page.
            pan = per[c]["stopped"]["pan"]
            for (a, o, k), v in zip(st, view):
                kern = int(a, 16) >> 55 & 1
                hidden = (el == 0 and kern) or (el == self.kernel_el and pan and not kern)
                if (o.startswith("gpa:") if hidden else o != v):
                    raise Fail("cpu%d at EL%d%s: %s (%s) is %r as stopped, %r in the EL1 view"
                               % (c, el, " PAN" if pan else "", a, k, o, v))
            checks["cpu%d" % c] = ("EL%d%s as stopped: the %s half as in the EL1 view, the other "
                                   "unmapped; %d kinds mapped in the EL1 view"
                                   % (el, " PAN" if pan else "", "user" if el == 0 else "kernel",
                                      len(need)))
        self.meta["checks"] = checks

    def quit(self):
        if self.qmp:
            try:
                self.qmp.cmd("quit", timeout=10)
            except Exception:
                pass
            self.qmp.close()
            self.qmp = None
        if self.proc:
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        shutil.rmtree(getattr(self, "rundir", "/nonexistent"), ignore_errors=True)


def initrd_path(config):
    return os.path.join(CACHE, "initramfs", "aarch64-%s.cpio.gz" % CONFIGS[config]["kernel"])


def inputs(config):
    flav = CONFIGS[config]["kernel"]
    return [os.path.abspath(__file__), os.path.join(HERE, "init-aarch64.sh"),
            shutil.which("qemu-system-aarch64") or "qemu-system-aarch64",
            os.path.realpath(os.path.join(CACHE, "kernels", flav, "vmlinuz"))]


REQUIRED = ["meta.json", "serial.log", "hmp.jsonl", "xp.txt", "dump.elf", "dump.kdump",
            "guest.mig", "gdb-target/target.xml"]
REQUIRED_CPU = ["info_registers.txt", "info_registers_view.txt", "gdbstub_registers.json",
                "gdb_info_registers.txt", "gva2gpa_stopped.tsv", "gva2gpa.tsv", "x.txt"]


def is_current(config, outdir):
    mp = os.path.join(outdir, "meta.json")
    try:
        with open(mp) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False, "no meta.json"
    if not meta.get("complete") or meta.get("config") != config:
        return False, "incomplete"
    for r in REQUIRED + ["cpu%d/%s" % (c, r) for c in meta.get("cpus", []) for r in REQUIRED_CPU]:
        if not os.path.isfile(os.path.join(outdir, r)):
            return False, "missing " + r
    mt = os.path.getmtime(mp)
    for i in inputs(config):
        if not os.path.exists(i):
            return False, "input missing: " + i
        if os.path.getmtime(i) > mt and meta.get("inputs", {}).get(input_key(i)) != sha256(i):
            return False, "input changed: " + i
    return True, "current"


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CONFIGS))
        return 0
    if len(argv) == 4 and argv[1] == "--is-current":
        ok, why = is_current(argv[2], argv[3])
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
