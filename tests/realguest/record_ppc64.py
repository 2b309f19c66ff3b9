#!/usr/bin/env python3
"""record_ppc64.py CONFIG OUTDIR - record QEMU 7.2's truth for a ppc64 guest.

Boots Debian's ppc64el kernel + the busybox initramfs of fetch-ppc64.sh under
TCG (2 vCPUs), waits for PGSTUB-READY, stops the guest with a user process
on every vCPU when it can, and writes the snapshot with
`migrate "exec:cat > OUTDIR/guest.mig"`. Then, for every vCPU, it records
`info registers` and `info tlb` (QEMU prints the SLB for hash MMUs), and,
after setting MSR (PR cleared, IR/DR set) and AMR to 0 through QEMU's own
gdbstub (raw RSP; the snapshot is already written, and a socket close,
unlike GDB's detach, does not resume the guest), `gva2gpa` for thousands of
sampled addresses (linear map, vmemmap, vmalloc, user process, holes, no
SLB entry) and `x` reads. With those registers QEMU's answer is the
debugger's view pgstub gives: HMP gva2gpa applies MSR[PR], keys and AMR.

Layout of OUTDIR: meta.json, serial.log, guest.mig, hmp.jsonl,
cpuN/{info_registers.txt, info_slb.txt, gva2gpa.tsv, samples.tsv, x.txt}.
Python 3 standard library only; reuses record.py's QMP client.
"""
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from record import QMP, Fail, input_key, sha256  # noqa: E402

CACHE = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
# Stops tried until every vCPU is in problem state (user mode): QEMU's
# gva2gpa applies the vCPU's context, and a loaded machine (TCG beside
# other work) can take many tries.
STOP_ATTEMPTS = 60
BOOT_TIMEOUT = 240.0
SETTLE = 1.0

CONFIGS = {
    "ppc64-pseries-64k": dict(machine="pseries", mem="512M"),
    "ppc64-pseries-16m": dict(machine="pseries,cap-hpt-max-page-size=16M", mem="512M"),
    "ppc64-pseries-4k": dict(machine="pseries,cap-hpt-max-page-size=4K", mem="512M"),
    # powernv needs at least 1 GiB; skiboot (shipped with QEMU) loads Linux.
    "ppc64-powernv8": dict(machine="powernv8", mem="1G"),
}
APPEND = "console=hvc0 panic=-1"

MSR_PR = 1 << 14
MSR_IR = 1 << 5
MSR_DR = 1 << 4
MSR_LE = 1


def log(msg):
    sys.stderr.write("record_ppc64: %s\n" % msg)
    sys.stderr.flush()


# ------------------------------------------------------------ raw RSP

