#!/usr/bin/env python3
"""Check pgstub on an x86_64 migration stream (record_x86mig.py) against
QEMU and against pgstub on the ELF dump of the same stopped guest.

Through GDB, for every vCPU: the registers (rip rsp rflags cr0 cr3 cr4
efer fs_base k_gs_base) equal QEMU's `info registers`; `monitor info tlb`
on guest.mig is byte-identical to QEMU's `info tlb`; and 300 reads of 64
bytes in sampled pages give the same bytes from guest.mig as from dump.elf.

Output is TAP. usage: check_x86mig.py PGSTUB OUTDIR
"""
import json
import os
import random
import re
import subprocess
import sys

GDB = os.environ.get("GDB", "gdb")

GDB_PY = r"""
import gdb, json
jobs = json.load(open(JOBS))
out = open(OUT, "w")
for cpu, cmds in jobs:
    gdb.execute("thread %d" % (cpu + 1), to_string=True)
    for key, kind, arg in cmds:
        try:
            if kind == "cli":
                text = gdb.execute(arg, to_string=True)
            else:
                text = bytes(gdb.selected_inferior().read_memory(arg[0], arg[1])).hex()
        except gdb.error as e:
            text = "ERROR %s" % e
        out.write("@@BEGIN %d %s\n%s\n@@END\n" % (cpu, key, text))
out.close()
"""


def session(pgstub, image, jobs, tag):
    srv = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once", image],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = None
    for line in srv.stderr:
        m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        srv.kill()
        srv.wait()
        return None
    base = "/tmp/pgstub-x86mig-%d-%s" % (os.getpid(), tag)
    with open(base + ".json", "w") as f:
        json.dump(jobs, f)
    with open(base + ".py", "w") as f:
        f.write("JOBS = %r\nOUT = %r\n" % (base + ".json", base + ".out") + GDB_PY)
    cmds = ["set pagination off", "set confirm off", "set width 0",
            "target remote 127.0.0.1:%d" % port,
            "set mem inaccessible-by-default off", "source " + base + ".py", "kill"]
    try:
        subprocess.run([GDB, "-q", "-batch", "-nx"] + [a for c in cmds for a in ("-ex", c)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    finally:
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    got, cur = {}, None
    try:
        with open(base + ".out") as f:
            for line in f.read().splitlines():
                if line.startswith("@@BEGIN "):
                    _, c, key = line.split(" ", 2)
                    cur = got.setdefault((int(c), key), [])
                elif line == "@@END":
                    cur = None
                elif cur is not None:
                    cur.append(line)
    except OSError:
        return None
    for ext in (".json", ".py", ".out"):
        os.unlink(base + ext)
    return got


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    pgstub, d = argv[1], argv[2]
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    n = 0
    failed = 0

    def ok(name, good, diag=""):
        nonlocal n, failed
        n += 1
        print(("ok %d - %s" if good else "not ok %d - %s") % (n, name))
        if not good:
            failed += 1
            for line in diag.splitlines()[:20]:
                print("#   " + line)

    rng = random.Random("x86mig")
    jobs, truth = [], {}
    for cpu in meta["cpus"]:
        cd = os.path.join(d, "cpu%d" % cpu)
        with open(os.path.join(cd, "info_registers.txt"), "rb") as f:
            regs = f.read().decode("latin-1")
        with open(os.path.join(cd, "info_tlb.txt"), "rb") as f:
            tlb = f.read().decode("latin-1").replace("\r\n", "\n").splitlines()
        truth[cpu] = (regs, tlb)
        leaves = [int(l.split(":")[0], 16) for l in tlb if ":" in l]
        cmds = [("regs", "cli", "info registers rip rsp eflags cr0 cr3 cr4 efer fs_base k_gs_base"),
                ("tlb", "cli", "monitor info tlb")]
        for i, va in enumerate(rng.sample(leaves, min(300, len(leaves)))):
            cmds.append(("m%d" % i, "mem", (va + rng.randrange(4096 - 64), 64)))
        jobs.append((cpu, cmds))
    mig = session(pgstub, os.path.join(d, "guest.mig"), jobs, "mig")
    elf = session(pgstub, os.path.join(d, "dump.elf"), jobs, "elf")
    ok("GDB sessions on guest.mig and dump.elf", mig is not None and elf is not None)
    if mig is None or elf is None:
        print("1..%d" % n)
        return 1
    for cpu, (regs, tlb) in sorted(truth.items()):
        want = {}
        for k, pat in (("rip", r"RIP=([0-9a-f]+)"), ("rsp", r"RSP=([0-9a-f]+)"),
                       ("eflags", r"RFL=([0-9a-f]+)"), ("cr0", r"CR0=([0-9a-f]+)"),
                       ("cr3", r"CR3=([0-9a-f]+)"), ("cr4", r"CR4=([0-9a-f]+)"),
                       ("efer", r"EFER=([0-9a-f]+)"), ("fs_base", r"FS =\w+ ([0-9a-f]+)")):
            m = re.search(pat, regs)
            if m:
                want[k] = int(m.group(1), 16)
        have = {}
        for line in mig.get((cpu, "regs"), []):
            m = re.match(r"^(\w+)\s+(0x[0-9a-f]+)", line)
            if m:
                have[m.group(1)] = int(m.group(2), 16)
        bad = ["%s: pgstub %s QEMU %#x" % (k, hex(have[k]) if k in have else None, v)
               for k, v in sorted(want.items()) if have.get(k) != v]
        ok("cpu%d: guest.mig registers (%s) equal QEMU's" % (cpu, " ".join(sorted(want))),
           not bad and len(want) == 8, "\n".join(bad))
        mine = [l for l in mig.get((cpu, "tlb"), []) if l]
        qemu = [l for l in tlb if l]
        first = next((i for i in range(min(len(mine), len(qemu))) if mine[i] != qemu[i]), None)
        ok("cpu%d: info tlb on guest.mig byte-identical to QEMU's (%d lines)" % (cpu, len(qemu)),
           mine == qemu, "pgstub %d lines, QEMU %d; first difference at %s: %r vs %r" % (
               len(mine), len(qemu), first, mine[first] if first is not None else None,
               qemu[first] if first is not None else None))
        keys = [k for (c, k) in mig if c == cpu and k.startswith("m")]
        bad = [k for k in keys if mig[(cpu, k)] != elf.get((cpu, k)) or
               mig[(cpu, k)][0].startswith("ERROR")]
        ok("cpu%d: %d reads equal from guest.mig and dump.elf" % (cpu, len(keys)),
           not bad and len(keys) > 0, "\n".join("%s: mig %s elf %s" % (
               k, mig[(cpu, k)], elf.get((cpu, k))) for k in bad[:10]))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
