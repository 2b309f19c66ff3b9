"""Boot a real guest under TCG for the live tests and benchmarks.

Like tests/realguest/record.py's x86_64-4l config (qemu64, 2 vCPUs, 512M,
or with arch="i386-pae" its i386-pae one under qemu-system-i386,
the cached Debian kernel and busybox initramfs), plus a gdbstub on a free
TCP port and the RAM in a shared memory-backend-file so pgstub --qemu-ram
can map it. Waits for PGSTUB-READY and parses the PGSTUB-KSYM lines.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

CACHE = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
# arch: QEMU binary, -cpu, kernel flavour, initramfs (as record.py's
# x86_64-4l and i386-pae configs).
ARCHES = {
    "x86_64": ("qemu-system-x86_64", "qemu64", "amd64", "x86_64"),
    "i386-pae": ("qemu-system-i386", "qemu32,+nx", "686-pae", "i386"),
    # As tests/realguest/record_aarch64.py's aarch64-virt-4k (bookworm's
    # 4K-page kernel; pauth-impdef: QEMU's cheap pointer-authentication
    # hash, a faster boot under TCG).
    "aarch64": ("qemu-system-aarch64", "max,pauth-impdef=on", "arm64",
                "aarch64-arm64"),
    # As tests/realguest/record_riscv64.py's guests (Debian trixie's
    # kernel, an Image, under OpenSBI): Sv57, QEMU 7.2's largest mode.
    "riscv64": ("qemu-system-riscv64", "rv64", "riscv64", "riscv64"),
    # As tests/realguest/record_ppc64_p9.py's guests (bookworm's ppc64el
    # kernel, a vmlinux): radix on POWER9.
    "ppc64-powernv9": ("qemu-system-ppc64", "power9", "ppc64el", "ppc64el"),
    "ppc64-pseries-p9": ("qemu-system-ppc64", "power9", "ppc64el", "ppc64el"),
}
RISCV_FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
# arch: machine arguments and kernel command line, where not x86's.
MACHINE = {"aarch64": (["-M", "virt"], "console=ttyAMA0 panic=-1"),
           "riscv64": (["-M", "virt", "-bios", RISCV_FIRMWARE],
                       "console=ttyS0 panic=-1"),
           # powernv: skiboot (shipped with QEMU) loads Linux.
           "ppc64-powernv9": (["-M", "powernv9"], "console=hvc0 panic=-1"),
           "ppc64-pseries-p9": (["-M", "pseries"], "console=hvc0 panic=-1")}
# arch: the kernel's file in the cache, where not vmlinuz.
KERNEL_FILE = {"riscv64": "Image", "ppc64-powernv9": "vmlinux",
               "ppc64-pseries-p9": "vmlinux"}
APPEND = "console=ttyS0 panic=-1 no_timer_check"
BOOT_TIMEOUT = 120
# riscv64 under TCG: about 30 s unloaded (fetch-riscv64.sh), several times
# that on a busy machine.
BOOT_TIMEOUTS = {"riscv64": 400}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Guest:
    def __init__(self, workdir, mem="512M", ram_mb=512, smp=2, arch="x86_64",
                 initrd=None, append="", machine=None):
        """initrd: another initramfs in the cache (NAME.cpio.gz); append:
        more kernel arguments; machine: another -M (aarch64:
        "virt,virtualization=on", a CPU with EL2)."""
        qemu, cpu, kernel, default_initrd = ARCHES[arch]
        initrd = initrd or default_initrd
        self.kernel = os.path.join(CACHE, "kernels", kernel,
                                   KERNEL_FILE.get(arch, "vmlinuz"))
        self.initrd = os.path.join(CACHE, "initramfs", initrd + ".cpio.gz")
        self.qemu = qemu
        self.arch = arch
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.ram = os.path.join(workdir, "ram")
        self.qmp = os.path.join(workdir, "qmp.sock")
        self.serial = os.path.join(workdir, "serial.log")
        self.gdb_port = free_port()
        for f in (self.qmp, self.serial, self.ram):
            if os.path.exists(f):
                os.unlink(f)
        with open(self.ram, "wb") as f:
            f.truncate(ram_mb << 20)
        machine_argv, base_append = MACHINE.get(arch, ([], APPEND))
        if machine:
            machine_argv = ["-M", machine] + machine_argv[2:]
        machine = machine_argv
        self.argv = [
            shutil.which(qemu) or qemu] + machine + [
            "-accel", "tcg", "-smp", str(smp), "-m", mem, "-cpu", cpu,
            "-display", "none", "-monitor", "none"] + (
            [] if machine else ["-vga", "none"]) + [
            # Named threads ("CPU 0/TCG"): the bench reads each vCPU's
            # scheduler statistics.
            "-name", "pgstub-live,debug-threads=on",
            "-serial", "file:" + self.serial, "-net", "none", "-no-reboot",
            "-qmp", "unix:%s,server=on,wait=off" % self.qmp,
            "-gdb", "tcp:127.0.0.1:%d" % self.gdb_port,
            "-object", "memory-backend-file,id=ram0,size=%dM,mem-path=%s,share=on"
            % (ram_mb, self.ram),
            "-machine", "memory-backend=ram0",
            "-kernel", self.kernel, "-initrd", self.initrd,
            "-append", (base_append + " " + append).strip()]
        self.proc = None
        self.ksym = {}
        self.uname = None

    @staticmethod
    def available(arch="x86_64"):
        qemu, _, kernel, initrd = ARCHES[arch]
        for f in (os.path.join(CACHE, "kernels", kernel,
                               KERNEL_FILE.get(arch, "vmlinuz")),
                  os.path.join(CACHE, "initramfs", initrd + ".cpio.gz")):
            if not os.path.isfile(f):
                return "missing %s (%s)" % (f, (
                    "tests/realguest/fetch-aarch64.sh arm64, then "
                    "record_aarch64.py builds the initramfs"
                    if arch == "aarch64" else
                    "tests/realguest/fetch-riscv64.sh"
                    if arch == "riscv64" else
                    "tests/realguest/fetch-ppc64.sh"
                    if arch.startswith("ppc64") else
                    "tests/realguest/fetch.sh, mkinitramfs.sh"))
        if arch == "riscv64" and not os.path.isfile(RISCV_FIRMWARE):
            return "no %s (the opensbi package)" % RISCV_FIRMWARE
        if not shutil.which(qemu):
            return "no " + qemu
        if not shutil.which("gdb"):
            return "no gdb"
        if arch not in ("x86_64", "i386-pae") and \
                not shutil.which("gdb-multiarch"):
            return "no gdb-multiarch"
        return None

    def boot(self):
        err = open(os.path.join(self.dir, "qemu.stderr"), "wb")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=err, stderr=err)
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("QEMU exited: %s" % open(
                    os.path.join(self.dir, "qemu.stderr")).read())
            limit = BOOT_TIMEOUTS.get(self.arch, BOOT_TIMEOUT)
            if time.monotonic() - t0 > limit:
                self.kill()  # a failed boot leaves no QEMU behind
                raise RuntimeError("no PGSTUB-READY in %d s" % limit)
            try:
                text = open(self.serial, "rb").read().decode("utf-8", "replace")
            except FileNotFoundError:
                text = ""
            if "PGSTUB-READY" in text:
                break
            time.sleep(0.2)
        for m in re.finditer(r"PGSTUB-KSYM ([0-9a-f]+) \S+ (\S+)", text):
            self.ksym[m.group(2)] = int(m.group(1), 16)
        m = re.search(r"PGSTUB-UNAME (\S+)", text)
        self.uname = m.group(1) if m else None
        self.boot_secs = time.monotonic() - t0
        time.sleep(0.5)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def quit(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_pgstub(pgstub, args, logs):
    """pgstub --listen on a free loopback port with ARGS; its log file
    joins LOGS. Returns (process, port, log) once it listens (or died)."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="pgstub-log-")
    p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:%d" % port] + args,
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    logs.append(log)
    for _ in range(200):
        if b"listening on" in open(log.name, "rb").read() or p.poll() is not None:
            break
        time.sleep(0.05)
    return p, port, log


