#!/usr/bin/env python3
"""Check pgstub against QEMU's own answers on recorded ppc64 guests.

For each configuration recorded by record_ppc64.py, one batch-mode
gdb-multiarch connects to `pgstub --listen … guest.mig` (the migration
stream QEMU wrote) and, for every vCPU (GDB thread), reads the registers,
runs `monitor info slb`, `monitor info hpt`, `monitor gva2gpa` on every
sampled address and reads every recorded `x` range through GDB's own memory
reads (so through pgstub's hash walker). Everything is compared with QEMU's
output recorded from the same stopped guest:

  registers  NIP/MSR/CR/LR/CTR/XER/r1 == QEMU's `info registers`
  info slb   byte-identical to QEMU's `info tlb` (dump_slb)
  gva2gpa    each line equal to QEMU's (recorded with MSR[PR]=0, IR=DR=1,
             AMR=0: the debugger's view)
  x          the bytes of QEMU's `x /Ngx` (printed big-endian) or `/Nbx`
  info hpt   valid HPTEs present, of the page sizes the configuration uses

Output is TAP. usage: check_ppc64.py PGSTUB GUESTS_DIR CONFIG [CONFIG...]
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from gdbsession import QUIET, Tap, run_jobs, serve  # noqa: E402

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")

# Page sizes `info hpt` must show valid HPTEs of (and must not show).
HPT_SIZES = {
    "ppc64-pseries-64k": ({"64K"}, {"16G"}),
    "ppc64-pseries-16m": ({"16M", "64K"}, {"16G"}),
    "ppc64-pseries-4k": ({"4K"}, {"64K", "16M", "16G"}),
    "ppc64-powernv8": ({"64K"}, {"16G"}),
}


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1").replace("\r\n", "\n").split("\n")


def load_cpu(d):
    g2g = []
    for line in read_lines(os.path.join(d, "gva2gpa.tsv")):
        if line:
            addr, out, kind = line.split("\t")
            g2g.append((addr, out, kind))
    xs, cur = [], None
    for line in read_lines(os.path.join(d, "x.txt")):
        if line.startswith("### "):
            cur = [line[4:], []]
            xs.append(cur)
        elif cur is not None and line:
            cur[1].append(line)
    return {"regs": "\n".join(read_lines(os.path.join(d, "info_registers.txt"))),
            "slb": [l for l in read_lines(os.path.join(d, "info_slb.txt")) if l],
            "gva2gpa": g2g, "x": xs}


def x_bytes(cmd, lines):
    """QEMU `x /Nfx ADDR` output -> (addr, n, bytes printed, failed); /g
    words are printed big-endian. QEMU stops at the first unreadable line
    with "Cannot access memory"."""
    m = re.match(r"x /(\d+)([gb])x (0x[0-9a-f]+)$", cmd)
    n, unit, addr = int(m.group(1)), m.group(2), int(m.group(3), 16)
    out, failed = b"", False
    for line in lines:
        if "Cannot access memory" in line:
            failed = True
            break
        for w in line.split(":", 1)[1].split():
            v = int(w, 16)
            out += v.to_bytes(8, "big") if unit == "g" else bytes([v])
    return addr, n * (8 if unit == "g" else 1), out, failed


def qemu_regs(text):
    r = {}
    for k, pat in (("pc", r"NIP ([0-9a-f]+)"), ("lr", r"\bLR ([0-9a-f]+)"),
                   ("ctr", r"\bCTR ([0-9a-f]+)"), ("xer", r"\bXER ([0-9a-f]+)"),
                   ("msr", r"\bMSR ([0-9a-f]+)"), ("cr", r"\nCR ([0-9a-f]+)")):
        m = re.search(pat, text)
        if m:
            r[k] = int(m.group(1), 16)
    m = re.search(r"GPR00 ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)", text)
    if m:
        r["r1"] = int(m.group(2), 16)
        r["r2"] = int(m.group(3), 16)
    return r


def run_gdb(pgstub, mig, truth):
    """One gdb-multiarch session driven by a Python script (a failing
    command does not end it); returns ({(cpu, key): [lines]}, log)."""
    jobs = []
    for cpu, t in sorted(truth.items()):
        cmds = [("regs", "cli", "info registers pc msr cr lr ctr xer r1 r2"),
                ("slb", "cli", "monitor info slb"),
                ("hpt", "cli", "monitor info hpt")]
        for i, (addr, _, _) in enumerate(t["gva2gpa"]):
            cmds.append(("g%d" % i, "cli", "monitor gva2gpa %s" % addr))
        for i, (cmd, lines) in enumerate(t["x"]):
            addr, n, want, failed = x_bytes(cmd, lines)
            cmds.append(("xp%d" % i, "mem", (addr, len(want))))
            cmds.append(("mx%d" % i, "cli", "monitor " + cmd))
            if failed:
                cmds.append(("xf%d" % i, "mem", (addr, n)))
        jobs.append((cpu, cmds))
    setup = QUIET + ["set architecture powerpc:common64",
                     "set endian little"]
    with serve(pgstub, mig) as port:
        if port is None:
            return {}, "pgstub did not start listening"
        # No memory map on ppc64 (its spans are the whole space): GDB
        # asks pgstub for every vCPU's user space as it is.
        setup += ["target remote 127.0.0.1:%d" % port]
        return run_jobs(GDB, setup, jobs, finish=["kill"], timeout=1800)


def check_config(tap, pgstub, cfgdir, name):
    with open(os.path.join(cfgdir, "meta.json")) as f:
        meta = json.load(f)
    truth = {c: load_cpu(os.path.join(cfgdir, "cpu%d" % c)) for c in meta["cpus"]}
    t0 = time.monotonic()
    got, raw = run_gdb(pgstub, os.path.join(cfgdir, "guest.mig"), truth)
    secs = time.monotonic() - t0
    if not got:
        tap.ok("%s: GDB session" % name, False, raw[-3000:])
        return
    n_g2g = sum(len(t["gva2gpa"]) for t in truth.values())
    n_x = sum(len(t["x"]) for t in truth.values())
    tap.note("%s: %d gva2gpa + %d x through GDB in %.1f s" % (name, n_g2g, n_x, secs))
    sizes_seen = set()
    for cpu, t in sorted(truth.items()):
        pre = "%s cpu%d" % (name, cpu)
        # Registers.
        q = qemu_regs(t["regs"])
        g = {}
        for line in got.get((cpu, "regs"), []):
            m = re.match(r"^(\w+)\s+(0x[0-9a-f]+)", line)
            if m:
                g[m.group(1)] = int(m.group(2), 16)
        bad = ["%s: pgstub %s QEMU %s" % (k, hex(g[k]) if k in g else None, hex(v))
               for k, v in sorted(q.items()) if g.get(k) != v]
        tap.ok("%s: registers (%s) equal QEMU's info registers" % (pre, " ".join(sorted(q))),
               not bad and len(q) >= 7, "\n".join(bad) or "QEMU registers not parsed")
        # info slb.
        mine = [l for l in got.get((cpu, "slb"), []) if l]
        tap.ok("%s: info slb byte-identical to QEMU's (%d entries)" % (pre, len(t["slb"]) - 1),
               mine == t["slb"], "pgstub:\n%s\nQEMU:\n%s" % ("\n".join(mine), "\n".join(t["slb"])))
        # info hpt.
        hpt = got.get((cpu, "hpt"), [])
        valid = 0
        for line in hpt:
            m = re.match(r"^valid HPTEs: (\d+)", line)
            if m:
                valid = int(m.group(1))
            m = re.match(r"^\s+(4K|64K|16M|16G)\s+(\d+)", line)
            if m and int(m.group(2)):
                sizes_seen.add(m.group(1))
        tap.ok("%s: info hpt reports %d valid HPTEs" % (pre, valid), valid > 0, "\n".join(hpt))
        # gva2gpa.
        bad, mapped = [], 0
        for i, (addr, q_out, kind) in enumerate(t["gva2gpa"]):
            mine = [l for l in got.get((cpu, "g%d" % i), []) if l]
            if mine != [q_out]:
                bad.append("%s (%s): pgstub %r QEMU %r" % (addr, kind, mine, q_out))
            if q_out.startswith("gpa:"):
                mapped += 1
        tap.ok("%s: gva2gpa equal on %d/%d addresses (%d mapped)" % (
            pre, len(t["gva2gpa"]) - len(bad), len(t["gva2gpa"]), mapped), not bad,
            "\n".join(bad[:25]))
        # x through GDB memory reads.
        bad, partial = [], 0
        for i, (cmd, lines) in enumerate(t["x"]):
            addr, n, want, failed = x_bytes(cmd, lines)
            have = "".join(got.get((cpu, "xp%d" % i), ["<none>"]))
            if have != want.hex():
                bad.append("%s: pgstub %s QEMU %s" % (cmd, have, want.hex()))
            if failed:
                # QEMU could not read past its last line: neither may we.
                partial += 1
                rest = "".join(got.get((cpu, "xf%d" % i), ["<none>"]))
                if not rest.startswith("ERROR"):
                    bad.append("%s: QEMU fails after %d bytes, pgstub read %s"
                               % (cmd, len(want), rest))
        tap.ok("%s: %d x reads through GDB equal QEMU's bytes (%d end unreadable)"
               % (pre, len(t["x"]), partial), not bad, "\n".join(bad[:20]))
        # monitor x: QEMU's text (big-endian words), line for line.
        bad = []
        for i, (cmd, lines) in enumerate(t["x"]):
            mine = [l for l in got.get((cpu, "mx%d" % i), []) if l]
            if mine != lines:
                bad.append("%s:\n  pgstub %r\n  QEMU   %r" % (cmd, mine[:2], lines[:2]))
        tap.ok("%s: monitor x output identical to QEMU's on %d commands" % (pre, len(t["x"])),
               not bad, "\n".join(bad[:10]))
    need, never = HPT_SIZES.get(name, (set(), set()))
    tap.ok("%s: valid HPTEs of page sizes %s (need %s, none of %s)" % (
        name, ",".join(sorted(sizes_seen)) or "-", ",".join(sorted(need)),
        ",".join(sorted(never))), need <= sizes_seen and not (never & sizes_seen))


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    pgstub, guests, configs = argv[1], argv[2], argv[3:]
    tap = Tap()
    for name in configs:
        d = os.path.join(guests, name)
        if not os.path.isfile(os.path.join(d, "meta.json")):
            tap.ok("%s: recording present" % name, False, "no %s/meta.json" % d)
            continue
        check_config(tap, pgstub, d, name)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
