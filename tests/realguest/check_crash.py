#!/usr/bin/env python3
"""Check pgstub on the vmcores of a real Linux crash (record_crash.py).

The x86_64-crash recording holds /proc/vmcore as the crash kernel saved it
(vmcore.elf), makedumpfile -c -d 31 of it (vmcore-c-d31.kdump),
makedumpfile -E -d 31 (vmcore-E-d31.elf) and -l -d 0 (vmcore-l.kdump: lzo,
every page), with the truth taken before the
crash: what the first kernel printed (kallsyms, module symbols, vmalloc
areas, /proc/version, its process list) and QEMU's own info registers,
gva2gpa and xp of those addresses (truth.json). Through a real GDB on
`target remote | pgstub --stdio VMCORE`, for each vmcore:

- pgstub opens it (when it refuses a PT_LOAD layout every /proc/vmcore has,
  that is a known gap below, and the rest runs on a copy with those
  PT_LOADs made PT_NULL, so that the other checks still say something);
- monitor gva2gpa of every kernel address (text, rodata, data, module
  text, vmalloc areas, per-CPU variables) equals QEMU's before the crash;
- GDB reads the bytes QEMU's xp printed where they cannot have changed
  (text, rodata, module text, per-CPU cpu_number/this_cpu_off, init_task's
  comm), and linux_banner as the guest's /proc/version;
- monitor vtop and info pg --range show the kernel's own tables;
- GDB's registers are each CPU's NT_PRSTATUS (parsed here from the ELF
  notes), and the crashing CPU's task is the shell that wrote to
  /proc/sysrq-trigger (found through the per-CPU current_task);
- the task list walked through GDB holds the guest's process list;
- a user address without --reg cr3= says the root is unknown; with
  --reg cr3= (QEMU's CR3 before the crash) it translates as QEMU said;
- every PT_LOAD's p_vaddr translates to its p_paddr (vmcore.elf, -E);
- with the -dbg package's vmlinux and Linux's scripts/gdb
  (fetch-crash-dbg.sh, outside CI), lx-dmesg shows the crash message;
- in the -d 31 files a filtered-out page says "not in the dump" (monitor
  xp, and monitor x through the direct map: GDB's own x has one message);
  in the others it reads as vmcore.elf has it.

Known gaps of pgstub are TAP TODO (an automake XFAIL; XPASS once fixed,
which fails the run until the entry in KNOWN_GAPS goes).
Output is TAP. usage: check_crash.py PGSTUB OUTDIR
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from gdbsession import QUIET, Tap, run_gdb, run_jobs  # noqa: E402

GDB = os.environ.get("GDB", "gdb")
VMCORES = [("vmcore.elf", "elf", False), ("vmcore-c-d31.kdump", "kdump", True),
           ("vmcore-E-d31.elf", "elf", True), ("vmcore-l.kdump", "kdump", False)]
# What pgstub gets wrong today, by check; TAP TODO while listed.
KNOWN_GAPS = {}
PT_LOAD, PT_NOTE = 1, 4
# x86_64 struct elf_prstatus: pr_reg (27 u64, user_regs_struct) at 112.
PR_REG = ["r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
          "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
          "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"]
CHECK_REGS = [r for r in PR_REG if r != "orig_rax"]
# Bytes that cannot change between QEMU's xp and the crash: text, rodata,
# module text, and these data words (how many bytes of each).
# (start_kernel is __init: freed after boot, poisoned, and filtered by -d 31.)
STABLE = {"_text": 64, "_stext": 64, "panic": 64,
          "sysrq_handle_crash": 64, "linux_banner": 256, "sys_call_table": 64,
          "__start_rodata": 64, "page_offset_base": 8, "vmalloc_base": 8,
          "vmemmap_base": 8, "phys_base": 8, "cpu_number@cpu0": 4,
          "cpu_number@cpu1": 4, "this_cpu_off@cpu0": 8, "this_cpu_off@cpu1": 8}


def elf_headers(path):
    """[(p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, phdr_off)]."""
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        t, _, off, va, pa, fsz, msz = struct.unpack_from("<IIQQQQQ", ph, i * phentsize)
        out.append((t, off, va, pa, fsz, msz, phoff + i * phentsize))
    return out


def prstatus(path):
    """[{reg: value, "pid": n}] of each NT_PRSTATUS note, in file order."""
    out = []
    with open(path, "rb") as f:
        for t, off, _, _, fsz, _, _ in elf_headers(path):
            if t != PT_NOTE:
                continue
            f.seek(off)
            notes = f.read(fsz)
            i = 0
            while i + 12 <= len(notes):
                nsz, dsz, typ = struct.unpack_from("<III", notes, i)
                name = notes[i + 12:i + 12 + nsz].rstrip(b"\0")
                d = i + 12 + (nsz + 3) // 4 * 4
                desc = notes[d:d + dsz]
                i = d + (dsz + 3) // 4 * 4
                if name == b"CORE" and typ == 1 and dsz >= 112 + 27 * 8:
                    regs = dict(zip(PR_REG, struct.unpack_from("<27Q", desc, 112)))
                    regs["pid"], = struct.unpack_from("<I", desc, 32)
                    out.append(regs)
    return out


def null_kernel_text_loads(src, dst):
    """A copy of src whose PT_LOADs of the kernel-text mapping are PT_NULL:
    what is left maps every physical page once."""
    shutil.copyfile(src, dst)
    n = 0
    with open(dst, "r+b") as f:
        for t, _, va, _, _, _, at in elf_headers(dst):
            if t == PT_LOAD and va >= 0xffffffff80000000:
                f.seek(at)
                f.write(struct.pack("<I", 0))
                n += 1
    return n


def probe(pgstub, image):
    """(True, "") when pgstub serves image, else (False, what it said)."""
    p = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once", image],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    text = ""
    for raw in p.stderr:
        text += raw.decode("latin-1")
        if "listening on" in text:
            break
    p.kill()
    p.wait()
    p.stderr.close()
    return "listening on" in text, text


def session(pgstub, image, jobs, extra=()):
    setup = QUIET + ["target remote | %s --stdio %s %s" % (pgstub, " ".join(extra), image),
                     "set mem inaccessible-by-default off"]
    got, log = run_jobs(GDB, setup, jobs, finish=["kill"])
    return got, log


def first(got, key):
    v = got.get(key)
    return v[0] if v else None


def gdb_regs(lines):
    regs = {}
    for line in lines or []:
        m = re.match(r"^(\w+)\s+(0x[0-9a-f]+|-?\d+)", line)
        if m:
            regs[m.group(1)] = int(m.group(2), 0) & ((1 << 64) - 1)
    return regs


# Walks init_task.tasks inside GDB: the list_head offset is the one whose
# next pointer leads, tasks_off back, to a task with a printable comm at
# COMM, and round the ring back to init_task. Prints each task's address
# and its first COMM+16 bytes.
WALK_PY = r"""
import gdb
inf = gdb.selected_inferior()
def u64(a):
    if not 0 <= a < 1 << 64:
        raise gdb.error("not an address")
    return int.from_bytes(bytes(inf.read_memory(a, 8)), "little")