class RSP:
    """Just enough of the remote protocol to set registers on QEMU's stub."""

    def __init__(self, port, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Fail("cannot connect to QEMU's gdbstub on port %d" % port)
                time.sleep(0.1)
        self.buf = b""

    def _read_packet(self):
        while True:
            i = self.buf.find(b"$")
            if i >= 0:
                j = self.buf.find(b"#", i)
                if j >= 0 and len(self.buf) >= j + 3:
                    pkt = self.buf[i + 1:j]
                    self.buf = self.buf[j + 3:]
                    self.s.sendall(b"+")
                    return pkt.decode("latin-1")
            data = self.s.recv(65536)
            if not data:
                raise Fail("QEMU's gdbstub closed the connection")
            self.buf += data

    def cmd(self, body):
        raw = body.encode("latin-1")
        self.s.sendall(b"$%s#%02x" % (raw, sum(raw) & 0xff))
        return self._read_packet()

    def xfer(self, annex):
        out, off = "", 0
        while True:
            r = self.cmd("qXfer:features:read:%s:%x,%x" % (annex, off, 0xf00))
            if not r or r[0] not in "lm":
                raise Fail("qXfer %s: %r" % (annex, r))
            out += r[1:]
            off += len(r) - 1
            if r[0] == "l":
                return out

    def close(self):
        self.s.close()


def le_hex(v, n=8):
    return v.to_bytes(n, "little").hex()


def set_debug_view(port, ncpus, meta):
    """MSR: PR=0, IR=DR=1; AMR=0 on every vCPU (QEMU gdbstub numbering:
    msr is 65; amr's number comes from its power-spr.xml)."""
    r = RSP(port)
    try:
        r.cmd("qSupported:xmlRegisters=i386,powerpc")
        r.cmd("?")
        xml = r.xfer("target.xml")
        # GDB's numbering: a reg's regnum attribute, else one past the
        # previous register, through the includes in order.
        amr, n = None, 0
        for inc in re.findall(r'<xi:include href="([^"]+)"', xml):
            for m in re.finditer(r"<reg ([^>]*)>", r.xfer(inc)):
                rn = re.search(r'regnum="(\d+)"', m.group(1))
                if rn:
                    n = int(rn.group(1))
                if re.search(r'name="amr"', m.group(1)):
                    amr = n
                n += 1
        if amr is None:
            raise Fail("QEMU's target description has no amr register")
        tids = []
        t = r.cmd("qfThreadInfo")
        while t.startswith("m"):
            tids += t[1:].split(",")
            t = r.cmd("qsThreadInfo")
        out = {}
        for tid in tids[:ncpus]:
            if r.cmd("Hg" + tid) != "OK":
                raise Fail("Hg%s refused" % tid)
            raw = bytes.fromhex(r.cmd("p%x" % 65))
            # Registers come in the vCPU's current byte order (MSR[LE]).
            le = int.from_bytes(raw, "big") & MSR_LE or int.from_bytes(raw, "little") & MSR_LE
            msr = int.from_bytes(raw, "little" if le else "big")
            new = (msr & ~MSR_PR) | MSR_IR | MSR_DR
            enc = (lambda v: le_hex(v)) if le else (lambda v: v.to_bytes(8, "big").hex())
            rc1 = r.cmd("P%x=%s" % (65, enc(new)))
            rc2 = r.cmd("P%x=%s" % (amr, enc(0)))
            if rc1 != "OK" or rc2 != "OK":
                raise Fail("setting MSR/AMR on thread %s: %r %r" % (tid, rc1, rc2))
            out[tid] = {"msr_before": "0x%x" % msr, "msr_after": "0x%x" % new, "amr_regnum": amr}
        meta["debug_view"] = out
    finally:
        r.close()   # no D packet: detaching would resume the guest


# ------------------------------------------------------------ parsing

def parse_regs(text):
    regs = {}
    for k in ("NIP", "LR", "CTR", "XER", "MSR", "LPCR", "SDR1", "CR"):
        m = re.search(r"\b%s ([0-9a-fA-F]+)" % k, text)
        if m:
            regs[k.lower()] = int(m.group(1), 16)
    return regs


def parse_slb(text):
    """QEMU's dump_slb: 'SLB\\tESID\\t\\t\\tVSID' then 'N\\t0xESID\\t0xVSID'."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        m = re.match(r"^(\d+)\t0x([0-9a-f]{16})\t0x([0-9a-f]{16})$", line)
        if m:
            out.append((int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16)))
    return out


def gva2gpa_value(out):
    m = re.match(r"^gpa: (0x[0-9a-f]+|0)\r?\n$", out)
    return int(m.group(1), 16) if m else None


class Recorder:
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

    def prepare(self):
        if os.path.isdir(self.outdir):
            shutil.rmtree(self.outdir)
        os.makedirs(self.outdir)
        self.rundir = "/tmp/pgstub-record-ppc64-%d" % os.getpid()
        os.makedirs(self.rundir, exist_ok=True)
        self.qmp_path = os.path.join(self.rundir, "qmp.sock")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.gdb_port = s.getsockname()[1]
        s.close()

    def boot(self):
        c = self.cfg
        kdir = os.path.join(CACHE, "kernels", "ppc64el")
        vmlinux = os.path.realpath(os.path.join(kdir, "vmlinux"))
        initrd = os.path.join(CACHE, "initramfs", "ppc64el.cpio.gz")
        for f in (vmlinux, initrd):
            if not os.path.isfile(f):
                raise Fail("missing %s (run fetch-ppc64.sh)" % f)
        qemu = shutil.which("qemu-system-ppc64") or "qemu-system-ppc64"
        argv = [qemu, "-accel", "tcg", "-M", c["machine"], "-cpu", "POWER8",
                "-smp", "2", "-m", c["mem"], "-display", "none", "-vga", "none",
                "-monitor", "none", "-serial", "file:" + self.path("serial.log"),
                "-net", "none", "-no-reboot",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-gdb", "tcp:127.0.0.1:%d" % self.gdb_port,
                "-kernel", vmlinux, "-initrd", initrd, "-append", APPEND]
        with open(os.path.join(kdir, "version")) as f:
            pkg, pver, krel = f.read().split()
        self.meta["kernel"] = {"package": pkg, "version": pver, "release": krel}
        self.meta["qemu_argv"] = argv
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
        log("%s: PGSTUB-READY after %.1f s" % (self.name, self.meta["timings"]["boot_to_ready"]))
        time.sleep(SETTLE)

    def parse_serial(self):
        with open(self.path("serial.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        g = {"kallsyms": {}, "busy": {}, "maps": {}, "vmalloc": []}
        for line in text.splitlines():
            line = line.rstrip("\r")
            i = line.find("PGSTUB-")
            if i < 0:
                continue
            tag, _, rest = line[i:].partition(" ")
            if tag == "PGSTUB-KSYM":
                p = rest.split()
                if len(p) >= 3:
                    g["kallsyms"][p[2]] = int(p[0], 16)
            elif tag == "PGSTUB-BUSY":
                m = re.match(r"cpu=(\d+) pid=(\d+)", rest)
                if m:
                    g["busy"][int(m.group(1))] = int(m.group(2))
            elif tag == "PGSTUB-MAPS":
                m = re.match(r"(\d+) ([0-9a-f]+)-([0-9a-f]+) (\S+)", rest)
                if m:
                    g["maps"].setdefault(int(m.group(1)), []).append(
                        (int(m.group(2), 16), int(m.group(3), 16), m.group(4)))
            elif tag == "PGSTUB-VMALLOC":
                m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)", rest)
                if m:
                    g["vmalloc"].append((int(m.group(1), 16), int(m.group(2), 16)))
            elif tag == "PGSTUB-UNAME":
                g["uname"] = rest
        self.g = g
        self.meta["guest"] = {"uname": g.get("uname"), "busy": g["busy"],
                              "nmaps": {k: len(v) for k, v in g["maps"].items()},
                              "nvmalloc": len(g["vmalloc"]),
                              "kallsyms": {k: "0x%x" % v for k, v in g["kallsyms"].items()}}

    def stop(self):
        self.cpus = [c["cpu-index"] for c in self.qmp.cmd("query-cpus-fast")]
        self.meta["cpus"] = self.cpus
        for attempt in range(1, STOP_ATTEMPTS + 1):
            self.qmp.cmd("stop")
            prs = [bool(parse_regs(self.qmp.hmp("info registers", cpu=c)).get("msr", 0) & MSR_PR)
                   for c in self.cpus]
            if all(prs):
                break
            if attempt == STOP_ATTEMPTS:
                break   # stay stopped with what we have
            self.qmp.cmd("cont")
            time.sleep(0.05 + 0.2 * random.random())
        if self.qmp.cmd("query-status").get("running"):
            raise Fail("guest still running after stop")
        self.meta["stop_attempts"] = attempt
        self.meta["all_cpus_problem_state"] = all(prs)

    def snapshot(self):
        p = self.path("guest.mig")
        t0 = time.monotonic()
        self.qmp.cmd("migrate", uri="exec:cat > %s" % p)
        while True:
            st = self.qmp.cmd("query-migrate")
            if st.get("status") == "completed":
                break
            if st.get("status") == "failed":
                raise Fail("migration failed: %r" % st)
            if time.monotonic() - t0 > 300:
                raise Fail("migration did not complete in 300 s")
            time.sleep(0.05)
        self.meta["timings"]["migrate"] = round(time.monotonic() - t0, 3)
        self.meta["guest_mig_size"] = os.path.getsize(p)
        os.chmod(p, 0o644)
        log("%s: guest.mig %d MiB in %.1f s" % (self.name, os.path.getsize(p) >> 20,
                                                 self.meta["timings"]["migrate"]))

    def samples(self, cpu, slb, rng):
        ram = int(self.cfg["mem"][:-1]) << (20 if self.cfg["mem"][-1] == "M" else 30)
        out, seen = [], set()

        def add(a, kind):
            a &= (1 << 64) - 1
            if a not in seen:
                seen.add(a)
                out.append((a, kind))
        lin = 0xc000000000000000
        for a in (0, 1, 0xfff, 0x1000, 0xffff, 0x10000, ram - 1, ram - 8):
            add(lin + a, "linear-edge")
        for m in range(0, ram, 16 << 20):
            add(lin + m, "linear-16m")
            add(lin + m + (16 << 20) - 1, "linear-16m")
        for _ in range(1200):
            add(lin + rng.randrange(ram), "linear")
        for _ in range(40):
            add(lin + ram + rng.randrange(1 << 30), "linear-past-ram")
        vmemmap = 0xc00c000000000000
        for _ in range(300):
            add(vmemmap + rng.randrange(max(ram >> 9, 1 << 20)), "vmemmap")
        vm = self.g["vmalloc"]
        vm = [(lo, hi) for lo, hi in vm if hi > lo]
        for lo, hi in rng.sample(vm, min(len(vm), 120)):
            add(lo, "vmalloc-start")
            for _ in range(4):
                add(lo + rng.randrange(hi - lo), "vmalloc")
        for _ in range(100):
            add(0xc008000000000000 + rng.randrange(1 << 32), "vmalloc-random")
        # ioremap and early vmalloc users sit at the bottom of the region.
        for _ in range(400):
            add(0xc008000000000000 + rng.randrange(8 << 20), "vmalloc-low")
        for ksym, a in sorted(self.g["kallsyms"].items()):
            add(a, "ksym-" + ksym)
        pid = self.g["busy"].get(cpu)
        maps = list(self.g["maps"].get(pid, []))
        for pid2, m2 in sorted(self.g["maps"].items()):
            if pid2 != pid:
                maps += m2[:2]
        for lo, hi, perm in maps:
            if hi <= lo:
                continue
            add(lo, "user-start")
            add(hi - 1, "user-end")
            for _ in range(min(60, max(4, (hi - lo) >> 16))):
                add(lo + rng.randrange(hi - lo), "user")
        for slot, esid, vsid in slb:
            if not esid & 0x08000000:
                continue
            seg = 1 << 40 if vsid >> 62 == 1 else 1 << 28
            base = esid & ~(seg - 1) & 0xfffffffff0000000
            for _ in range(25):
                add(base + rng.randrange(seg), "segment-random")
        for a in (0xd000000000000000, 0x0000500000000000, 0x8000000000000000,
                  0xffffffffffffffff, 0x0, 0x100000000000000):
            add(a, "other")
        return out

    def record_cpu(self, cpu):
        d = "cpu%d" % cpu
        cm = {}
        regs_txt = self.hmp(cpu, "info registers")
        self.write(d + "/info_registers.txt", regs_txt)
        cm["regs"] = {k: "0x%x" % v for k, v in parse_regs(regs_txt).items()}
        slb_txt = self.hmp(cpu, "info tlb")
        self.write(d + "/info_slb.txt", slb_txt)
        slb = parse_slb(slb_txt)
        cm["slb_entries"] = len(slb)
        return cm, slb

    def record_translations(self, cpu, slb, cm):
        d = "cpu%d" % cpu
        rng = random.Random("%s/cpu%d" % (self.name, cpu))
        t0 = time.monotonic()
        smp = self.samples(cpu, slb, rng)
        rows, kinds, mapped = [], {}, []
        for a, kind in smp:
            out = self.hmp(cpu, "gva2gpa 0x%x" % a)
            line = out.rstrip("\r\n")
            rows.append("0x%x\t%s\t%s\n" % (a, line, kind))
            k = kind.split("-")[0]
            v = gva2gpa_value(out)
            st = kinds.setdefault(kind, [0, 0])
            st[0 if v is not None else 1] += 1
            if v is not None:
                mapped.append((a, k))
        self.write(d + "/gva2gpa.tsv", "".join(rows))
        cm["gva2gpa_samples"] = len(rows)
        cm["gva2gpa_mapped"] = len(mapped)
        cm["gva2gpa_secs"] = round(time.monotonic() - t0, 3)
        cm["kinds_mapped_unmapped"] = kinds
        # x reads: per category, in QEMU's big-endian /gx print, plus bytes.
        cats = {}
        for a, k in mapped:
            cats.setdefault(k, []).append(a)
        cmds = []
        for k in sorted(cats):
            for a in rng.sample(cats[k], min(len(cats[k]), 25)):
                cmds.append("x /4gx 0x%x" % (a & ~7))
            for a in rng.sample(cats[k], min(len(cats[k]), 5)):
                cmds.append("x /16bx 0x%x" % a)
        for a in rng.sample([a for a, _ in mapped], min(len(mapped), 20)):
            cmds.append("x /4gx 0x%x" % ((a | 0xfff) - 15))   # crosses 4K
        if "linux_banner" in self.g["kallsyms"]:
            cmds.append("x /32bx 0x%x" % self.g["kallsyms"]["linux_banner"])
        parts = []
        for c in cmds:
            parts.append("### %s\n%s" % (c, self.hmp(cpu, c)))
        self.write(d + "/x.txt", "".join(parts))
        cm["x_commands"] = len(cmds)

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

    def run(self):
        t_all = time.monotonic()
        self.prepare()
        try:
            self.boot()
            self.parse_serial()
            t0 = time.monotonic()
            self.stop()
            self.meta["timings"]["stop"] = round(time.monotonic() - t0, 3)
            per = {}
            slbs = {}
            for c in self.cpus:
                per[c], slbs[c] = self.record_cpu(c)
            self.snapshot()
            set_debug_view(self.gdb_port, len(self.cpus), self.meta)
            t0 = time.monotonic()
            for c in self.cpus:
                self.record_translations(c, slbs[c], per[c])
                log("%s: cpu%d %d gva2gpa (%d mapped), %d x" % (
                    self.name, c, per[c]["gva2gpa_samples"], per[c]["gva2gpa_mapped"],
                    per[c]["x_commands"]))
            self.meta["timings"]["record_cpus"] = round(time.monotonic() - t0, 3)
            self.meta["per_cpu"] = {"cpu%d" % c: per[c] for c in self.cpus}
            with open(self.path("hmp.jsonl"), "w") as f:
                for e in self.hmplog:
                    f.write(json.dumps(e) + "\n")
        finally:
            self.quit()
        self.meta["timings"]["total"] = round(time.monotonic() - t_all, 3)
        self.meta["inputs"] = {input_key(i): sha256(i) for i in inputs()}
        self.meta["complete"] = True
        self.meta["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(self.path("meta.json.tmp"), "w") as f:
            json.dump(self.meta, f, indent=1, sort_keys=True)
            f.write("\n")
        os.rename(self.path("meta.json.tmp"), self.path("meta.json"))
        log("%s: complete in %.1f s" % (self.name, self.meta["timings"]["total"]))


def inputs():
    return [os.path.abspath(__file__),
            shutil.which("qemu-system-ppc64") or "qemu-system-ppc64",
            os.path.realpath(os.path.join(CACHE, "kernels", "ppc64el", "vmlinux")),
            os.path.join(CACHE, "initramfs", "ppc64el.cpio.gz")]


def is_current(config, outdir):
    try:
        with open(os.path.join(outdir, "meta.json")) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False, "no meta.json"
    if not meta.get("complete") or meta.get("config") != config:
        return False, "incomplete"
    if not os.path.isfile(os.path.join(outdir, "guest.mig")):
        return False, "missing guest.mig"
    mt = os.path.getmtime(os.path.join(outdir, "meta.json"))
    for i in inputs():
        if not os.path.exists(i):
            return False, "input missing: " + i
        if (os.path.getmtime(i) > mt and
                meta.get("inputs", {}).get(input_key(i)) != sha256(i)):
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
        sys.stderr.write("usage: record_ppc64.py CONFIG OUTDIR | --list | "
                         "--is-current CONFIG OUTDIR\nconfigs: %s\n" % " ".join(CONFIGS))
        return 2
    try:
        Recorder(argv[1], argv[2]).run()
    except Fail as e:
        log("FAILED %s: %s" % (argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
