#!/usr/bin/env python3
"""record_crash.py OUTDIR - a real Linux crash, saved by its own kdump.

Boots the amd64 kernel record.py boots (TCG, 2 vCPUs, 384M) with
crashkernel=128M. Its /init (init-crash.sh) loads the same kernel as crash
kernel with kexec-tools' `kexec -p` (initramfs crash-kdump.cpio.gz, /init =
init-crash-kdump.sh), prints the truth (kallsyms values, module symbols,
vmalloc areas, /proc/version, the process list) and waits. The recorder
stops the guest with both vCPUs in user mode, takes QEMU's own info
registers, gva2gpa and xp of those addresses (truth.json), continues, and
sends "crash" on ttyS1: the guest writes c to /proc/sysrq-trigger. The
crash kernel saves /proc/vmcore onto three virtio disks: the plain ELF, and
makedumpfile -c -d 31, -E -d 31 and -l -d 0 (flattened, -F), then powers off. The
recorder cuts the ELF to its size and reassembles the flattened streams
into the files makedumpfile writes without -F:

  OUTDIR/vmcore.elf         /proc/vmcore as the crash kernel gave it
  OUTDIR/vmcore-c-d31.kdump makedumpfile -c -d 31 (kdump-compressed, zlib)
  OUTDIR/vmcore-E-d31.elf   makedumpfile -E -d 31 (ELF, filtered)
  OUTDIR/vmcore-l.kdump     makedumpfile -l -d 0 (kdump-compressed, lzo, every page)
  OUTDIR/truth.json         the truth (below); OUTDIR/meta.json last
  OUTDIR/serial.log         both kernels' consoles; OUTDIR/hmp.jsonl

usage: record_crash.py OUTDIR | --is-current OUTDIR
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from record import CACHE, QMP, Fail, gva2gpa_value, input_key, parse_regs, sha256  # noqa: E402

CONFIG = "x86_64-crash"
MEM = "384M"
CRASHKERNEL = "128M"
APPEND = "console=ttyS0 panic=-1 no_timer_check crashkernel=" + CRASHKERNEL
BOOT_TIMEOUT = 240.0
CRASH_TIMEOUT = 600.0
# The virtio disks the crash kernel writes, by serial, and what they become.
DISKS = [("elf", "vmcore.elf", "elf"), ("kdump", "vmcore-c-d31.kdump", "flat"),
         ("elfd31", "vmcore-E-d31.elf", "flat"), ("lzo", "vmcore-l.kdump", "flat")]
MODULES = ["virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev",
           "virtio_pci", "virtio_blk"]
# Bytes of QEMU's xp per address: most 64, the banner 256, init_task 12 KiB
# (its comm "swapper/0" is in there).
XP_BYTES = {"linux_banner": 256, "init_task": 0x3000}
USER_ADDRS = [0x400000, 0x401000, 0x402000, 0x410000]
REQUIRED = ["meta.json", "truth.json", "serial.log", "hmp.jsonl"] + [d[1] for d in DISKS]


def log(msg):
    sys.stderr.write("record_crash: %s\n" % msg)
    sys.stderr.flush()


def kernel_paths():
    vmlinuz = os.path.realpath(os.path.join(CACHE, "kernels", "amd64", "vmlinuz"))
    root = os.path.dirname(os.path.dirname(vmlinuz))
    release = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    mods = os.path.join(root, "lib", "modules", release, "kernel", "drivers")
    return vmlinuz, {m: os.path.join(mods, "block" if m == "virtio_blk" else "virtio",
                                     m + ".ko") for m in MODULES}


def tools():
    return [os.path.realpath(os.path.join(CACHE, "kdump", "amd64", t))
            for t in ("kexec", "makedumpfile")]


def shared_libs(binaries):
    """The host's copies of the shared libraries (and loader) binaries need:
    the same Debian bookworm amd64 packages the binaries were built for."""
    libs = set()
    for b in binaries:
        out = subprocess.run(["ldd", b], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             check=False).stdout.decode()
        for line in out.splitlines():
            m = re.search(r"(?:=> )?(/\S+) \(0x", line)
            if m:
                libs.add(m.group(1))
            elif "not found" in line:
                raise Fail("%s: %s (run scripts/setup-deps)" % (b, line.strip()))
    return sorted(libs)


def lib_specs(binaries):
    specs = ["dir:lib:755", "dir:lib64:755", "dir:lib/x86_64-linux-gnu:755",
             "dir:lib/modules:755"]
    for lib in shared_libs(binaries):
        dest = "lib64/" if lib.startswith("/lib64/") else "lib/x86_64-linux-gnu/"
        specs.append("file:%s%s:755:%s" % (dest, os.path.basename(lib), os.path.realpath(lib)))
    return specs


def mkinitramfs(init, name, specs):
    out = subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), "x86_64", init, name] + specs,
                         stdout=subprocess.PIPE, check=True).stdout.decode().strip()
    return out


def make_initramfs():
    vmlinuz, mods = kernel_paths()
    kexec, mkdf = tools()
    for f in [vmlinuz, kexec, mkdf] + list(mods.values()):
        if not os.path.isfile(f):
            raise Fail("missing %s (run fetch.sh)" % f)
    modspecs = ["file:lib/modules/%s.ko:644:%s" % (m, p) for m, p in mods.items()]
    crash = mkinitramfs(os.path.join(HERE, "init-crash-kdump.sh"), "crash-kdump",
                        lib_specs([mkdf]) + modspecs +
                        ["file:usr/bin/makedumpfile:755:" + mkdf])
    return mkinitramfs(os.path.join(HERE, "init-crash.sh"), CONFIG,
                       lib_specs([kexec]) + modspecs +
                       ["file:sbin/kexec:755:" + kexec, "dir:crash:755",
                        "file:crash/vmlinuz:644:" + vmlinuz,
                        "file:crash/initrd.gz:644:" + crash])


def inputs():
    vmlinuz, mods = kernel_paths()
    return [os.path.abspath(__file__), os.path.join(HERE, "record.py"),
            os.path.join(HERE, "init-crash.sh"), os.path.join(HERE, "init-crash-kdump.sh"),
            shutil.which("qemu-system-x86_64") or "qemu-system-x86_64", vmlinuz] + tools()


def elf_size(f):
    """Bytes an ELF64 file spans: its headers and every segment's data."""
    f.seek(0)
    eh = f.read(64)
    if eh[:4] != b"\x7fELF" or eh[4] != 2:
        raise Fail("the elf disk holds no ELF64 (%r)" % eh[:8])
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    end = phoff + phentsize * phnum
    f.seek(phoff)
    ph = f.read(phentsize * phnum)
    for i in range(phnum):
        _, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", ph, i * phentsize)
        end = max(end, off + filesz)
    return end