def comm(t):
    if not 0 <= t + COMM < 1 << 64:
        raise gdb.error("not an address")
    b = bytes(inf.read_memory(t + COMM, 16))
    return b.split(b"\0")[0]
found = None
for off in range(0, COMM, 8):
    try:
        seen, t, ok = 0, INIT, True
        while seen < 2000:
            t = u64(t + off) - off
            seen += 1
            if t == INIT:
                break
            c = comm(t)
            if not c or not all(32 <= x < 127 for x in c):
                ok = False
                break
        if ok and t == INIT and seen > 5:
            found = off
            break
    except gdb.error:
        continue
print("@@TASKS_OFF %s" % found)
if found is not None:
    t = INIT
    while True:
        print("@@TASK %x %s" % (t, bytes(inf.read_memory(t, COMM + 16)).hex()))
        t = u64(t + found) - found
        if t == INIT:
            break
for c, p in PCPU:
    try:
        cur = u64(p)
        print("@@CURRENT %d %x %s" % (c, cur, comm(cur).decode("latin-1")))
    except gdb.error as e:
        print("@@CURRENT %d ERROR %s" % (c, e))
"""


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    pgstub, d = argv[1], argv[2]
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(d, "truth.json")) as f:
        truth = json.load(f)
    tap = Tap()
    work = tempfile.mkdtemp(prefix="pgstub-crash.")
    try:
        notes = prstatus(os.path.join(d, "vmcore.elf"))
        g = meta["guest"]
        busy = [int(b.split("pid=")[1]) for b in g["busy"]]
        tap.ok("vmcore.elf: one NT_PRSTATUS per vCPU, the crashing one from the "
               "shell that wrote to sysrq-trigger (pid %s), the other a busy loop" % g["self"],
               len(notes) == len(meta["cpus"]) and
               int(g["self"]) in [n["pid"] for n in notes] and
               all(n["pid"] in busy + [int(g["self"])] for n in notes),
               repr([n["pid"] for n in notes]))
        # PGSTUB_VMCORES (the sanitizer build): a representative few.
        pick = os.environ.get("PGSTUB_VMCORES", "").split()
        for name, kind, filtered in VMCORES:
            if pick and name not in pick:
                continue
            check_vmcore(tap, pgstub, d, meta, truth, notes, work, name, kind, filtered)
        check_dmesg(tap, pgstub, d, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tap.plan()


def todo(tap, gap, what, good, diag=None):
    """A check pgstub fails today for a known reason: TAP TODO, whose
    failure the TAP driver counts as expected (XFAIL), so the exit status
    must not count it either."""
    if not gap:
        tap.ok(what, good, diag)
        return
    failed = tap.failed
    tap.ok("%s # TODO %s" % (what, KNOWN_GAPS[gap]), good, diag)
    tap.failed = failed


def check_vmcore(tap, pgstub, d, meta, truth, notes, work, name, kind, filtered):
    image = os.path.join(d, name)

    def ok(what, good, diag=None, gap=None):
        todo(tap, gap, "%s: %s" % (name, what), good, diag)
    opened, said = probe(pgstub, image)
    overlap = kind == "elf" and not opened and "overlaps PT_LOAD" in said
    ok("pgstub opens it", opened, said)
    if overlap:
        copy = os.path.join(work, name)
        n = null_kernel_text_loads(image, copy)
        opened, said = probe(pgstub, copy)
        ok("a copy with its %d kernel-text PT_LOADs made PT_NULL opens: the "
           "checks below read that" % n, opened, said)
        image = copy
    if not opened:
        return
    cpus = meta["cpus"]
    k = truth["kernel"]
    banner = k["linux_banner"]["va"]
    # Module text cannot change either.
    stable = dict((n, ln) for n, ln in STABLE.items() if n in k and k[n].get("xp"))
    stable.update((n, 64) for n in k if n.endswith("]") and k[n].get("xp"))
    crasher = [i for i, n in enumerate(notes) if n["pid"] == int(meta["guest"]["self"])]
    jobs = []
    for cpu in cpus:
        cmds = [("g:" + n, "cli", "monitor gva2gpa %#x" % e["va"]) for n, e in sorted(k.items())]
        cmds += [("m:" + n, "mem", (k[n]["va"], ln)) for n, ln in stable.items()]
        cmds += [("comm", "mem", (k["init_task"]["va"], 0x3000)),
                 ("regs", "cli", "info registers"),
                 ("user", "cli", "monitor gva2gpa 0x400000"),
                 ("banner", "cli", "x/s %#x" % banner),
                 ("vtop", "cli", "monitor vtop %#x" % banner),
                 ("pg", "cli", "monitor info pg --range %#x %#x" % (banner & ~0x1fffff,
                                                                     (banner | 0x1fffff) + 1))]
        for va in (e["va"] for n, e in k.items() if n.startswith("vmalloc") and "+" not in n):
            cmds.append(("vm%x" % va, "mem", (va, 64)))
        jobs.append((cpu, cmds))
    got, log = session(pgstub, image, jobs)
    ok("GDB session through pgstub --stdio", bool(got), log[-2000:])
    if not got:
        return
    for cpu in cpus:
        bad = ["%s %#x: QEMU %r pgstub %r" % (n, e["va"], e["gva2gpa"], first(got, (cpu, "g:" + n)))
               for n, e in sorted(k.items()) if first(got, (cpu, "g:" + n)) != e["gva2gpa"]]
        kinds = sorted({re.sub(r"\d+(\+page)?$|@cpu\d$|\[.*\]$", "", n) for n in k})
        ok("cpu%d: monitor gva2gpa of %d kernel addresses (%s) equals QEMU's before "
           "the crash" % (cpu, len(k), ", ".join(kinds)), not bad, "\n".join(bad))
    bad = []
    for key, ln in stable.items():
        want = k[key]["xp"][:ln * 2]
        have = first(got, (0, "m:" + key))
        if have != want:
            bad.append("%s %#x: QEMU %s pgstub %s" % (key, k[key]["va"], want, have))
    ok("GDB reads what QEMU's xp showed at %d addresses whose bytes cannot change "
       "(text, rodata, module text, per-CPU cpu_number/this_cpu_off, *_base)"
       % len(stable), not bad and len(stable) > 10, "\n".join(bad))
    xp = bytes.fromhex(k["init_task"]["xp"])
    comm_off = xp.find(b"swapper/0\0")
    have = first(got, (0, "comm")) or ""
    ok("init_task: comm 'swapper/0' where QEMU's xp had it (offset %#x)" % comm_off,
       comm_off > 0 and have[comm_off * 2:comm_off * 2 + 20] == b"swapper/0\0".hex(),
       have[comm_off * 2:comm_off * 2 + 40])
    b = " ".join(got.get((0, "banner"), []))
    ok("x/s linux_banner is the guest's /proc/version",
       meta["guest"]["version"].strip() in b.replace("\\n", ""), b)
    vt = "\n".join(got.get((0, "vtop"), []))
    gpa = k["linux_banner"]["gva2gpa"].split()[-1]
    ok("monitor vtop linux_banner walks the kernel's PML4 to QEMU's %s" % gpa,
       "PML4[" in vt and re.search(r"-> 0x0*%s " % gpa[2:], vt) is not None, vt)
    pg = "\n".join(got.get((0, "pg"), []))
    ok("monitor info pg --range shows the 2M leaf of linux_banner at QEMU's frame",
       re.search(r"PD\[[0-9a-f]{3}\].* 0*%x\b" % ((int(gpa, 16) & ~0x1fffff) >> 12), pg)
       is not None, pg)
    vm = [n for n in k if n.startswith("vmalloc") and "+" not in n]
    bad = [n for n in vm if not re.match(r"^[0-9a-f]{128}$",
                                          first(got, (0, "vm%x" % k[n]["va"])) or "")]
    ok("GDB reads %d vmalloc areas" % len(vm), vm and not bad,
       "\n".join("%s: %s" % (n, first(got, (0, "vm%x" % k[n]["va"]))) for n in bad))
    for cpu in cpus:
        have = gdb_regs(got.get((cpu, "regs")))
        want = notes[cpu]
        bad = ["%s: NT_PRSTATUS %#x GDB %s" % (r, want[r], "%#x" % have[r] if r in have else None)
               for r in CHECK_REGS if have.get(r) != want[r]]
        ok("cpu%d: GDB's registers are NT_PRSTATUS's (%d registers%s)" % (
            cpu, len(CHECK_REGS), ", the crashing CPU" if cpu in crasher else ""),
           not bad, "\n".join(bad))
    for cpu in cpus:
        # the refusal (GDB adds "Protocol error with Rcmd" for its error
        # reply, in whichever order its two streams arrive)
        u = " ".join(got.get((cpu, "user")) or [])
        ok("cpu%d: a user address without --reg cr3= says the root is unknown" % cpu,
           "--reg cr3=" in u and "gpa:" not in u, u)
    check_tasks(ok, pgstub, image, meta, k, comm_off, crasher)
    check_user_cr3(ok, pgstub, image, truth, cpus, filtered)
    if kind == "elf":
        check_ptloads(ok, pgstub, image, os.path.join(d, name))
    if filtered:
        check_filtered(ok, pgstub, image, d, truth)
    else:
        check_unfiltered(ok, pgstub, image, d)


def check_tasks(ok, pgstub, image, meta, k, comm_off, crasher):
    """The process list, walked through GDB from init_task."""
    pcpu = [(c, k["current_task@cpu%d" % c]["va"]) for c in meta["cpus"]
            if "current_task@cpu%d" % c in k]
    script = "python\nINIT = %d\nCOMM = %d\nPCPU = %r\n%s\nend" % (
        k["init_task"]["va"], comm_off, pcpu, WALK_PY)
    text = run_gdb(GDB, QUIET + ["target remote | %s --stdio %s" % (pgstub, image), script,
                                 "kill"])
    tasks = []
    for m in re.finditer(r"^@@TASK ([0-9a-f]+) ([0-9a-f]+)$", text, re.M):
        tasks.append((int(m.group(1), 16), bytes.fromhex(m.group(2))))
    ps = {pid: comm for pid, comm in meta["guest"]["ps"]}
    walked = [t[1][comm_off:comm_off + 16].split(b"\0")[0].decode("latin-1") for t in tasks]
    # The pid offset: init_task's holds 0 and the most tasks there hold a
    # pid the guest listed with that comm (task comm is cut to 15 bytes;
    # /proc shows kthreads' full names, kworkers' with "-workqueue").
    pid_off, best = None, 0
    for off in range(0, comm_off, 4):
        pids = [struct.unpack_from("<i", t[1], off)[0] for t in tasks]
        if not pids or pids[0] != 0 or len(set(pids)) != len(pids):
            continue
        n = sum(1 for p, c in zip(pids, walked) if c and ps.get(p, "").startswith(c))
        if n > best:
            pid_off, best = off, n
    listed = {p for p, c in ps.items() if not c.startswith("kworker")}
    have = set()
    if pid_off is not None:
        have = {struct.unpack_from("<i", t[1], pid_off)[0] for t in tasks}
    ok("the task list walked from init_task holds the guest's %d processes "
       "(pid, comm; kworkers aside): %d tasks" % (len(listed), len(tasks)),
       pid_off is not None and listed <= have,
       "missing %r\n%s" % (sorted(listed - have), text[-1500:]))
    cur = dict((int(c), n) for c, n in re.findall(r"^@@CURRENT (\d+) [0-9a-f]+ (.*)$", text, re.M))
    self_comm = ps.get(int(meta["guest"]["self"]))
    ok("per-CPU current_task of the crashing CPU is the shell that crashed (%s)" % self_comm,
       crasher and cur.get(crasher[0]) == self_comm, repr(cur))


def check_user_cr3(ok, pgstub, image, truth, cpus, filtered):
    for cpu in cpus:
        regs = truth["regs"]["cpu%d" % cpu]
        want = truth["user"]["cpu%d" % cpu]
        jobs = [(0, [("u%s" % a, "cli", "monitor gva2gpa %s" % a) for a in want])]
        got, log = session(pgstub, image, jobs, ["--reg", "cr3=" + regs["cr3"]])
        bad = ["%s: QEMU %r pgstub %r" % (a, q, first(got, (0, "u%s" % a)))
               for a, q in want.items() if first(got, (0, "u%s" % a)) != q]
        ok("--reg cr3=%s (cpu%d's before the crash): %d user addresses translate "
           "as QEMU said" % (regs["cr3"], cpu, len(want)), not bad, "\n".join(bad) or log[-500:])


def check_ptloads(ok, pgstub, image, original):
    """Each PT_LOAD's p_vaddr, middle and last page translate to p_paddr."""
    want = []
    for t, _, va, pa, _, msz, _ in elf_headers(original):
        if t != PT_LOAD or not va:
            continue
        for off in sorted({0, (msz // 2) & ~0xfff, (msz - 1) & ~0xfff}):
            want.append((va + off, pa + off))
    jobs = [(0, [("p%x" % va, "cli", "monitor gva2gpa %#x" % va) for va, _ in want])]
    got, _ = session(pgstub, image, jobs)
    bad = ["%#x: p_paddr %#x pgstub %r" % (va, pa, first(got, (0, "p%x" % va)))
           for va, pa in want if first(got, (0, "p%x" % va)) != "gpa: %#x" % pa]
    ok("%d PT_LOAD p_vaddr (start, middle, last page) translate to their p_paddr"
       % len(want), want and not bad, "\n".join(bad))


def page_bytes(d, gpa, n):
    """n bytes at physical gpa, read from vmcore.elf's direct-map PT_LOADs."""
    path = os.path.join(d, "vmcore.elf")
    for t, off, va, pa, fsz, _, _ in elf_headers(path):
        if t == PT_LOAD and va < 0xffffffff80000000 and pa <= gpa < pa + fsz:
            with open(path, "rb") as f:
                f.seek(off + gpa - pa)
                return f.read(n)
    return None


def check_unfiltered(ok, pgstub, image, d):
    """The page the -d 31 files leave out is here, as vmcore.elf has it."""
    gpa = filtered_page(d)
    if gpa is None:
        ok("vmcore.elf has a non-zero page the -d 31 files leave out", False)
        return
    data = page_bytes(d, gpa, 16)
    want = "%016x: 0x%016x 0x%016x" % ((gpa,) + struct.unpack("<QQ", data))
    got, _ = session(pgstub, image, [(0, [("xp", "cli", "monitor xp /2gx %#x" % gpa)])])
    have = first(got, (0, "xp"))
    ok("monitor xp of %#x (a page -d 31 leaves out) reads vmcore.elf's bytes" % gpa,
       have == want, "want %r\nhave %r" % (want, have))


def filtered_page(d):
    """A page of RAM vmcore.elf holds, not zero there, that makedumpfile
    -d 31 left out (it is in no PT_LOAD's file data of the -E file)."""
    kept = [(pa, pa + fsz) for t, _, _, pa, fsz, _, _ in
            elf_headers(os.path.join(d, "vmcore-E-d31.elf")) if t == PT_LOAD]
    with open(os.path.join(d, "vmcore.elf"), "rb") as f:
        for t, off, va, pa, fsz, _, _ in elf_headers(os.path.join(d, "vmcore.elf")):
            if t != PT_LOAD or va >= 0xffffffff80000000:
                continue
            for page in range(pa, pa + fsz, 0x1000):
                if any(lo <= page < hi for lo, hi in kept):
                    continue
                f.seek(off + page - pa)
                if f.read(0x1000).strip(b"\0"):
                    return page
    return None


def check_filtered(ok, pgstub, image, d, truth):
    """A page -d 31 left out reads as not in the dump, physically and
    through the direct map."""
    gpa = filtered_page(d)
    ok("vmcore.elf has a non-zero page the -d 31 files leave out: %s"
       % (gpa and "%#x" % gpa), gpa is not None)
    if gpa is None:
        return
    pob = int.from_bytes(bytes.fromhex(truth["kernel"]["page_offset_base"]["xp"][:16]), "little")
    jobs = [(0, [("xp", "cli", "monitor xp /2gx %#x" % gpa),
                 ("x", "cli", "monitor x /2gx %#x" % (pob + gpa))])]
    got, _ = session(pgstub, image, jobs)
    xp = "\n".join(got.get((0, "xp"), []))
    x = "\n".join(got.get((0, "x"), []))
    gap = None
    ok("monitor xp of the filtered page %#x says not in the dump" % gpa,
       "not in the dump" in xp, xp, gap=gap)
    ok("monitor x through the direct map (%#x) says not in the dump" % (pob + gpa),
       "not in the dump" in x, x, gap=gap)


def vmcoreinfo(path):
    """{KEY: value} of the VMCOREINFO note of an ELF vmcore."""
    with open(path, "rb") as f:
        for t, off, _, _, fsz, _, _ in elf_headers(path):
            if t == PT_NOTE:
                f.seek(off)
                notes = f.read(fsz)
    i = notes.find(b"VMCOREINFO\0")
    text = notes[i + 12:].split(b"\0")[0].decode("latin-1") if i >= 0 else ""
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def check_dmesg(tap, pgstub, d, work):
    """Linux's scripts/gdb lx-dmesg on the kdump-compressed vmcore, with
    the -dbg package's vmlinux relocated by VMCOREINFO's KERNELOFFSET
    (fetch-crash-dbg.sh; far too big for CI, so skipped without it)."""
    dbg = os.path.join(os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub"), "dbg")
    vmlinux, scripts = os.path.join(dbg, "vmlinux"), os.path.join(dbg, "scripts", "gdb")
    what = "vmcore-c-d31.kdump: Linux's lx-dmesg shows the crash"
    if not (os.path.exists(vmlinux) and os.path.isdir(os.path.join(scripts, "linux"))):
        for w in (what, "vmcore-c-d31.kdump: GDB's bt goes through sysrq_handle_crash"):
            tap.ok("%s # SKIP no debug symbols: run tests/realguest/fetch-crash-dbg.sh "
                   "(an 859 MB .deb; outside CI)" % w, True)
        return
    off = int(vmcoreinfo(os.path.join(d, "vmcore.elf")).get("KERNELOFFSET", "0"), 16)
    text = run_gdb(GDB, QUIET + [
        "python import sys; sys.path.insert(0, %r)" % scripts,
        "add-symbol-file %s -o %#x" % (vmlinux, off),
        "python import linux.dmesg",
        "target remote | %s --stdio %s" % (pgstub, os.path.join(d, "vmcore-c-d31.kdump")),
        "lx-dmesg", "thread apply all bt", "kill"], timeout=1800, workdir=work)
    tap.ok(what, "sysrq: Trigger a crash" in text and
           "Kernel panic - not syncing: sysrq triggered crash" in text, text[-3000:])
    tap.ok("vmcore-c-d31.kdump: GDB's bt of the crashing CPU (NT_PRSTATUS, its "
           "vmalloc'd stack) goes through sysrq_handle_crash",
           re.search(r"^#\d+ .*\bsysrq_handle_crash \(", text, re.M) is not None and
           re.search(r"^#\d+ .*\bwrite_sysrq_trigger \(", text, re.M) is not None,
           text[-3000:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
