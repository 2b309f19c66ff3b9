#!/usr/bin/env python3
"""record_ppc64_p9.py CONFIG OUTDIR - record QEMU 7.2's truth for a POWER9
guest: pseries (radix by default, or hash with the kernel's disable_radix)
or powernv9 (radix, the partition table in RAM at PTCR).

Records what record_ppc64.py records (stop with a user process on every
vCPU, guest.mig, info registers, info tlb, then gva2gpa and x with MSR[PR]
cleared, IR/DR set and AMR 0), with `-cpu power9`, plus:
  - dump.elf and dump.kdump (dump-guest-memory as ELF and kdump-zlib, no
    paging) of the same stopped guest;
  - meta.json "sprs": PIDR, LPCR and PTCR of each vCPU as QEMU's gdbstub shows
    them (None where it cannot: QEMU 7.2 serves SPRs of the first vCPU
    only), the registers a dump lacks.
The configurations live here, not in record_ppc64.py: adding them there
would change an input of every ppc64 recording and re-record them all.
QEMU 7.2's `info tlb` has no radix view; its gva2gpa walks radix.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import record_ppc64  # noqa: E402
from record import Fail, input_key, sha256  # noqa: E402
from record_ppc64 import RSP, Recorder, log  # noqa: E402

CONFIGS = {
    "ppc64-pseries-p9": dict(machine="pseries", mem="512M", append=""),
    "ppc64-pseries-p9-hash": dict(machine="pseries", mem="512M",
                                  append=" disable_radix"),
    # powernv needs at least 1 GiB; skiboot (shipped with QEMU) loads Linux.
    "ppc64-powernv9": dict(machine="powernv9", mem="1G", append=""),
}
DUMP_TIMEOUT = 300
record_ppc64.CONFIGS.update(CONFIGS)


def read_sprs(port, ncpus, names):
    """Each vCPU's SPRs through QEMU's gdbstub: @names maps a key to the
    names QEMU's power-spr.xml may give the SPR (QEMU 7.2 calls PIDR
    "pid"); returns {"cpuN": {key: value}}."""
    r = RSP(port)
    try:
        r.cmd("qSupported:xmlRegisters=i386,powerpc")
        r.cmd("?")
        xml = r.xfer("target.xml")
        nums, n, seen = {}, 0, []
        for inc in re.findall(r'<xi:include href="([^"]+)"', xml):
            for m in re.finditer(r"<reg ([^>]*)>", r.xfer(inc)):
                rn = re.search(r'regnum="(\d+)"', m.group(1))
                if rn:
                    n = int(rn.group(1))
                nm = re.search(r'name="([^"]+)"', m.group(1)).group(1).lower()
                seen.append(nm)
                for key, alts in names.items():
                    if nm in alts and key not in nums:
                        nums[key] = n
                n += 1
        missing = [x for x in names if x not in nums]
        if missing:
            raise Fail("QEMU's target description lacks %s (it has %s)"
                       % (", ".join(missing), " ".join(seen)))
        tids = []
        t = r.cmd("qfThreadInfo")
        while t.startswith("m"):
            tids += t[1:].split(",")
            t = r.cmd("qsThreadInfo")
        out = {}
        for i, tid in enumerate(tids[:ncpus]):
            if r.cmd("Hg" + tid) != "OK":
                raise Fail("Hg%s refused" % tid)
            # Registers come in the vCPU's byte order (MSR[LE]).
            msr_raw = bytes.fromhex(r.cmd("p%x" % 65))
            le = int.from_bytes(msr_raw, "little") & 1
            vals = {}
            for nm in names:
                rep = r.cmd("p%x" % nums[nm])
                if i > 0 and rep.startswith("E"):
                    # QEMU 7.2 numbers the SPRs in the first vCPU's
                    # tables only: the others answer E14.
                    vals[nm] = None
                    continue
                if not re.fullmatch(r"[0-9a-f]{16}", rep):
                    raise Fail("reading %s (register %d) of thread %s: %r"
                               % (nm, nums[nm], tid, rep))
                raw = bytes.fromhex(rep)
                vals[nm] = "0x%x" % int.from_bytes(raw, "little" if le else "big")
            out["cpu%d" % i] = vals
        return out
    finally:
        r.close()


class P9Recorder(Recorder):
    def boot(self):
        """record_ppc64.Recorder.boot with -cpu power9 and the config's
        kernel arguments."""
        saved = record_ppc64.APPEND
        record_ppc64.APPEND = saved + self.cfg["append"]
        real = subprocess.Popen

        def popen(argv, **kw):
            argv = ["power9" if a == "POWER8" else a for a in argv]
            self.meta["qemu_argv"] = argv
            return real(argv, **kw)
        record_ppc64.subprocess.Popen = popen
        try:
            super().boot()
        finally:
            record_ppc64.subprocess.Popen = real
            record_ppc64.APPEND = saved

    def samples(self, cpu, slb, rng):
        out = super().samples(cpu, slb, rng)
        seen = {a for a, _ in out}
        # Radix: quadrants 1 and 2 (hypervisor only), EA bits above the
        # tree's 52-bit reach, the I/O remap region, the top of user space.
        for a in (0x4000000000000000, 0x4000000000001000, 0x8000000000010000,
                  0xc010000000000000, 0xc00a000000000000, 0x0010000000000000,
                  0x000fffffffffffff, 0x3fffffffffffffff, 0xfff0000000000000):
            if a not in seen:
                out.append((a, "quadrant"))
        return out

    def record_translations(self, cpu, slb, cm):
        """QEMU 7.2's gdbstub reaches the SPRs of the first vCPU only: on
        the others the debug view's AMR = 0 is lost (P answers OK and
        writes nothing), and with MSR[PR] = 0 QEMU applies the guest's
        AMR (key 0 blocked in Linux's user AMR) to user pages. There,
        quadrant 0 (user) addresses are asked with MSR[PR] = 1, where
        QEMU applies no AMR: the same answer as PR = 0 with AMR = 0 on
        the non-privileged pages a user address space holds."""
        if cpu == 0:
            return super().record_translations(cpu, slb, cm)
        rsp = RSP(self.gdb_port)
        rsp.cmd("qSupported:xmlRegisters=i386,powerpc")
        rsp.cmd("?")
        rsp.xfer("target.xml")   # QEMU serves MSR to clients that read it
        tid = "%02x" % (cpu + 1)
        if rsp.cmd("Hg" + tid) != "OK":
            raise Fail("Hg%s refused" % tid)
        raw = bytes.fromhex(rsp.cmd("p41"))
        le = int.from_bytes(raw, "little") & 1
        order = "little" if le else "big"
        base = int.from_bytes(raw, order) & ~record_ppc64.MSR_PR
        state = {"pr": None}
        plain = self.hmp

        def hmp(c, line):
            m = re.match(r"(?:gva2gpa|x /\w+) (0x[0-9a-f]+)$", line)
            if c == cpu and m:
                pr = int(m.group(1), 16) >> 62 == 0
                if pr != state["pr"]:
                    v = base | (record_ppc64.MSR_PR if pr else 0)
                    rep = rsp.cmd("P41=%s" % v.to_bytes(8, order).hex())
                    if rep != "OK":
                        raise Fail("setting MSR of vCPU %d to 0x%x: %r"
                                   % (cpu, v, rep))
                    state["pr"] = pr
            return plain(c, line)
        self.hmp = hmp
        try:
            super().record_translations(cpu, slb, cm)
        finally:
            self.hmp = plain
            rsp.close()   # no D packet: detaching would resume the guest
        cm["user_addresses_with_msr_pr"] = True

    def dump(self):
        # ELF and kdump-compressed (QEMU 7.2 writes the latter flattened,
        # in 64 KiB blocks, in the guest's byte order as the ELF one).
        for fmt, fn, key in (("elf", "dump.elf", "dump_elf"),
                             ("kdump-zlib", "dump.kdump", "dump_kdump")):
            p = self.path(fn)
            t0 = time.monotonic()
            self.qmp.cmd("dump-guest-memory", timeout=DUMP_TIMEOUT, paging=False,
                         protocol="file:" + p, format=fmt)
            st = self.qmp.cmd("query-dump")
            if st.get("status") != "completed":
                raise Fail("dump-guest-memory (%s) status %r" % (fmt, st))
            os.chmod(p, 0o644)
            self.meta["timings"][key] = round(time.monotonic() - t0, 3)

    def snapshot(self):
        # The vCPUs are stopped: read the SPRs before the stream is taken.
        self.meta["sprs"] = read_sprs(self.gdb_port, len(self.cpus),
                                      {"pidr": ("pidr", "pid"), "lpcr": ("lpcr",),
                                       "ptcr": ("ptcr",)})
        super().snapshot()
        self.dump()


def inputs():
    return [os.path.abspath(__file__)] + record_ppc64.inputs()


def run(config, outdir):
    r = P9Recorder(config, outdir)
    r.run()
    mp = r.path("meta.json")
    with open(mp) as f:
        meta = json.load(f)
    meta["inputs"] = {input_key(i): sha256(i) for i in inputs()}
    with open(mp + ".tmp", "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    os.rename(mp + ".tmp", mp)


def is_current(config, outdir):
    try:
        with open(os.path.join(outdir, "meta.json")) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False, "no meta.json"
    if not meta.get("complete") or meta.get("config") != config:
        return False, "incomplete"
    for f in ("guest.mig", "dump.elf", "dump.kdump"):
        if not os.path.isfile(os.path.join(outdir, f)):
            return False, "missing " + f
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
    if len(argv) != 3 or argv[1] not in CONFIGS:
        sys.stderr.write("usage: record_ppc64_p9.py CONFIG OUTDIR | --list | "
                         "--is-current CONFIG OUTDIR\nconfigs: %s\n" % " ".join(CONFIGS))
        return 2
    try:
        run(argv[1], argv[2])
    except Fail as e:
        log("FAILED %s: %s" % (argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
