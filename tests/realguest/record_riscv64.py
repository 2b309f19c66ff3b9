#!/usr/bin/env python3
"""record_riscv64.py CONFIG OUTDIR - record QEMU 7.2's truth for a riscv64 guest.

One boot of Debian trixie's riscv64 kernel + the busybox initramfs
(init-riscv64.sh, fetch-riscv64.sh) under
`qemu-system-riscv64 -M virt -smp 2 -m 512M -bios OpenSBI's fw_dynamic.bin`
(TCG), stopped at a known point, produces everything:

 1. stop, retrying until both harts run their busy user process in U-mode
    (or at least one does; never a hart in M-mode, where QEMU does not
    translate); the privilege is the gdbstub's "priv" register;
 2. per hart, as stopped: HMP `info registers`; HMP `info mem` verbatim
    (info_mem.txt); every register of QEMU's gdbstub target description
    by number over raw RSP (satp, sstatus, mstatus, priv, ...), and the same
    through a real gdb-multiarch, left with `disconnect`;
 3. dump-guest-memory as ELF and as kdump-zlib, and a migration stream
    (`migrate "exec:cat > guest.mig"`), of the guest exactly as stopped;
 4. per hart, `gva2gpa` of sampled kernel and user addresses at the
    privilege and SUM the hart was stopped with (gva2gpa_stopped.tsv): in
    U-mode kernel pages (no U bit) are Unmapped, in S-mode without SUM user
    pages are;
 5. per hart, priv set through the gdbstub to S and sstatus.SUM set (the
    debugger's view: every page satp maps that a load may read), then
    `gva2gpa` of the same addresses (gva2gpa.tsv) and `x` reads (x.txt);
    `xp` reads of physical addresses (xp.txt).

Addresses come from what the guest printed (kallsyms, /proc/vmallocinfo,
the busy processes' /proc/PID/maps, /proc/iomem) and from QEMU's own
`info mem` (where the linear map starts). QEMU 7.2's virt machine refuses
-device vmcoreinfo, so the dumps hold no VMCOREINFO. Nothing here runs
pgstub: the truth is QEMU's. Reuses record_aarch64.py's recorder (QMP,
RSP, dumps, x and xp sampling). OUTDIR's layout is in README-riscv64.md.

  record_riscv64.py --list | --is-current CONFIG OUTDIR | CONFIG OUTDIR
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
from record import QMP, Fail, input_key, sha256  # noqa: E402
import record_aarch64 as a64  # noqa: E402
from record_aarch64 import rsp_connect  # noqa: E402

CACHE = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
BOOT_TIMEOUT = 600.0
STOP_ATTEMPTS = 40
MEM = "512M"
APPEND = "console=ttyS0 panic=-1"

# satp.MODE the kernel picks: QEMU 7.2's rv64 CPU offers Sv57, and Linux
# takes the largest; no5lvl and no4lvl on its command line step down.
CONFIGS = {
    "riscv64-sv57": dict(extra="", mode=10, name="sv57", va_bits=57,
                         page_offset=0xff60000000000000),
    "riscv64-sv48": dict(extra="no5lvl", mode=9, name="sv48", va_bits=48,
                         page_offset=0xffffaf8000000000),
    "riscv64-sv39": dict(extra="no4lvl", mode=8, name="sv39", va_bits=39,
                         page_offset=0xffffffd600000000),
}

PRIV_NAMES = {0: "U", 1: "S", 3: "M"}
SSTATUS_SUM = 1 << 18
SSTATUS_MXR = 1 << 19
MASK = (1 << 64) - 1


def log(msg):
    sys.stderr.write("record_riscv64: %s\n" % msg)
    sys.stderr.flush()


class Recorder(a64.Recorder):
    gdb_arch = "riscv:rv64"     # record_riscv32.py's harts: riscv:rv32

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

    # ------------------------------------------------------------ boot
    def boot(self):
        kdir = os.path.join(CACHE, "kernels", "riscv64")
        image = os.path.realpath(os.path.join(kdir, "Image"))
        initrd = os.path.join(CACHE, "initramfs", "riscv64.cpio.gz")
        for f in (image, initrd, FIRMWARE):
            if not os.path.isfile(f):
                raise Fail("missing %s (run scripts/setup-deps and fetch-riscv64.sh)" % f)
        qemu = shutil.which("qemu-system-riscv64") or "qemu-system-riscv64"
        append = (APPEND + " " + self.cfg["extra"]).strip()
        argv = [qemu, "-accel", "tcg", "-M", "virt", "-smp", "2", "-m", MEM,
                "-bios", FIRMWARE, "-display", "none", "-monitor", "none",
                "-serial", "file:" + self.path("serial.log"), "-net", "none",
                "-no-reboot", "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-gdb", "tcp:127.0.0.1:%d" % self.gdb_port,
                "-kernel", image, "-initrd", initrd, "-append", append]
        with open(os.path.join(kdir, "version")) as f:
            pkg, pver, krel = f.read().split()
        self.meta["kernel"] = {"package": pkg, "version": pver, "release": krel,
                               "image": image, "initrd": initrd, "append": append}
        self.meta["firmware"] = FIRMWARE
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
            time.sleep(0.2)
        self.meta["timings"]["boot_to_ready"] = round(time.monotonic() - t0, 3)
        log("%s: PGSTUB-READY after %.1f s" % (self.name, self.meta["timings"]["boot_to_ready"]))
        time.sleep(a64.SETTLE)

    def parse_serial(self):
        super().parse_serial()
        with open(self.path("serial.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        m = re.search(r"PGSTUB-MMU mmu\s*:\s*(\S+)", text)
        self.g["mmu"] = m.group(1) if m else None
        if self.g["mmu"] != self.cfg["name"]:
            raise Fail("the kernel runs %s, config %s wants %s"
                       % (self.g["mmu"], self.name, self.cfg["name"]))

    # ------------------------------------------------------------ gdbstub
    def regnums_from(self, r):
        """Register numbers and sizes from QEMU's target description (its
        CSR feature numbers each CSR regnum = base + CSR number)."""
        xml = r.xfer("target.xml")
        regs, n = {}, 0
        for inc in re.findall(r'<xi:include href="([^"]+)"', xml):
            for m in re.finditer(r"<reg ([^>]*)>", r.xfer(inc)):
                a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                if "regnum" in a:
                    n = int(a["regnum"])
                regs[a["name"]] = (n, int(a.get("bitsize", 64)))
                n += 1
        return regs

    def threads(self, r):
        tids = []
        t = r.cmd("qfThreadInfo")
        while t.startswith("m"):
            tids += t[1:].split(",")
            t = r.cmd("qsThreadInfo")
        return tids

    def read_reg(self, r, regs, name):
        raw = r.cmd("p%x" % regs[name][0])
        if not raw or raw.startswith("E"):
            raise Fail("gdbstub refused to read %s: %r" % (name, raw))
        return int.from_bytes(bytes.fromhex(raw), "little")

    def privs(self):
        """Each hart's privilege and satp, through the gdbstub (QEMU's
        `info registers` does not print the privilege)."""
        r = rsp_connect(self.gdb_port)
        try:
            r.cmd("qSupported:xmlRegisters=riscv")
            regs = self.regnums_from(r)
            out = {}
            for cpu, tid in zip(self.cpus, self.threads(r)):
                if r.cmd("Hg" + tid) != "OK":
                    raise Fail("Hg%s refused" % tid)
                out[cpu] = (self.read_reg(r, regs, "priv"), self.read_reg(r, regs, "satp"))
            return out
        finally:
            r.close()   # no D packet: detaching would resume the guest

    def stop(self):
        self.cpus = [c["cpu-index"] for c in self.qmp.cmd("query-cpus-fast")]
        self.meta["cpus"] = self.cpus
        best = None
        for attempt in range(1, STOP_ATTEMPTS + 1):
            self.qmp.cmd("stop")
            ps = self.privs()
            pr = sorted(p for p, _ in ps.values())
            if 3 not in pr:
                if pr == [0, 0]:
                    best = "both-user"
                    break
                if 0 in pr and attempt >= STOP_ATTEMPTS // 2:
                    best = "one-user"
                    break
                if attempt == STOP_ATTEMPTS:
                    best = "kernel"
                    break
            elif attempt == STOP_ATTEMPTS:
                raise Fail("a hart was in M-mode at every one of %d stops" % attempt)
            self.qmp.cmd("cont")
            time.sleep(0.05 + 0.25 * random.random())
        if self.qmp.cmd("query-status").get("running"):
            raise Fail("guest still running after stop")
        self.meta["stop_attempts"] = attempt
        self.meta["stop_kind"] = best
        log("%s: stopped after %d attempts: %s" % (
            self.name, attempt, ", ".join("hart%d %s-mode satp %x" % (c, PRIV_NAMES[p], s)
                                          for c, (p, s) in sorted(ps.items()))))

    def rsp_registers(self):
        out = super().rsp_registers()
        for c, vals in out.items():
            for k in ("priv", "satp", "sstatus", "mstatus", "pc"):
                if vals.get(k) is None:
                    raise Fail("hart%d: QEMU's gdbstub gave no %s" % (c, k))
        return out

    def set_view(self):
        """priv := S and sstatus.SUM := 1 on every hart (the debugger's
        view: loads from U pages allowed)."""
        r = rsp_connect(self.gdb_port)
        try:
            r.cmd("qSupported:xmlRegisters=riscv")
            regs = self.regnums_from(r)
            view = {}
            for cpu, tid in zip(self.cpus, self.tids):
                if r.cmd("Hg" + tid) != "OK":
                    raise Fail("Hg%s refused" % tid)
                priv = self.read_reg(r, regs, "priv")
                sst = self.read_reg(r, regs, "sstatus")
                for name, val in (("priv", 1), ("sstatus", sst | SSTATUS_SUM)):
                    n, bits = regs[name]
                    if r.cmd("P%x=%s" % (n, val.to_bytes(bits // 8, "little").hex())) != "OK":
                        raise Fail("writing %s of thread %s refused" % (name, tid))
                got = (self.read_reg(r, regs, "priv"), self.read_reg(r, regs, "sstatus"))
                if got[0] != 1 or not got[1] & SSTATUS_SUM:
                    raise Fail("hart%d: priv/sstatus read back as %r" % (cpu, got))
                view[cpu] = {"priv_before": PRIV_NAMES.get(priv, priv), "priv": "S",
                             "sstatus_before": "0x%x" % sst, "sstatus": "0x%x" % got[1],
                             "sum": 1, "mxr": int(bool(got[1] & SSTATUS_MXR))}
            return view
        finally:
            r.close()

    def gdb_info_registers(self):
        """A real GDB's `info registers` of pc, priv and the CSRs, per
        thread, ended with `disconnect`."""
        want = ("pc sp ra priv satp sstatus mstatus stvec sscratch sepc scause stval "
                "mepc mcause mtvec medeleg mideleg").split()
        names = " ".join(n for n in want if n in self.regnums)
        argv = [GDB, "-q", "-batch", "-nx", "-ex", "set pagination off",
                "-ex", "set architecture " + self.gdb_arch,
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
                raise Fail("gdb-multiarch printed no registers for hart%d:\n%s" % (cpu, text[-2000:]))
            self.write("cpu%d/gdb_info_registers.txt" % cpu, m.group(1))
            out[cpu] = {}
            for line in m.group(1).splitlines():
                f = line.split()
                if len(f) >= 2 and f[1].startswith("0x"):
                    out[cpu][f[0]] = f[1]
        self.meta["gdb"] = subprocess.run([GDB, "--version"], capture_output=True,
                                          text=True).stdout.splitlines()[0]
        return out

    # ------------------------------------------------------------ samples
    def layout(self, info_mem):
        """The kernel image's offset from kallsyms and /proc/iomem, the
        linear map's from QEMU's own `info mem` (its row at PAGE_OFFSET)."""
        lay = {"va_bits": self.cfg["va_bits"], "page_size": 4096,
               "page_offset": self.cfg["page_offset"]}
        ram = []
        for l in self.g["iomem"]:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : (.*)", l)
            if m:
                ram.append((int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3)))
        lay["ram"] = [(a, b) for a, b, n in ram if n == "System RAM"]
        lay["kcode"] = [(a, b) for a, b, n in ram if n == "Kernel code"]
        lay["kdata"] = [(a, b) for a, b, n in ram if n in ("Kernel rodata", "Kernel data",
                                                            "Kernel bss")]
        if not lay["ram"] or not lay["kcode"]:
            raise Fail("no System RAM / Kernel code in the guest's /proc/iomem")
        lay["kimage_voffset"] = (self.ksyms["_stext"] - lay["kcode"][0][0]) & MASK
        lin = None
        for line in info_mem.splitlines():
            f = line.split()
            if len(f) == 4 and re.match(r"^[0-9a-f]{16}$", f[0]):
                va, pa = int(f[0], 16), int(f[1], 16)
                if va >= lay["page_offset"] and va < lay["page_offset"] + (1 << 40):
                    lin = (va - pa) & MASK
                    break
        if lin is None:
            raise Fail("QEMU's info mem has no row at PAGE_OFFSET 0x%x" % lay["page_offset"])
        lay["va_pa_offset"] = lin
        self.lay = lay
        self.meta["layout"] = {k: (("0x%x" % x) if isinstance(x, int) and k not in
                                   ("va_bits", "page_size") else x) for k, x in lay.items()}
        return lay

    def samples(self, cpu, rng, sysregs):
        lay = self.lay
        pg = 4096
        out, seen = [], set()

        def add(a, kind):
            a &= MASK
            if a not in seen:
                seen.add(a)
                out.append((a, kind))

        def lin(pa):
            return pa + lay["va_pa_offset"]

        def kimg(pa):
            return pa + lay["kimage_voffset"]
        for name, a in sorted(self.ksyms.items()):
            add(a, "ksym-" + name)
        for lo, hi in lay["kcode"]:
            for _ in range(60):
                add(kimg(rng.randrange(lo, hi)), "ktext")
            add(kimg(lo), "ktext")
            add(kimg(hi - 1), "ktext")
        for lo, hi in lay["kdata"]:
            for _ in range(20):
                add(kimg(rng.randrange(lo, hi)), "kdata")
            add(kimg(hi - 1), "kdata")
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
            for klo, khi in lay["kcode"]:
                for _ in range(10):
                    add(lin(rng.randrange(klo, khi)), "linear-kimage")
        for l in self.g["vmalloc"]:
            m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+) (\S+)", l)
            if not m:
                continue
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            if not lo >> 63 or hi <= lo:
                continue
            who = m.group(4)
            kind = ("ioremap" if "ioremap" in l or "phys=" in l else
                    "vmalloc-stack" if re.match(r"(kernel_clone|fork_idle|dup_task|copy_process|"
                                                r"alloc_thread_stack|scs_alloc)", who) else
                    "percpu" if "pcpu" in who else "vmalloc")
            add(lo, kind)
            for _ in range(3):
                add(lo + rng.randrange(hi - lo - pg if hi - lo > pg else 1), kind)
            add(hi - 8, "vmalloc-guard")
        for k in ("sscratch", "sp", "tp"):
            v = sysregs.get(k)
            if v and int(v, 16) >> 63:
                add(int(v, 16) - 16, "reg-" + k)
        # User: the busy process of this hart, then the first maps of the
        # others (the same busybox text, so mapped here too).
        pid = self.g["busy"].get(cpu)
        maps = [(str(pid), l) for l in self.g["maps"].get(str(pid), [])]
        for p2, ls in sorted(self.g["maps"].items()):
            if p2 != str(pid):
                maps += [(p2, l) for l in ls[:2]]
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
                add(lo + rng.randrange(hi - lo), kind)
            if p2 == str(pid):
                add(hi + pg * 16, "user-hole")
        vb = lay["va_bits"]
        for a in (0, 0x1000, 0x10000, (1 << (vb - 1)) - pg, 1 << (vb - 1),
                  1 << 38, 1 << 47, 1 << 56, 0x8000000000000000,
                  (-(1 << (vb - 1))) & MASK, ((-(1 << (vb - 1))) & MASK) - pg,
                  lay["page_offset"] - pg, (-pg) & MASK):
            add(a, "edge")
        return out

    # ------------------------------------------------------------ record
    def run(self):
        t_all = time.monotonic()
        self.prepare()
        try:
            self.boot()
            self.parse_serial()
            self.timed("stop", self.stop)
            t0 = time.monotonic()
            per = {c: {} for c in self.cpus}
            mems = {}
            for c in self.cpus:
                self.write("cpu%d/info_registers.txt" % c, self.hmp(c, "info registers"))
                t1 = time.monotonic()
                mems[c] = self.qmp.hmp("info mem", cpu=c, timeout=600)
                per[c]["info_mem_secs"] = round(time.monotonic() - t1, 3)
                self.write("cpu%d/info_mem.txt" % c, mems[c])
            rsp = self.rsp_registers()
            gdbregs = self.gdb_info_registers()
            self.meta["timings"]["registers"] = round(time.monotonic() - t0, 3)
            for c in self.cpus:
                r = rsp[c]
                satp, priv = int(r["satp"], 16), int(r["priv"], 16)
                sst = int(r["sstatus"], 16)
                per[c]["stopped"] = {
                    "pc": r["pc"], "priv": PRIV_NAMES.get(priv, priv), "satp": r["satp"],
                    "sstatus": r["sstatus"], "mstatus": r["mstatus"],
                    "sum": int(bool(sst & SSTATUS_SUM)), "mxr": int(bool(sst & SSTATUS_MXR)),
                    "regime": "%s-mode, SUM %d, MXR %d" % (PRIV_NAMES.get(priv, priv),
                                                          bool(sst & SSTATUS_SUM),
                                                          bool(sst & SSTATUS_MXR))}
                per[c]["csrs"] = {k: r.get(k) for k in (
                    "satp", "sstatus", "mstatus", "stvec", "sscratch", "sepc", "scause",
                    "stval", "sie", "sip", "mepc", "mcause", "mtvec", "medeleg", "mideleg",
                    "misa", "mhartid")}
                bad = [k for k, v in gdbregs[c].items()
                       if k in r and r[k] is not None and int(v, 16) != int(r[k], 16)]
                if bad:
                    raise Fail("hart%d: gdb-multiarch and raw RSP disagree on %s" % (c, bad))
                per[c]["gdb_info_registers"] = gdbregs[c]
                if self.satp_mode(satp) != self.cfg["mode"]:
                    raise Fail("hart%d: satp 0x%x is not %s" % (c, satp, self.cfg["name"]))
            self.timed("snapshots", self.dumps)
            self.layout(mems[self.cpus[0]])
            t0 = time.monotonic()
            smps = {}
            for c in self.cpus:
                rng = random.Random("%s/cpu%d" % (self.name, c))
                regs = dict(rsp[c])
                smps[c] = self.samples(c, rng, regs)
                rows = self.translate_all(c, smps[c], "gva2gpa_stopped.tsv")
                per[c]["stopped"]["gva2gpa_mapped"] = sum(1 for x in rows if "\tgpa: " in x)
                per[c]["stopped"]["gva2gpa_samples"] = len(rows)
            view = self.set_view()
            for c in self.cpus:
                per[c]["view"] = view[c]
                self.write("cpu%d/info_registers_view.txt" % c, self.hmp(c, "info registers"))
                rng = random.Random("%s/cpu%d/view" % (self.name, c))
                rows = self.translate_all(c, smps[c], "gva2gpa.tsv")
                mapped = [(int(x.split("\t")[0], 16), x.rstrip("\n").split("\t")[2])
                          for x in rows if "\tgpa: " in x]
                kinds = {}
                for x in rows:
                    a, line, kind = x.rstrip("\n").split("\t")
                    st = kinds.setdefault(kind, [0, 0])
                    st[0 if line.startswith("gpa:") else 1] += 1
                per[c]["view"].update({"gva2gpa_samples": len(rows), "gva2gpa_mapped": len(mapped),
                                       "kinds_mapped_unmapped": kinds})
                cmds = self.x_commands(rng, mapped)
                parts = ["### %s\n%s" % (x, self.hmp(c, x)) for x in cmds]
                self.write("cpu%d/x.txt" % c, "".join(parts))
                per[c]["view"]["x_commands"] = len(cmds)
                log("%s: hart%d: stopped in %s: %d/%d mapped; S+SUM view: %d/%d mapped, %d x" % (
                    self.name, c, per[c]["stopped"]["regime"], per[c]["stopped"]["gva2gpa_mapped"],
                    len(rows), len(mapped), len(rows), len(cmds)))
            self.record_xp()
            self.meta["timings"]["translations"] = round(time.monotonic() - t0, 3)
            self.verify(per)
            self.meta["per_cpu"] = {"cpu%d" % c: per[c] for c in self.cpus}
            self.meta["truth"] = {
                "gva2gpa_stopped.tsv": "QEMU's gva2gpa at the hart's privilege as stopped "
                                       "(per_cpu.*.stopped.regime); QEMU 7.2's debug "
                                       "translation takes SUM as set in S-mode",
                "gva2gpa.tsv": "QEMU's gva2gpa after priv := S and sstatus.SUM := 1 "
                               "(per_cpu.*.view): every page satp maps that a load reads",
                "x.txt": "QEMU's x in the same S-mode + SUM view",
                "info_mem.txt": "QEMU's info mem (reads satp only; as stopped)",
                "xp.txt": "QEMU's xp (physical)"}
            with open(self.path("hmp.jsonl"), "w") as f:
                for e in self.hmplog:
                    f.write(json.dumps(e) + "\n")
        finally:
            self.quit()
        self.meta["timings"]["total"] = round(time.monotonic() - t_all, 3)
        self.meta["inputs"] = {input_key(i): sha256(i) for i in self.input_files()}
        self.meta["complete"] = True
        self.meta["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(self.path("meta.json.tmp"), "w") as f:
            json.dump(self.meta, f, indent=1, sort_keys=True)
            f.write("\n")
        os.rename(self.path("meta.json.tmp"), self.path("meta.json"))
        log("%s: complete in %.1f s" % (self.name, self.meta["timings"]["total"]))

    def input_files(self):
        return inputs(self.name)

    @staticmethod
    def satp_mode(satp):
        return satp >> 60

    def verify(self, per):
        """Fail loudly when the recording cannot be the truth it claims."""
        checks = {}
        for c in self.cpus:
            rows = {}
            with open(self.path("cpu%d" % c, "gva2gpa.tsv")) as f:
                view = [line.rstrip("\n").split("\t") for line in f]
            for a, o, k in view:
                rows.setdefault(k, []).append(o)
            need = ["ktext", "kdata", "linear", "vmalloc", "user-busybox"]
            for k in need:
                if not any(o.startswith("gpa:") for o in rows.get(k, [])):
                    raise Fail("hart%d: no %s address maps in the S-mode view" % (c, k))
            if any(o.startswith("gpa:") for o in rows.get("edge", [])[:1]):
                raise Fail("hart%d: address 0 maps" % c)
            st = per[c]["stopped"]
            with open(self.path("cpu%d" % c, "gva2gpa_stopped.tsv")) as f:
                stopped = [line.rstrip("\n").split("\t") for line in f]
            # As stopped, a U-mode hart sees no kernel page; the rest is
            # as in the view. An S-mode hart sees user pages whatever its
            # SUM: QEMU 7.2 answers debug translations (gva2gpa, x) as if
            # SUM were set (measured on the first sv57 recording: hart in
            # S-mode with SUM 0, user pages mapped).
            user_seen = 0
            for (a, o, k), (_, v, _) in zip(stopped, view):
                kern = int(a, 16) >> 63
                hidden = st["priv"] == "U" and kern
                if (o.startswith("gpa:") if hidden else o != v):
                    raise Fail("hart%d in %s: %s (%s) is %r as stopped, %r in the view"
                               % (c, st["regime"], a, k, o, v))
                user_seen += not kern and o.startswith("gpa:")
            if st["priv"] == "S" and not st["sum"]:
                st["user_pages_mapped_without_sum"] = user_seen
            checks["cpu%d" % c] = ("%s as stopped: %s as in the S+SUM view; %d kinds mapped "
                                   "in the view" % (st["regime"],
                                                    "the user half" if st["priv"] == "U" else
                                                    "both halves", len(need)))
        self.meta["checks"] = checks


def inputs(config):
    return [os.path.abspath(__file__), os.path.join(HERE, "init-riscv64.sh"),
            os.path.join(HERE, "record_aarch64.py"),
            shutil.which("qemu-system-riscv64") or "qemu-system-riscv64",
            os.path.realpath(os.path.join(CACHE, "kernels", "riscv64", "Image"))]


REQUIRED = ["meta.json", "serial.log", "hmp.jsonl", "xp.txt", "dump.elf", "dump.kdump",
            "guest.mig", "gdb-target/target.xml"]
REQUIRED_CPU = ["info_registers.txt", "info_registers_view.txt", "info_mem.txt",
                "gdbstub_registers.json", "gdb_info_registers.txt", "gva2gpa_stopped.tsv",
                "gva2gpa.tsv", "x.txt"]


def is_current(config, outdir, inputs=inputs, required=REQUIRED):
    mp = os.path.join(outdir, "meta.json")
    try:
        with open(mp) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False, "no meta.json"
    if not meta.get("complete") or meta.get("config") != config:
        return False, "incomplete"
    for r in required + ["cpu%d/%s" % (c, r) for c in meta.get("cpus", []) for r in REQUIRED_CPU]:
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