def stop_pgstub(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def run_gdb(script, timeout=300):
    """gdb -batch on a command list; returns stdout+stderr text."""
    args = ["gdb", "-q", "-batch", "-nx", "-ex", "set pagination off",
            "-ex", "set confirm off"]
    for line in script:
        args += ["-ex", line]
    r = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, errors="replace", timeout=timeout)
    return r.stdout + r.stderr


def run_driver_script(gdb, script, params, log, tag, ok, min_results):
    """Runs a GDB driver script (LIVE_PARAMS: @params as JSON); each of its
    'RESULT name ok|fail detail' lines is a case for @ok. Fewer than
    @min_results is a failure of its own, with both tails: the driver's
    and pgstub's log (@log)."""
    env = dict(os.environ, LIVE_PARAMS=json.dumps(params))
    r = subprocess.run([gdb, "-q", "-batch", "-nx", "-ex", "set pagination off",
                        "-ex", "set confirm off", "-x", script],
                       env=env, capture_output=True, text=True, errors="replace",
                       timeout=600)
    seen = 0
    for line in r.stdout.splitlines():
        m = re.match(r"RESULT (\S+) (ok|fail) ?(.*)", line)
        if m:
            seen += 1
            ok(m.group(1), m.group(2) == "ok", m.group(3))
    if seen < min_results:
        ok(tag + "-driver-complete", False,
           "%d results; %s; pgstub: %s" % (seen, (r.stdout + r.stderr)[-1500:],
                                            open(log.name).read()[-800:]))


def sections(text):
    """Split gdb output at 'echo @@NAME' markers: {NAME: text}."""
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^@@(\S+)$", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name:
            out[name].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def finish(ok, results, logs, t0, boot_secs, work):
    """The end of a live test: no sanitizer report in pgstub's @logs (the
    sanitizer build: UBSan reports and goes on), the TAP plan, the time,
    @work removed. Returns the exit status."""
    bad = [line for log in logs for line in open(log.name, errors="replace")
           if "Sanitizer" in line or "runtime error" in line]
    ok("no-sanitizer-reports", not bad, "".join(bad)[:300])
    print("1..%d" % len(results))
    print("# %.1f s (boot %.1f s)" % (time.monotonic() - t0, boot_secs))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r[1] for r in results) else 1