def copy_elf(disk, dest):
    with open(disk, "rb") as f, open(dest, "wb") as o:
        left = elf_size(f)
        f.seek(0)
        while left:
            chunk = f.read(min(left, 1 << 22))
            if not chunk:
                raise Fail("elf disk ends early")
            o.write(chunk)
            left -= len(chunk)


def unflatten(disk, dest):
    """makedumpfile's flattened stream (-F) as the file it stands for: a
    4 KiB header starting "makedumpfile", then {be64 offset, be64 size,
    data} records up to one whose offset is -1."""
    with open(disk, "rb") as f, open(dest, "wb") as o:
        head = f.read(4096)
        if not head.startswith(b"makedumpfile\0"):
            raise Fail("%s: no flattened makedumpfile stream (%r)" % (disk, head[:16]))
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                raise Fail("%s: stream ends without its end record" % disk)
            off, size = struct.unpack(">qq", rec)
            if off == -1:
                break
            data = f.read(size)
            if len(data) != size or off < 0:
                raise Fail("%s: bad record at %d" % (disk, f.tell()))
            o.seek(off)
            o.write(data)


class CrashRecorder:
    def __init__(self, outdir):
        self.outdir = os.path.abspath(outdir)
        self.meta = {"config": CONFIG, "complete": False, "timings": {}}
        self.hmplog = []
        self.proc = self.qmp = None

    def path(self, *p):
        return os.path.join(self.outdir, *p)

    def hmp(self, line, cpu=0):
        t0 = time.monotonic()
        out = self.qmp.hmp(line, cpu=cpu)
        self.hmplog.append({"cpu": cpu, "cmd": line, "out": out,
                            "secs": round(time.monotonic() - t0, 4)})
        return out

    def serial(self):
        try:
            with open(self.path("serial.log"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def wait_serial(self, marker, timeout, what):
        t0 = time.monotonic()
        while marker not in self.serial():
            if self.proc.poll() is not None and marker not in self.serial():
                raise Fail("QEMU exited (rc %s) before %s; serial tail:\n%s"
                           % (self.proc.returncode, what, self.serial()[-3000:]))
            if time.monotonic() - t0 > timeout:
                raise Fail("no %s within %.0f s; serial tail:\n%s"
                           % (what, timeout, self.serial()[-3000:]))
            time.sleep(0.2)
        return round(time.monotonic() - t0, 3)

    def argv(self, initrd, vmlinuz):
        qemu = shutil.which("qemu-system-x86_64") or "qemu-system-x86_64"
        argv = [qemu, "-accel", "tcg", "-smp", "2", "-m", MEM, "-cpu", "qemu64",
                "-display", "none", "-vga", "none", "-monitor", "none",
                "-serial", "file:" + self.path("serial.log"),
                "-serial", "unix:%s,server=on,wait=off" % self.ctl_path,
                "-net", "none", "-no-reboot",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-kernel", vmlinuz, "-initrd", initrd, "-append", APPEND]
        for i, (serial, _, _) in enumerate(DISKS):
            argv += ["-drive", "file=%s,format=raw,if=none,id=d%d" % (self.disk(serial), i),
                     "-device", "virtio-blk-pci,drive=d%d,serial=%s" % (i, serial)]
        return argv

    def disk(self, serial):
        return os.path.join(self.rundir, serial + ".raw")

    def prepare(self):
        if os.path.isdir(self.outdir):
            shutil.rmtree(self.outdir)
        os.makedirs(self.outdir)
        # Sparse disk images next to OUTDIR (same file system), removed after.
        self.rundir = self.outdir + ".disks"
        shutil.rmtree(self.rundir, ignore_errors=True)
        os.makedirs(self.rundir)
        self.ctl_path = os.path.join(self.rundir, "ctl.sock")
        self.qmp_path = os.path.join(self.rundir, "qmp.sock")
        size = int(MEM[:-1]) << 20
        for serial, _, _ in DISKS:
            with open(self.disk(serial), "wb") as f:
                f.truncate(size + (64 << 20))

    def parse_guest(self):
        g = {"ksyms": {}, "modsyms": [], "vmalloc": [], "ps": [], "busy": [],
             "iomem": [], "fail": []}
        for line in self.serial().splitlines():
            i = line.find("PGSTUB-")
            if i < 0:
                continue
            tag, _, rest = line[i:].rstrip("\r").partition(" ")
            if tag == "PGSTUB-KSYM":
                a, t, n = rest.split()[:3]
                g["ksyms"][n] = [int(a, 16), t]
            elif tag == "PGSTUB-MODSYM":
                p = rest.split()
                g["modsyms"].append([int(p[0], 16), p[1], p[2], p[3].strip("[]")])
            elif tag == "PGSTUB-VMALLOC":
                lo, hi = rest.split()[0].split("-")
                g["vmalloc"].append([int(lo, 16), int(hi, 16), rest])
            elif tag == "PGSTUB-PS":
                pid, _, comm = rest.partition(" ")
                g["ps"].append([int(pid), comm])
            elif tag == "PGSTUB-BUSY":
                g["busy"].append(rest)
            elif tag == "PGSTUB-IOMEM":
                g["iomem"].append(rest)
            elif tag == "PGSTUB-FAIL":
                g["fail"].append(rest)
            elif tag in ("PGSTUB-UNAME", "PGSTUB-CMDLINE", "PGSTUB-VERSION", "PGSTUB-SELF",
                         "PGSTUB-KEXEC", "PGSTUB-MODULES", "PGSTUB-CRASHKERNEL"):
                g[tag[7:].lower()] = rest
        if g["fail"]:
            raise Fail("the guest says: " + "; ".join(g["fail"]))
        if not g.get("kexec", "").endswith("1"):
            raise Fail("no crash kernel loaded: %r" % g.get("kexec"))
        return g

    def stop_in_user_mode(self):
        for attempt in range(1, 41):
            self.qmp.cmd("stop")
            regs = {c: parse_regs(self.qmp.hmp("info registers", cpu=c)) for c in self.cpus}
            if all(r.get("cpl") == 3 for r in regs.values()):
                return attempt
            self.qmp.cmd("cont")
            time.sleep(0.1 + 0.02 * attempt)
        raise Fail("could not stop with both vCPUs at CPL 3")

    def xp_bytes(self, gpa, n):
        out = self.hmp("xp /%dgx %#x" % (n // 8, gpa))
        data = b""
        for line in out.replace("\r", "").splitlines():
            if "Cannot access" in line:
                return None
            for v in line.split(":", 1)[1].split():
                data += int(v, 16).to_bytes(8, "little")
        return data

    def take_truth(self, g):
        """QEMU's view of the stopped guest: registers, translations of
        kernel addresses (from cpu0: the kernel half is shared) and of user
        addresses (from each vCPU's own CR3), bytes by physical address."""
        t = {"regs": {}, "kernel": {}, "user": {}}
        for c in self.cpus:
            text = self.hmp("info registers", c)
            t["regs"]["cpu%d" % c] = parse_regs(text)
            t["regs"]["cpu%d" % c]["text"] = text
        addrs = {}
        for name, (a, _) in g["ksyms"].items():
            if a >= 0xffff800000000000:
                addrs[name] = a
        for a, _, name, mod in g["modsyms"]:
            addrs["%s[%s]" % (name, mod)] = a
        for i, (lo, hi, _) in enumerate(g["vmalloc"]):
            addrs["vmalloc%d" % i] = lo
            addrs["vmalloc%d+page" % i] = lo + 0x1000 if hi - lo > 0x2000 else lo
        pco = g["ksyms"].get("__per_cpu_offset")
        if pco:
            out = self.hmp("x /%dgx %#x" % (len(self.cpus), pco[0]))
            offs = [int(v, 16) for line in out.replace("\r", "").splitlines()
                    for v in line.split(":", 1)[1].split()]
            t["per_cpu_offset"] = offs
            for c, off in enumerate(offs):
                for v in ("cpu_number", "this_cpu_off", "current_task"):
                    if v in g["ksyms"]:
                        addrs["%s@cpu%d" % (v, c)] = off + g["ksyms"][v][0]
        for name, a in sorted(addrs.items()):
            line = self.hmp("gva2gpa %#x" % a)
            gpa = gva2gpa_value(line)
            e = {"va": a, "gva2gpa": line.strip()}
            if gpa is not None:
                n = XP_BYTES.get(name, 64)
                data = self.xp_bytes(gpa, n)
                e["xp"] = data.hex() if data else None
            t["kernel"][name] = e
        for c in self.cpus:
            t["user"]["cpu%d" % c] = {"%#x" % a: self.hmp("gva2gpa %#x" % a, c).strip()
                                      for a in USER_ADDRS}
        return t

    def run(self):
        t_all = time.monotonic()
        vmlinuz, _ = kernel_paths()
        t0 = time.monotonic()
        initrd = make_initramfs()
        self.meta["timings"]["initramfs"] = round(time.monotonic() - t0, 3)
        self.prepare()
        argv = self.argv(initrd, vmlinuz)
        self.meta["qemu_argv"] = argv
        with open(os.path.join(CACHE, "kernels", "amd64", "version")) as f:
            pkg, pver, krel = f.read().split()
        self.meta["kernel"] = {"package": pkg, "version": pver, "release": krel,
                               "vmlinuz": vmlinuz, "initrd": initrd,
                               "append": APPEND, "mem": MEM}
        log("starting %s" % " ".join(argv))
        errf = open(self.path("qemu.stderr"), "wb")
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=errf, stderr=errf)
            self.qmp = QMP(self.qmp_path)
            v = self.qmp.qemu_version["qemu"]
            self.meta["qemu_version"] = "%d.%d.%d" % (v["major"], v["minor"], v["micro"])
            self.meta["timings"]["boot_to_ready"] = self.wait_serial(
                "PGSTUB-READY", BOOT_TIMEOUT, "PGSTUB-READY")
            log("ready after %.1f s" % self.meta["timings"]["boot_to_ready"])
            g = self.parse_guest()
            self.meta["guest"] = g
            self.cpus = [c["cpu-index"] for c in self.qmp.cmd("query-cpus-fast")]
            self.meta["cpus"] = self.cpus
            t0 = time.monotonic()
            self.meta["stop_attempts"] = self.stop_in_user_mode()
            truth = self.take_truth(g)
            self.meta["timings"]["truth"] = round(time.monotonic() - t0, 3)
            with open(self.path("truth.json"), "w") as f:
                json.dump(truth, f, indent=1, sort_keys=True)
            self.qmp.cmd("cont")
            ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            ctl.connect(self.ctl_path)
            ctl.sendall(b"crash\n")
            t0 = time.monotonic()
            self.wait_serial("PGSTUB-KDUMP up", CRASH_TIMEOUT, "the crash kernel")
            self.meta["timings"]["crash_to_kdump_init"] = round(time.monotonic() - t0, 3)
            self.wait_serial("PGSTUB-KDUMP-DONE", CRASH_TIMEOUT, "the saved vmcores")
            self.meta["timings"]["crash_to_saved"] = round(time.monotonic() - t0, 3)
            self.qmp.close()
            self.qmp = None
            self.proc.wait(timeout=60)
            ctl.close()
        finally:
            if self.qmp:
                self.qmp.close()
            if self.proc and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            errf.close()
            with open(self.path("hmp.jsonl"), "w") as f:
                for e in self.hmplog:
                    f.write(json.dumps(e) + "\n")
        saved = re.findall(r"PGSTUB-SAVED (\w+) ([\d.]+) ([\d.]+)", self.serial())
        self.meta["kdump_secs"] = {k: round(float(b) - float(a), 2) for k, a, b in saved}
        fails = re.findall(r"PGSTUB-FAIL (.*)", self.serial())
        if fails:
            raise Fail("the crash kernel says: " + "; ".join(fails))
        t0 = time.monotonic()
        self.meta["dumps"] = {}
        for serial, name, kind in DISKS:
            (copy_elf if kind == "elf" else unflatten)(self.disk(serial), self.path(name))
            self.meta["dumps"][name] = {"size": os.path.getsize(self.path(name))}
        shutil.rmtree(self.rundir)
        self.meta["timings"]["extract"] = round(time.monotonic() - t0, 3)
        self.meta["timings"]["total"] = round(time.monotonic() - t_all, 3)
        self.meta["inputs"] = {input_key(i): sha256(i) for i in inputs()}
        self.meta["complete"] = True
        self.meta["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        tmp = self.path("meta.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.meta, f, indent=1, sort_keys=True)
            f.write("\n")
        os.rename(tmp, self.path("meta.json"))
        log("complete in %.1f s -> %s" % (self.meta["timings"]["total"], self.outdir))


def is_current(outdir):
    mp = os.path.join(outdir, "meta.json")
    try:
        with open(mp) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False, "no meta.json"
    if not meta.get("complete") or meta.get("config") != CONFIG:
        return False, "incomplete"
    for r in REQUIRED:
        if not os.path.isfile(os.path.join(outdir, r)):
            return False, "missing " + r
    mt = os.path.getmtime(mp)
    for i in inputs():
        if not os.path.exists(i):
            return False, "input missing: " + i
        if os.path.getmtime(i) > mt and meta["inputs"].get(input_key(i)) != sha256(i):
            return False, "input changed: " + i
    return True, "current"


def main(argv):
    if len(argv) == 3 and argv[1] == "--is-current":
        ok, why = is_current(argv[2])
        print(why)
        return 0 if ok else 1
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        CrashRecorder(argv[1]).run()
    except Fail as e:
        log("FAILED: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
