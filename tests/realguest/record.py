#!/usr/bin/env python3
"""record.py CONFIG OUTDIR - record QEMU 7.2's own monitor output as truth.

Boots a Debian kernel + busybox initramfs under TCG (2 vCPUs), waits for the
guest's PGSTUB-READY marker, stops it with at least one busy user process on
every vCPU, then records for every vCPU, through QMP human-monitor-command
with cpu-index: info registers, info tlb, info mem, gva2gpa on a few hundred
sampled addresses and x reads; xp of a few physical addresses; finally
dump-guest-memory as ELF and as kdump-zlib.  The layout of OUTDIR is
documented in README.md next to this file.  Python 3 standard library only.

Inputs come from fetch.sh and mkinitramfs.sh, in ${PGSTUB_CACHE:-/var/cache/pgstub}.
"""
import hashlib
import json
import os
import random
import re
import select
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")

BOOT_TIMEOUT = 180.0
SETTLE = 1.5
HMP_TIMEOUT = 120.0
INFO_MEM_TIMEOUT = 600.0   # QEMU 7.2 info mem under LA57 takes ~20 s per vCPU
DUMP_TIMEOUT = 600.0

G = 1 << 30
M2 = 2 << 20
M4 = 4 << 20
K4 = 4096

# name: qemu binary, kernel flavour (kernels/<flavour>), initramfs arch,
# -cpu, -m, what to verify, mode of the paging format expected.
CONFIGS = {
    "x86_64-4l": dict(qemu="qemu-system-x86_64", kernel="amd64", initrd="x86_64",
                      cpu="qemu64", mem="512M", mode="4l"),
    "x86_64-5l": dict(qemu="qemu-system-x86_64", kernel="amd64", initrd="x86_64",
                      cpu="qemu64,+la57", mem="512M", mode="5l"),
    "x86_64-1g": dict(qemu="qemu-system-x86_64", kernel="amd64", initrd="x86_64",
                      cpu="qemu64,+pdpe1gb", mem="2176M", mode="4l", need_1g=True,
                      # With physical KASLR the kernel image can land next to
                      # a GiB boundary; its direct-map alias then gets split
                      # into 2M/4K pages (seen: kernel at 0x3cc00000-0x3fffffff
                      # split GiB 1), leaving no 1 GiB leaf at all.
                      extra_append="nokaslr"),
    "i386-pae": dict(qemu="qemu-system-i386", kernel="686-pae", initrd="i386",
                     cpu="qemu32,+nx", mem="512M", mode="pae"),
    "i386-nopae": dict(qemu="qemu-system-i386", kernel="686", initrd="i386",
                       cpu="qemu32", mem="512M", mode="32"),
    "x86_64-nopaging": dict(qemu="qemu-system-x86_64", kernel=None, initrd=None,
                            cpu="qemu64", mem="128M", mode="nopaging"),
}

# Every config gets the same kernel command line (KASLR stays at the
# kernel's default: on).
APPEND = "console=ttyS0 panic=-1 no_timer_check"


class Fail(Exception):
    pass


def log(msg):
    sys.stderr.write("record: %s\n" % msg)
    sys.stderr.flush()


# --------------------------------------------------------------------- QMP

