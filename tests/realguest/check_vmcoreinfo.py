#!/usr/bin/env python3
"""Check pgstub on kdump-like dumps of a real guest against QEMU's truth.

The x86_64-4l-vmci and -5l-vmci recordings (record_vmci.py) are QEMU dumps whose guests
gave QEMU their VMCOREINFO. tests/tools/strip_notes.py copies it, into a
temporary directory, without QEMU's "QEMU" notes (so without CR0/CR3/CR4,
as a vmcore that kdump writes), and once more without VMCOREINFO too.
Through a real GDB:

- noqemu.elf and noqemu.kdump (VMCOREINFO from the ELF note, and from the
  kdump file): `monitor gva2gpa` of every kernel address QEMU translated
  (samples, kallsyms values) answers exactly QEMU's line on both vCPUs, and
  GDB reads the kernel bytes QEMU's `x` printed; linux_banner reads as the
  kernel's banner; info registers says where the root comes from;
- --reg cr3=QEMU's CR3 overrides VMCOREINFO: user addresses translate as
  QEMU said (without it they do not);
- bare.elf (neither CR3 nor VMCOREINFO): every view refuses with the
  message (never a number), GDB still attaches and reads registers and
  physical memory; with --vmcoreinfo FILE (the text) it translates again.

Output is TAP. usage: check_vmcoreinfo.py PGSTUB OUTDIR...
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from gdbsession import QUIET, Tap, run_jobs, sections, serve  # noqa: E402

GDB = os.environ.get("GDB", "gdb")
STRIP = os.path.join(HERE, "..", "tools", "strip_notes.py")
# Where the kernel half starts: 4-level and 5-level.
KERNEL = {"4-level": 0xffff800000000000, "5-level": 0xff00000000000000}
NOROOT = "no paging root"


def session(pgstub, image, jobs, extra=()):
    """{(cpu, key): [lines]} of the jobs in one GDB session, or None."""
    with serve(pgstub, image, extra) as port:
        if port is None:
            return None
        setup = QUIET + ["target remote 127.0.0.1:%d" % port,
                         "set mem inaccessible-by-default off"]
        got, _ = run_jobs(GDB, setup, jobs, finish=["kill"])
    return got or None


def samples(d, cpu):
    """[(addr, kind, QEMU's gva2gpa line)] of one vCPU."""
    kinds = {}
    with open(os.path.join(d, "cpu%d" % cpu, "samples.tsv")) as f:
        for line in f:
            a, kind = line.split("\t")[:2]
            kinds[int(a, 16)] = kind
    out = []
    with open(os.path.join(d, "cpu%d" % cpu, "gva2gpa.tsv")) as f:
        for line in f:
            a, qemu = line.rstrip("\n").split("\t", 1)
            out.append((int(a, 16), kinds.get(int(a, 16), "?"), qemu))
    return out


def x_reads(d, cpu, kernel):
    """[(addr, bytes)] of QEMU's `x` reads of kernel addresses that it
    printed whole (values little-endian, as x86 stores them)."""
    with open(os.path.join(d, "cpu%d" % cpu, "x.txt"), "rb") as f:
        text = f.read().decode("latin-1")
    out = []
    for rec in text.split("### ")[1:]:
        head, _, body = rec.partition("\n")
        m = re.match(r"x /(\d+)([bwg])x (0x[0-9a-f]+)$", head.strip())
        if not m or "Cannot access" in body:
            continue
        size = {"b": 1, "w": 4, "g": 8}[m.group(2)]
        addr = int(m.group(3), 16)
        data = b""
        for line in body.replace("\r", "").splitlines():
            for v in line.split(":", 1)[1].split():
                data += int(v, 16).to_bytes(size, "little")
        if addr >= kernel and len(data) == int(m.group(1)) * size:
            out.append((addr, data))
    return out


def qemu_regs(d, cpu):
    with open(os.path.join(d, "cpu%d" % cpu, "info_registers.txt"), "rb") as f:
        text = f.read().decode("latin-1")
    return {k: int(re.search(k.upper() + r"=([0-9a-f]+)", text).group(1), 16)
            for k in ("rip", "rsp", "cr3")}


def translations(ok, label, got, want, cpus):
    for cpu in cpus:
        bad = ["%#x %s: QEMU %r pgstub %r" % (a, kind, q, got.get((cpu, "g%x" % a)))
               for a, kind, q in want[cpu]
               if got.get((cpu, "g%x" % a), [None])[0] != q]
        ok("%s: cpu%d: gva2gpa of %d kernel addresses (samples, kallsyms) "
               "equals QEMU's" % (label, cpu, len(want[cpu])),
               not bad and len(want[cpu]) > 100, "\n".join(bad[:10]))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    pgstub = argv[1]
    tap = Tap()
    for d in argv[2:]:
        with open(os.path.join(d, "meta.json")) as f:
            meta = json.load(f)
        name = meta["config"]

        def ok(what, good, diag=None, name=name):
            tap.ok("%s: %s" % (name, what), good, diag)
        work = tempfile.mkdtemp(prefix="pgstub-vmci.")
        try:
            run(tap, ok, pgstub, d, meta, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return tap.plan()


def run(tap, ok, pgstub, d, meta, work):
    cpus = meta["cpus"]
    level = "5-level" if "-5l" in meta["config"] else "4-level"
    noqemu, bare = os.path.join(work, "noqemu.elf"), os.path.join(work, "bare.elf")
    kd = os.path.join(work, "noqemu.kdump")
    vmci = os.path.join(work, "vmcoreinfo.txt")
    made = subprocess.run([sys.executable, STRIP, os.path.join(d, "dump.elf"), noqemu]).returncode == 0 and \
        subprocess.run([sys.executable, STRIP, "--drop", "QEMU", "--drop", "VMCOREINFO",
                        os.path.join(d, "dump.elf"), bare]).returncode == 0 and \
        subprocess.run([sys.executable, STRIP, os.path.join(d, "dump.kdump"), kd]).returncode == 0
    with open(vmci, "w") as f:
        f.write(meta["vmcoreinfo"])
    lst = subprocess.run([sys.executable, STRIP, "--list", noqemu],
                         stdout=subprocess.PIPE).stdout.decode()
    names = [l.split("\t")[0] for l in lst.splitlines() if "\t" in l]
    ok("strip_notes: noqemu.elf keeps NT_PRSTATUS and VMCOREINFO, no QEMU note",
       made and "QEMU" not in names and "VMCOREINFO" in names and "CORE" in names, lst)

    # The truth: kernel addresses, as QEMU translated them from the user
    # CR3 the vCPUs held (no PTI on this guest: the kernel half is the
    # kernel's own tables).
    want, user, reads = {}, {}, {}
    for cpu in cpus:
        s = samples(d, cpu)
        want[cpu] = [t for t in s if t[0] >= KERNEL[level] and t[1] != "noncanonical"]
        user[cpu] = [t for t in s if t[1].startswith("mapped-user")]
        reads[cpu] = x_reads(d, cpu, KERNEL[level])
    ksyms = {l.split()[2]: int(l.split()[0], 16) for l in meta["guest"]["kallsyms"]}
    banner = ksyms.get("linux_banner")

    def kernel_jobs(cpu, with_reads=True):
        cmds = [("g%x" % a, "cli", "monitor gva2gpa %#x" % a) for a, _, _ in want[cpu]]
        if with_reads:
            cmds += [("x%x" % a, "mem", (a, len(b))) for a, b in reads[cpu]]
        return cmds

    jobs = []
    for cpu in cpus:
        cmds = kernel_jobs(cpu) + [("regs", "cli", "info registers rip rsp cr3"),
                                   ("mregs", "cli", "monitor info registers")]
        if cpu == 0 and banner:
            cmds.append(("banner", "cli", "x/s %#x" % banner))
            cmds.append(("user", "cli", "monitor gva2gpa %#x" % user[0][0][0]))
        jobs.append((cpu, cmds))
    got = session(pgstub, noqemu, jobs)
    ok("GDB session on noqemu.elf", got is not None)
    got = got or {}
    translations(ok, "noqemu.elf", got, want, cpus)
    for cpu in cpus:
        bad = ["%#x: QEMU %s pgstub %s" % (a, b.hex(), got.get((cpu, "x%x" % a)))
               for a, b in reads[cpu] if got.get((cpu, "x%x" % a), [""])[0] != b.hex()]
        ok("noqemu.elf: cpu%d: GDB reads the bytes QEMU's x printed at %d kernel "
           "addresses" % (cpu, len(reads[cpu])), not bad and len(reads[cpu]) > 10,
           "\n".join(bad[:10]))
        q = qemu_regs(d, cpu)
        regs = {}
        for line in got.get((cpu, "regs"), []):
            m = re.match(r"^(\w+)\s+(0x[0-9a-f]+)", line)
            if m:
                regs[m.group(1)] = int(m.group(2), 16)
        ok("noqemu.elf: cpu%d: GDB reads rip/rsp from NT_PRSTATUS as QEMU had "
           "them, cr3 as 0 (not in the dump)" % cpu,
           regs.get("rip") == q["rip"] and regs.get("rsp") == q["rsp"] and
           regs.get("cr3") == 0, "%r vs QEMU %r" % (regs, q))
        mr = "\n".join(got.get((cpu, "mregs"), []))
        ok("noqemu.elf: cpu%d: monitor info registers says the root is "
           "init_top_pgt from VMCOREINFO" % cpu,
           "pgstub: paging: kernel page tables from VMCOREINFO (init_top_pgt"
           in mr and level + ")" in mr and "--reg cr3=" in mr, mr)
    if banner:
        b = " ".join(got.get((0, "banner"), []))
        ok("noqemu.elf: x/s linux_banner reads the guest's banner",
           "Linux version " + meta["guest"]["uname"].split()[0] in b, b)
    u = " ".join(got.get((0, "user"), []))
    ok("noqemu.elf: a user address is refused: the kernel's root says "
       "nothing of user space, and --reg cr3= would give it",
       "--reg cr3=" in u and "gpa:" not in u and "Unmapped" not in u, repr(u))

    # --reg cr3= wins: cpu0's user addresses as QEMU translated them.
    cr3 = qemu_regs(d, 0)["cr3"]
    jobs = [(0, [("g%x" % a, "cli", "monitor gva2gpa %#x" % a) for a, _, _ in user[0]] +
             [("mregs", "cli", "monitor info registers")])]
    got = session(pgstub, noqemu, jobs, ["--reg", "cr3=%#x" % cr3]) or {}
    bad = ["%#x: QEMU %r pgstub %r" % (a, q, got.get((0, "g%x" % a)))
           for a, _, q in user[0] if got.get((0, "g%x" % a), [None])[0] != q]
    ok("noqemu.elf --reg cr3=%#x: %d user addresses translate as QEMU said"
       % (cr3, len(user[0])), not bad and len(user[0]) > 20, "\n".join(bad[:10]))
    mr = "\n".join(got.get((0, "mregs"), []))
    ok("noqemu.elf --reg cr3=: info registers says CR3 as given, mode from VMCOREINFO",
       "CR3 %#x as given; paging mode (%s) from VMCOREINFO" % (cr3, level) in mr, mr)

    # kdump-compressed: VMCOREINFO from the kdump file.
    got = session(pgstub, kd, [(cpu, kernel_jobs(cpu, False)) for cpu in cpus]) or {}
    translations(ok, "noqemu.kdump", got, want, cpus)

    # Neither CR3 nor VMCOREINFO: refused everywhere, physical still read.
    views = ["gva2gpa %#x" % want[0][0][0], "vtop %#x" % want[0][0][0], "info tlb",
             "info mem", "info pg", "ptov 0x1000"]
    # A failing monitor command ends in an error GDB reports after the
    # text: each view is its own -ex, between markers.
    got = {}
    with serve(pgstub, bare) as port:
        argv = [GDB, "-q", "-batch", "-nx", "-ex", "set pagination off",
                "-ex", "target remote 127.0.0.1:%d" % (port or 1)]
        cmds = [("v%d" % i, "monitor " + v) for i, v in enumerate(views)]
        cmds += [("x", "x/2gx %#x" % want[0][0][0]), ("xp", "monitor xp /2gx 0x1000"),
                 ("regs", "info registers rip"), ("mregs", "monitor info registers")]
        for key, c in cmds:
            argv += ["-ex", "echo @@BEGIN 0 %s\\n" % key, "-ex", c, "-ex", "echo @@END\\n"]
        argv += ["-ex", "kill"]
        text = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=600).stdout.decode("latin-1") if port else ""
        got = sections(text)
    ok("GDB attaches to bare.elf (no CR3, no VMCOREINFO)",
       any(l.startswith("rip") for l in got.get((0, "regs"), [])),
       text[-2000:] if port else "no port")
    for i, v in enumerate(views):
        out = "\n".join(got.get((0, "v%d" % i), []))
        ok("bare.elf: monitor %s refuses: %s" % (" ".join(v.split()[:2 if v.startswith("info") else 1]), NOROOT),
           NOROOT in out and "--vmcoreinfo" in out and "--reg cr3=" in out and
           not re.search(r"gpa: |^[0-9a-f]{16}[:-]", out, re.M), out)
    x = "\n".join(got.get((0, "x"), []))
    ok("bare.elf: GDB's x of a kernel address fails", "Cannot access memory" in x, x)
    xp = "\n".join(got.get((0, "xp"), []))
    ok("bare.elf: physical reads still work (monitor xp)",
       re.match(r"0000000000001000: 0x[0-9a-f]{16} 0x[0-9a-f]{16}$", xp) is not None, xp)
    q = qemu_regs(d, 0)
    regs = " ".join(got.get((0, "regs"), []))
    ok("bare.elf: GDB reads rip", ("%#x" % q["rip"]) in regs, regs)
    mr = "\n".join(got.get((0, "mregs"), []))
    ok("bare.elf: monitor info registers says what is missing",
       "pgstub: paging: " + NOROOT in mr and "not in the snapshot, 0 for GDB:" in mr, mr)
    p = subprocess.run([pgstub, "export", "--paging", bare, os.path.join(work, "out.elf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("latin-1")
    ok("bare.elf: pgstub export --paging refuses, saying why", p.returncode != 0 and
       NOROOT in out and not os.path.exists(os.path.join(work, "out.elf")), out)
    p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once", bare],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode() + p.stderr.readline().decode()
    p.kill()
    p.wait()
    p.stderr.close()
    ok("bare.elf: the server says at startup that vCPUs 0-1 have no root",
       "pgstub: vCPUs 0-1: " + NOROOT in line, line)

    # A /proc/vmcore-style ELF names RAM by its direct-map address too:
    # the root is checked against it (the base from QEMU's translations).
    bases = {}
    for a, _, q in want[0]:
        if a < 0xffffffff80000000 and q.startswith("gpa: "):
            b = a - int(q[5:], 16)
            if b % (1 << 30) == 0:
                bases[b] = bases.get(b, 0) + 1
    base = max(bases, key=bases.get) if bases else 0
    for label, vb, say in (("direct-map p_vaddr", base, "agree with vCPU 0's page tables"),
                           ("p_vaddr off by 2 MiB", base + (2 << 20), "warning: PT_LOAD")):
        img = os.path.join(work, "vaddr.elf")
        if os.path.exists(img):
            os.unlink(img)
        subprocess.run([sys.executable, STRIP, "--vaddr-base", "%#x" % vb,
                        os.path.join(d, "dump.elf"), img])
        p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once", img],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        text = "".join(p.stderr.readline().decode() for _ in range(3))
        p.kill()
        p.wait()
        p.stderr.close()
        ok("PT_LOADs with %s (base %#x): the server says the root %s" % (
            label, vb, "agrees" if vb == base else "disagrees"),
           base and say in text, text)

    # --vmcoreinfo FILE puts the root back.
    got = session(pgstub, bare, [(cpu, kernel_jobs(cpu, False)) for cpu in cpus],
                  ["--vmcoreinfo", vmci]) or {}
    translations(ok, "bare.elf --vmcoreinfo FILE", got, want, cpus)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