class QMP:
    """Minimal synchronous QMP client over a unix socket."""

    def __init__(self, path, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Fail("cannot connect to QMP socket %s" % path)
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        greeting = self._recv(timeout)
        if "QMP" not in greeting:
            raise Fail("bad QMP greeting: %r" % greeting)
        self.qemu_version = greeting["QMP"]["version"]
        self.cmd("qmp_capabilities")

    def _recv(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail("QMP timeout after %.0f s" % timeout)
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                data = self.sock.recv(1 << 20)
                if not data:
                    raise Fail("QMP connection closed")
                self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, timeout=HMP_TIMEOUT, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            resp = self._recv(timeout)
            if "event" in resp:
                self.events.append(resp)
                continue
            if "error" in resp:
                raise Fail("QMP %s failed: %s" % (name, resp["error"]))
            return resp["return"]

    def hmp(self, line, cpu=None, timeout=HMP_TIMEOUT):
        args = {"command-line": line}
        if cpu is not None:
            args["cpu-index"] = cpu
        return self.cmd("human-monitor-command", timeout=timeout, **args)

    def close(self):
        self.sock.close()


# ----------------------------------------------------------- registers

REG_RE = re.compile(r"\b(RIP|EIP|CR0|CR2|CR3|CR4|EFER|CPL|HLT|SMM)=([0-9a-fA-F]+)")


def parse_regs(text):
    regs = {}
    for k, v in REG_RE.findall(text):
        regs.setdefault(k, v)
    out = {}
    for k in ("RIP", "EIP", "CR0", "CR2", "CR3", "CR4", "EFER"):
        if k in regs:
            out[k.lower()] = "0x" + regs[k].lower()
    for k in ("CPL", "HLT", "SMM"):
        if k in regs:
            out[k.lower()] = int(regs[k])
    if "cr4" in out:
        cr4 = int(out["cr4"], 16)
        out["cr4_pae"] = bool(cr4 & (1 << 5))
        out["cr4_pse"] = bool(cr4 & (1 << 4))
        out["cr4_la57"] = bool(cr4 & (1 << 12))
    if "cr0" in out:
        out["cr0_pg"] = bool(int(out["cr0"], 16) & (1 << 31))
    if "efer" in out:
        efer = int(out["efer"], 16)
        out["efer_lma"] = bool(efer & (1 << 10))
        out["efer_nxe"] = bool(efer & (1 << 11))
    return out


# ------------------------------------------------------------- info tlb

TLB_RE = re.compile(r"^([0-9a-f]+): ([0-9a-f]+) ([-A-Z]{9})$")


def parse_tlb(text):
    leaves = []
    bad = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line:
            continue
        m = TLB_RE.match(line)
        if not m:
            bad += 1
            continue
        leaves.append([int(m.group(1), 16), int(m.group(2), 16), m.group(3)])
    leaves.sort(key=lambda l: l[0])
    return leaves, bad


def gva2gpa_value(out):
    """'gpa: 0x1234\\r\\n' -> 0x1234; 'gpa: 0\\r\\n' -> 0; else None."""
    # QEMU prints it with "%#" HWADDR_PRIx, so zero comes out as "gpa: 0".
    m = re.match(r"^gpa: (0x[0-9a-f]+|0)\r?\n$", out)
    return int(m.group(1), 16) if m else None


# -------------------------------------------------------------- recorder

class Recorder:
    def __init__(self, config, outdir):
        if config not in CONFIGS:
            raise Fail("unknown config %r (known: %s)" % (config, ", ".join(CONFIGS)))
        self.name = config
        self.cfg = CONFIGS[config]
        self.outdir = os.path.abspath(outdir)
        self.mode = self.cfg["mode"]
        self.is64 = self.cfg["qemu"].endswith("x86_64")
        self.meta = {"config": config, "complete": False, "timings": {}}
        self.proc = None
        self.qmp = None

    # -- helpers
    def path(self, *p):
        return os.path.join(self.outdir, *p)

    def write(self, rel, text):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(text.encode("utf-8", "surrogateescape"))

    def timed(self, key, fn, *a, **kw):
        t0 = time.monotonic()
        r = fn(*a, **kw)
        self.meta["timings"][key] = round(time.monotonic() - t0, 3)
        return r

    def hmp_logged(self, cpu, line, timeout=HMP_TIMEOUT):
        t0 = time.monotonic()
        out = self.qmp.hmp(line, cpu=cpu, timeout=timeout)
        dt = time.monotonic() - t0
        self.hmplog.append({"cpu": cpu, "cmd": line, "out": out, "secs": round(dt, 4)})
        return out, dt

    # -- boot
    def prepare(self):
        if os.path.isdir(self.outdir):
            for e in os.listdir(self.outdir):
                p = self.path(e)
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p)
                else:
                    os.unlink(p)
        os.makedirs(self.outdir, exist_ok=True)
        self.hmplog = []
        self.rundir = "/tmp/pgstub-record-%d" % os.getpid()
        os.makedirs(self.rundir, exist_ok=True)
        self.qmp_path = os.path.join(self.rundir, "qmp.sock")

    def argv(self):
        c = self.cfg
        qemu = shutil.which(c["qemu"]) or c["qemu"]
        argv = [qemu, "-accel", "tcg", "-smp", "2", "-m", c["mem"], "-cpu", c["cpu"],
                "-display", "none", "-vga", "none", "-monitor", "none",
                "-serial", "file:" + self.path("serial.log"),
                "-net", "none", "-no-reboot",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        if c["kernel"]:
            kdir = os.path.join(CACHE, "kernels", c["kernel"])
            self.vmlinuz = os.path.realpath(os.path.join(kdir, "vmlinuz"))
            self.initrd = os.path.join(CACHE, "initramfs", c["initrd"] + ".cpio.gz")
            for f in (self.vmlinuz, self.initrd):
                if not os.path.isfile(f):
                    raise Fail("missing %s (run fetch.sh and mkinitramfs.sh)" % f)
            append = APPEND
            if c.get("extra_append"):
                append += " " + c["extra_append"]
            argv += ["-kernel", self.vmlinuz, "-initrd", self.initrd, "-append", append]
            with open(os.path.join(kdir, "version")) as f:
                pkg, pver, krel = f.read().split()
            self.meta["kernel"] = {"package": pkg, "version": pver, "release": krel,
                                   "vmlinuz": self.vmlinuz,
                                   "initrd": self.initrd}
        else:
            argv += ["-S"]
            self.meta["kernel"] = None
        return argv

    def boot(self):
        argv = self.argv()
        self.meta["qemu_argv"] = argv
        self.meta["qemu_version_string"] = subprocess.run(
            [argv[0], "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        self.errf = open(self.path("qemu.stderr"), "wb")
        log("%s: starting %s" % (self.name, " ".join(argv)))
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=self.errf, stderr=self.errf)
        self.qmp = QMP(self.qmp_path)
        v = self.qmp.qemu_version["qemu"]
        self.meta["qemu_version"] = "%d.%d.%d" % (v["major"], v["minor"], v["micro"])
        if self.mode == "nopaging":
            st = self.qmp.cmd("query-status")
            if st.get("running") or st.get("status") != "prelaunch":
                raise Fail("-S guest is not in prelaunch state: %r" % st)
            self.meta["timings"]["boot_to_ready"] = 0.0
            return
        serial = self.path("serial.log")
        while True:
            if self.proc.poll() is not None:
                raise Fail("QEMU exited (rc %s) before PGSTUB-READY; serial tail:\n%s"
                           % (self.proc.returncode, self.serial_tail()))
            if time.monotonic() - t0 > BOOT_TIMEOUT:
                raise Fail("no PGSTUB-READY within %.0f s; serial tail:\n%s"
                           % (BOOT_TIMEOUT, self.serial_tail()))
            try:
                with open(serial, "rb") as f:
                    if b"PGSTUB-READY" in f.read():
                        break
            except FileNotFoundError:
                pass
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
        g = {"kallsyms": [], "iomem": [], "busy": [], "procs": []}
        for line in text.splitlines():
            line = line.rstrip("\r")
            i = line.find("PGSTUB-")
            if i < 0:
                continue
            line = line[i:]
            tag, _, rest = line.partition(" ")
            if tag == "PGSTUB-KSYM":
                g["kallsyms"].append(rest)
            elif tag == "PGSTUB-IOMEM":
                g["iomem"].append(rest)
            elif tag == "PGSTUB-BUSY":
                g["busy"].append(rest)
            elif tag == "PGSTUB-PROC":
                g["procs"].append(rest)
            elif tag == "PGSTUB-UNAME":
                g["uname"] = rest
            elif tag == "PGSTUB-CMDLINE":
                g["cmdline"] = rest
            elif tag == "PGSTUB-MELTDOWN":
                g["meltdown"] = rest
            elif tag == "PGSTUB-READY":
                g["ready"] = rest
        m = re.search(r"Kernel/User page tables isolation: (\w+)", text)
        g["pti"] = m.group(1) if m else None
        self.meta["guest"] = g
        self.ksyms = {}
        for l in g["kallsyms"]:
            parts = l.split()
            if len(parts) >= 3:
                self.ksyms[parts[2]] = int(parts[0], 16)

    # -- stop with user processes on the CPUs
    def stop(self):
        self.cpus = [c["cpu-index"] for c in self.qmp.cmd("query-cpus-fast")]
        self.meta["cpus"] = self.cpus
        if self.mode == "nopaging":
            self.meta["stop_attempts"] = 0
            return
        attempts = 0
        for attempts in range(1, 41):
            self.qmp.cmd("stop")
            cpls = {}
            for c in self.cpus:
                regs = parse_regs(self.qmp.hmp("info registers", cpu=c))
                cpls[c] = regs.get("cpl")
            if all(v == 3 for v in cpls.values()):
                break
            self.qmp.cmd("cont")
            time.sleep(0.1 + 0.3 * random.random())
        else:
            log("%s: WARNING: could not stop with every vCPU at CPL 3: %r" % (self.name, cpls))
        self.meta["stop_attempts"] = attempts
        self.meta["all_cpus_user_mode"] = all(v == 3 for v in cpls.values())
        st = self.qmp.cmd("query-status")
        if st.get("running"):
            raise Fail("guest still running after stop")

    # -- per-vCPU recording
    def record_cpu(self, cpu):
        d = "cpu%d" % cpu
        cm = {}
        regs_txt, _ = self.hmp_logged(cpu, "info registers")
        self.write(d + "/info_registers.txt", regs_txt)
        regs = parse_regs(regs_txt)
        cm["regs"] = regs

        tlb_txt, dt = self.hmp_logged(cpu, "info tlb")
        self.write(d + "/info_tlb.txt", tlb_txt)
        cm["info_tlb_secs"] = round(dt, 3)
        cm["info_tlb_lines"] = tlb_txt.count("\n")
        log("%s: cpu%d info tlb: %d lines in %.2f s" % (self.name, cpu, cm["info_tlb_lines"], dt))

        if regs.get("cr4_la57") and cpu != self.cpus[0]:
            # QEMU 7.2's info mem under LA57 prints nothing, after 25-150 s
            # per vCPU: the first vCPU records that fact, the others skip it
            # (check.py holds their info mem against info tlb either way).
            cm["info_mem_skipped"] = "la57: QEMU prints nothing (see cpu%d)" % self.cpus[0]
        else:
            mem_txt, dt = self.hmp_logged(cpu, "info mem", timeout=INFO_MEM_TIMEOUT)
            self.write(d + "/info_mem.txt", mem_txt)
            cm["info_mem_secs"] = round(dt, 3)
            cm["info_mem_lines"] = mem_txt.count("\n")
            log("%s: cpu%d info mem: %d lines in %.2f s" % (self.name, cpu, cm["info_mem_lines"], dt))

        leaves, bad = parse_tlb(tlb_txt)
        cm["info_tlb_unparsed_lines"] = bad
        rng = random.Random("%s/cpu%d" % (self.name, cpu))
        t0 = time.monotonic()
        samples, sizes = self.sample_addresses(cpu, leaves, rng)
        rows = []
        kinds = []
        anomalies = []
        mism = []
        for addr, kind, leaf in samples:
            out, _ = self.hmp_logged(cpu, "gva2gpa 0x%x" % addr)
            if not out.endswith("\n") or out.count("\n") != 1:
                anomalies.append({"addr": "0x%x" % addr, "out": out})
            line = out[:-1] if out.endswith("\n") else out
            if line.endswith("\r"):
                line = line[:-1]
            rows.append("0x%x\t%s\n" % (addr, line.replace("\t", "\\t").replace("\n", "\\n")))
            exp = None
            if leaf is not None:
                va, pa, flags, size = leaf
                exp = (pa & self.phys_mask() & ~(size - 1)) + (addr - va)
                got = gva2gpa_value(out)
                if got != exp:
                    mism.append({"addr": "0x%x" % addr, "tlb_pa_field": "0x%x" % pa,
                                 "flags": flags, "size": size, "expected": "0x%x" % exp,
                                 "got": line})
            kinds.append("0x%x\t%s\t%s\t%s\n" % (
                addr, kind, "-" if leaf is None else "0x%x" % leaf[3],
                "-" if exp is None else "0x%x" % exp))
        self.write(d + "/gva2gpa.tsv", "".join(rows))
        self.write(d + "/samples.tsv", "".join(kinds))
        cm["gva2gpa_samples"] = len(rows)
        cm["gva2gpa_secs"] = round(time.monotonic() - t0, 3)
        cm["gva2gpa_multiline_outputs"] = anomalies
        cm["tlb_vs_gva2gpa_mismatches"] = len(mism)
        cm["tlb_vs_gva2gpa_mismatch_examples"] = mism[:20]
        cm["leaf_size_counts"] = {}
        for s in sizes:
            k = {K4: "4K", M2: "2M", M4: "4M", G: "1G"}.get(s, hex(s))
            cm["leaf_size_counts"][k] = cm["leaf_size_counts"].get(k, 0) + 1
        cm["sample_kind_counts"] = {}
        for _, kind, _ in samples:
            cm["sample_kind_counts"][kind] = cm["sample_kind_counts"].get(kind, 0) + 1

        xs = self.x_commands(samples, leaves, sizes, rng)
        parts = []
        for cmdline in xs:
            out, _ = self.hmp_logged(cpu, cmdline)
            parts.append("### %s\n%s" % (cmdline, out))
        self.write(d + "/x.txt", "".join(parts))
        cm["x_commands"] = len(xs)

        return cm, leaves, sizes

    def phys_mask(self):
        return (1 << 52) - 1 if self.mode != "32" else 0xFFFFFFFF

    def leaf_sizes(self, cpu, leaves):
        """Size of each info tlb leaf.  info tlb prints one line per present
        leaf and only a 'P' flag for large ones, so a 'P' leaf is 1G when it is
        1G-aligned, no other leaf starts inside the next 1G, and the last byte
        of that 1G translates (probed with gva2gpa); otherwise 2M (4M without
        PAE)."""
        sizes = []
        for i, (va, pa, flags) in enumerate(leaves):
            if flags[2] != "P":
                sizes.append(K4)
                continue
            if self.mode == "32":
                sizes.append(M4)
                continue
            nxt = leaves[i + 1][0] if i + 1 < len(leaves) else None
            size = M2
            if self.mode in ("4l", "5l") and va % G == 0 and (nxt is None or nxt - va >= G):
                out = self.qmp.hmp("gva2gpa 0x%x" % (va + G - 1), cpu=cpu)
                got = gva2gpa_value(out)
                if got is not None and got == (pa & self.phys_mask() & ~(G - 1)) + G - 1:
                    size = G
            sizes.append(size)
        return sizes

    def canonical_holes(self):
        if not self.is64 or self.mode == "nopaging":
            return []
        if self.mode == "5l":
            return [0x0100000000000000, 0x7fffffffffffffff, 0x8000000000000000,
                    0xfeffffffffffffff, 0x00ff800000000000, 0x0000800000000000]
        return [0x0000800000000000, 0x00007fffffffffff + 1 + 0x1234,
                0x7fffffffffffffff, 0x8000000000000000, 0xffff7fffffffffff,
                0xfeffffffffffffff, 0x0100000000000000]

    def sample_addresses(self, cpu, leaves, rng):
        """Returns ([(addr, kind, leaf-or-None)], sizes).  leaf is
        (va, pa_field, flags, size) of the info tlb leaf the address is
        expected to fall in, None for an address expected unmapped."""
        top = (1 << 64) - 1 if self.is64 else 0xFFFFFFFF
        samples = []
        seen = set()

        def add(addr, kind, leaf):
            addr &= top
            if addr not in seen:
                seen.add(addr)
                samples.append((addr, kind, leaf))

        if self.mode == "nopaging":
            for a in (0, 0xfff, 0x7c00, 0x9fff0, 0xa0000, 0xf0000, 0xffff0, 0xfffff,
                      0x100000, 0x100010, 0x1fffff, 0x7ffffff, 0x8000000, 0xfffc0000,
                      0xfffffff0, 0xffffffff, 0x100000000, 0x100001234, 0x1fffffff0,
                      0xffffffff00000000, 0xfffffffffffff000, 0xffffffffffffffff,
                      0x0000800000000000, 0xffff800000000000):
                add(a, "nopaging", None)
            return samples, []

        sizes = self.leaf_sizes(cpu, leaves)
        full = [(va, pa, fl, sz) for (va, pa, fl), sz in zip(leaves, sizes)]
        cats = {}
        for lf in full:
            user = "user" if lf[2][7] == "U" else "kernel"
            sz = {K4: "4k", M2: "2m", M4: "4m", G: "1g"}[lf[3]]
            cats.setdefault("%s-%s" % (user, sz), []).append(lf)
        quota = {"4k": 80, "2m": 40, "4m": 40, "1g": 20}
        for cat in sorted(cats):
            lst = cats[cat]
            q = quota[cat.split("-")[1]]
            picks = [lst[0], lst[-1]] + rng.sample(lst, min(len(lst), q))
            for j, lf in enumerate(picks):
                va, sz = lf[0], lf[3]
                if j == 0:
                    off = 0
                elif j == 1:
                    off = sz - 1
                elif j % 7 == 0:
                    off = sz - 1 - rng.randrange(8)
                else:
                    off = rng.randrange(sz)
                add(va + off, "mapped-" + cat, lf)

        # Kernel symbols printed by the guest.
        byva = {lf[0]: lf for lf in full}
        for name, a in sorted(self.ksyms.items()):
            lf = self.find_leaf(full, a)
            add(a, "ksym-" + name if lf else "ksym-unmapped-" + name, lf)

        # Holes between leaves: first byte, last byte, a random byte.
        holes = []
        prev_end = 0
        for va, pa, fl, sz in full:
            if va > prev_end:
                holes.append((prev_end, va))
            prev_end = max(prev_end, va + sz)
        last_end = prev_end
        for lo, hi in rng.sample(holes, min(len(holes), 50)):
            add(lo, "hole-start", None)
            add(hi - 1, "hole-end", None)
            if hi - lo > 1:
                add(lo + rng.randrange(hi - lo), "hole-random", None)
        # Just past the last mapping, and past the last user mapping.
        if last_end <= top:
            add(last_end, "past-last", None)
        users = [lf for lf in full if lf[2][7] == "U"]
        if users:
            ue = users[-1][0] + users[-1][3]
            if not self.find_leaf(full, ue):
                add(ue, "past-last-user", None)
        for a in self.canonical_holes():
            add(a, "noncanonical", None)
        for a in (0, top, top & ~0xfff):
            lf = self.find_leaf(full, a)
            add(a, "edge", lf)
        return samples, sizes

    @staticmethod
    def find_leaf(full, a):
        lo, hi = 0, len(full)
        while lo < hi:
            mid = (lo + hi) // 2
            if full[mid][0] <= a:
                lo = mid + 1
            else:
                hi = mid
        if lo and full[lo - 1][0] <= a < full[lo - 1][0] + full[lo - 1][3]:
            return full[lo - 1]
        return None

    def x_commands(self, samples, leaves, sizes, rng):
        """x reads: a few per sample category (so user, kernel text, direct
        map, vmemmap ... all show up), reads that cross a page end into a
        mapped and into an unmapped page, kernel symbols, unmapped."""
        if self.mode == "nopaging":
            return ["x /4gx 0xfffffff0", "x /4wx 0xfff0", "x /8bx 0x7c00",
                    "x /4gx 0x100000", "x /4gx 0x1fffffff0", "x /2gx 0xffffffffffffff00"]
        fmts = ["/4gx"] * 6 + ["/4wx", "/8bx", "/2gx"]
        if not self.is64:
            fmts = ["/4wx"] * 6 + ["/4gx", "/8bx", "/2wx"]
        cats = {}
        for addr, kind, leaf in samples:
            if leaf is not None and kind.startswith("mapped-"):
                cats.setdefault(kind, []).append(addr)
        cmds = []
        for kind in sorted(cats):
            for a in rng.sample(cats[kind], min(len(cats[kind]), 8)):
                cmds.append("x %s 0x%x" % (rng.choice(fmts), a & ~7))
        full = [(va, pa, fl, sz) for (va, pa, fl), sz in zip(leaves, sizes)]
        contig, gap = [], []
        for i in range(len(full) - 1):
            end = full[i][0] + full[i][3]
            (contig if full[i + 1][0] == end else gap).append(end)
        for lst in (contig, gap):
            for end in rng.sample(lst, min(len(lst), 4)):
                cmds.append("x %s 0x%x" % (fmts[0], end - 8))
        for name in ("linux_banner", "init_task", "sys_call_table", "_text"):
            if name in self.ksyms:
                cmds.append("x %s 0x%x" % (fmts[0], self.ksyms[name]))
        if "linux_banner" in self.ksyms:
            cmds.append("x /32bx 0x%x" % self.ksyms["linux_banner"])
        # Unmapped.
        cmds.append("x %s 0x0" % fmts[0])
        if self.is64:
            cmds.append("x %s 0x800000000000" % fmts[0])
        return cmds

    def record_xp(self, cpu0_leaves_info):
        memsz = self.parse_mem(self.cfg["mem"])
        addrs = [0x0, 0x1000, 0x9fc00, 0xf0000, 0xffff0, 0x100000,
                 min(memsz, 3 << 30) - 0x20, 0xfffffff0]
        if "_text" in self.ksyms and cpu0_leaves_info:
            out = self.qmp.hmp("gva2gpa 0x%x" % self.ksyms["_text"], cpu=0)
            v = gva2gpa_value(out)
            if v is not None:
                addrs.append(v)
        for line in (self.meta.get("guest") or {}).get("iomem", []):
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : Kernel code", line)
            if m:
                addrs.append(int(m.group(1), 16))
        fmt = "/4gx" if self.is64 else "/4wx"
        parts = []
        cmds = ["xp %s 0x%x" % (fmt, a) for a in addrs] + ["xp /8bx 0xfffffff0"]
        if memsz < (3 << 30):
            cmds.append("xp %s 0x%x" % (fmt, memsz + 0x1000))  # past RAM
        for c in cmds:
            out, _ = self.hmp_logged(0, c)
            parts.append("### %s\n%s" % (c, out))
        self.write("xp.txt", "".join(parts))

    @staticmethod
    def parse_mem(s):
        mult = {"M": 1 << 20, "G": 1 << 30}
        return int(s[:-1]) * mult[s[-1]]

    def verify(self, cpu_meta):
        checks = {}
        r0 = cpu_meta[self.cpus[0]]["regs"]
        for c in self.cpus:
            r = cpu_meta[c]["regs"]
            if self.mode == "5l" and not r.get("cr4_la57"):
                raise Fail("x86_64-5l: CR4.LA57 (bit 12) not set on cpu%d: CR4=%s"
                           % (c, r.get("cr4")))
            if self.mode == "4l" and r.get("cr4_la57"):
                raise Fail("%s: CR4.LA57 unexpectedly set on cpu%d" % (self.name, c))
            if self.mode == "pae" and not r.get("cr4_pae"):
                raise Fail("i386-pae: CR4.PAE not set on cpu%d: CR4=%s" % (c, r.get("cr4")))
            if self.mode == "32" and r.get("cr4_pae"):
                raise Fail("i386-nopae: CR4.PAE set on cpu%d: CR4=%s" % (c, r.get("cr4")))
            if self.mode != "nopaging" and not r.get("cr0_pg"):
                raise Fail("%s: paging disabled on cpu%d" % (self.name, c))
            if self.mode == "nopaging" and r.get("cr0_pg"):
                raise Fail("x86_64-nopaging: CR0.PG set on cpu%d" % c)
        if self.mode == "5l":
            checks["cr4_la57"] = True
        if self.mode == "pae":
            checks["cr4_pae"] = True
        if self.mode == "32":
            checks["cr4_pae_clear"] = True
        if self.mode == "nopaging":
            checks["cr0_pg_clear"] = True
        if self.cfg.get("need_1g"):
            n = max(cpu_meta[c]["leaf_size_counts"].get("1G", 0) for c in self.cpus)
            if n < 1:
                raise Fail("x86_64-1g: info tlb shows no 1 GiB leaf")
            checks["leaves_1g"] = n
        self.meta["checks"] = checks

    def dump(self):
        for fmt, fn in (("elf", "dump.elf"), ("kdump-zlib", "dump.kdump")):
            p = self.path(fn)
            t0 = time.monotonic()
            try:
                self.qmp.cmd("dump-guest-memory", timeout=DUMP_TIMEOUT, paging=False,
                             protocol="file:" + p, format=fmt)
                st = self.qmp.cmd("query-dump")
                if st.get("status") != "completed":
                    raise Fail("dump %s status %r" % (fmt, st))
            except Fail as e:
                raise Fail("dump-guest-memory %s: %s" % (fmt, e))
            dt = time.monotonic() - t0
            os.chmod(p, 0o644)  # QEMU creates dumps 0400; let non-root readers in
            self.meta["timings"]["dump_" + fmt] = round(dt, 3)
            self.meta.setdefault("dumps", {})[fn] = {"format": fmt,
                                                     "size": os.path.getsize(p)}
            log("%s: %s (%s) %d MiB in %.1f s" % (self.name, fn, fmt,
                                                  os.path.getsize(p) >> 20, dt))

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
            if self.mode != "nopaging":
                self.parse_serial()
            else:
                self.ksyms = {}
                self.meta["guest"] = None
            self.timed("stop", self.stop)
            cpu_meta = {}
            t0 = time.monotonic()
            leaves0 = None
            for c in self.cpus:
                cm, leaves, _ = self.record_cpu(c)
                cpu_meta[c] = cm
                if leaves0 is None:
                    leaves0 = leaves
            self.meta["timings"]["record_cpus"] = round(time.monotonic() - t0, 3)
            self.record_xp(leaves0)
            with open(self.path("hmp.jsonl"), "w") as f:
                for e in self.hmplog:
                    f.write(json.dumps(e) + "\n")
            self.meta["per_cpu"] = {"cpu%d" % c: cpu_meta[c] for c in self.cpus}
            self.verify(cpu_meta)
            self.timed("dumps", self.dump)
        finally:
            self.quit()
        self.meta["timings"]["total"] = round(time.monotonic() - t_all, 3)
        self.meta["inputs"] = {input_key(i): sha256(i)
                               for i in inputs(self.name)}
        self.meta["complete"] = True
        self.meta["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        tmp = self.path("meta.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.meta, f, indent=1, sort_keys=True)
            f.write("\n")
        os.rename(tmp, self.path("meta.json"))
        log("%s: complete in %.1f s -> %s" % (self.name, self.meta["timings"]["total"],
                                               self.outdir))


def inputs(config):
    """Files a recording of CONFIG depends on (for record-all.sh's cache)."""
    c = CONFIGS[config]
    out = [os.path.abspath(__file__), shutil.which(c["qemu"]) or c["qemu"]]
    if c["kernel"]:
        out.append(os.path.realpath(os.path.join(CACHE, "kernels", c["kernel"], "vmlinuz")))
        out.append(os.path.join(CACHE, "initramfs", c["initrd"] + ".cpio.gz"))
    return out


def input_key(path):
    """How meta.json names an input: files of this checkout by their path
    in it, so that another clone of the same tree is not "changed"."""
    top = os.path.dirname(os.path.dirname(HERE))
    rel = os.path.relpath(path, top)
    return path if rel.startswith("..") else rel


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


REQUIRED = ["meta.json", "serial.log", "xp.txt", "hmp.jsonl", "dump.elf", "dump.kdump"]
REQUIRED_CPU = ["info_registers.txt", "info_tlb.txt", "info_mem.txt", "gva2gpa.tsv",
                "samples.tsv", "x.txt"]


def is_current(config, outdir):
    """True when OUTDIR holds a complete recording of CONFIG and every input
    is older than its meta.json or has the sha256 recorded in it (so a fresh
    git checkout of an unchanged record.py does not force a re-record)."""
    mp = os.path.join(outdir, "meta.json")
    try:
        with open(mp) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False, "no meta.json"
    if not meta.get("complete") or meta.get("config") != config:
        return False, "incomplete"
    for r in REQUIRED:
        if not os.path.isfile(os.path.join(outdir, r)):
            return False, "missing " + r
    for c in meta.get("cpus", []):
        skipped = meta.get("per_cpu", {}).get("cpu%d" % c, {}).get("info_mem_skipped")
        for r in REQUIRED_CPU:
            if r == "info_mem.txt" and skipped:
                continue
            if not os.path.isfile(os.path.join(outdir, "cpu%d" % c, r)):
                return False, "missing cpu%d/%s" % (c, r)
    mt = os.path.getmtime(mp)
    recorded = meta.get("inputs", {})
    for i in inputs(config):
        if not os.path.exists(i):
            return False, "input missing: " + i
        if os.path.getmtime(i) > mt and recorded.get(input_key(i)) != sha256(i):
            return False, "input changed: " + i
    return True, "current"


def main(argv):
    if len(argv) == 3 and argv[1] == "--is-current":
        sys.stderr.write("usage: record.py --is-current CONFIG OUTDIR\n")
        return 2
    if len(argv) == 4 and argv[1] == "--is-current":
        ok, why = is_current(argv[2], argv[3])
        print(why)
        return 0 if ok else 1
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CONFIGS))
        return 0
    if len(argv) == 3 and argv[1] == "--inputs":
        if argv[2] not in CONFIGS:
            sys.stderr.write("record.py: unknown config %r\n" % argv[2])
            return 2
        print("\n".join(inputs(argv[2])))
        return 0
    if len(argv) != 3:
        sys.stderr.write("usage: record.py CONFIG OUTDIR | --list | --inputs CONFIG\n"
                         "configs: %s\n" % " ".join(CONFIGS))
        return 2
    try:
        Recorder(argv[1], argv[2]).run()
    except Fail as e:
        log("FAILED %s: %s" % (argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
