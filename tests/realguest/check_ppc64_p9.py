#!/usr/bin/env python3
"""Check pgstub against QEMU on the POWER9 guests of record_ppc64_p9.py.

ppc64-pseries-p9-hash (disable_radix): check_ppc64.py's checks (the hash
MMU: info slb, info hpt, gva2gpa, x).

ppc64-pseries-p9 and ppc64-powernv9 (radix): one batch-mode gdb-multiarch on `pgstub guest.mig`
per vCPU (GDB thread):
  registers   NIP/MSR/CR/LR/CTR/XER/r1/r2 == QEMU's `info registers`
  gva2gpa     each line equal to QEMU's (QEMU 7.2's gva2gpa walks radix)
  x           GDB's memory reads == QEMU's bytes; `monitor x` == QEMU's text
  info patb   pseries: the registered entry, GR set (radix); powernv:
              PTCR == QEMU's gdbstub, PATE[0] with HR set
  info prtb   PIDR == QEMU's gdbstub (vCPU 0: QEMU serves no other's SPRs),
              PRTE[PIDR] and PRTE[0] hold trees
  info tlb    every address QEMU maps lies in a listed leaf at QEMU's offset
  info mem    every address QEMU maps lies in a listed range; no address
              QEMU cannot translate does
  info pg     lists quadrant 0 (PID = PIDR) and quadrant 3 (PID 0)
  xp          at the physical address QEMU's gva2gpa gives, QEMU's x words
  vtop        of mapped kernel and user addresses: QEMU's physical address
then pgstub on dump.elf and dump.kdump (QEMU's dump-guest-memory of the same
guest as ELF and kdump-zlib, no MMU registers in them): without --reg a kernel address fails naming --reg patb=
(powernv: ptcr=); with --reg patb= (the stream's entry; powernv: ptcr=)
pidr= lpcr= (vCPU 0's, from QEMU's gdbstub), vCPU 0's
samples all equal QEMU's, and the other vCPUs' PID 0 (quadrants 3 and 2)
ones (--reg gives every vCPU vCPU 0's PIDR). powernv: addresses of
quadrants 1 and 2 are sampled too: in hypervisor state with LPIDR 0 they
translate as quadrants 0 and 3 (Power ISA 3.0 Book III 6.7.10.1).

Output is TAP. usage: check_ppc64_p9.py PGSTUB GUESTS_DIR CONFIG [CONFIG...]
"""
import bisect
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import check_ppc64  # noqa: E402
from check_ppc64 import load_cpu, qemu_regs, x_bytes  # noqa: E402
from gdbsession import QUIET, Tap, run_jobs, serve  # noqa: E402

GDB = check_ppc64.GDB
check_ppc64.HPT_SIZES["ppc64-pseries-p9-hash"] = ({"64K"}, {"16G"})
SETUP = QUIET + ["set architecture powerpc:common64", "set endian little"]


def gdb_session(pgstub, image, extra, jobs):
    with serve(pgstub, image, extra) as port:
        if port is None:
            return {}, "pgstub did not start listening"
        return run_jobs(GDB, SETUP + ["target remote 127.0.0.1:%d" % port], jobs,
                        finish=["kill"], timeout=1800)


def lines_of(got, cpu, key):
    return [l for l in got.get((cpu, key), []) if l]


def hv_quadrant(a):
    """Quadrants 1 and 2, which a hypervisor (powernv, MSR[HV] = 1)
    translates through LPIDR's tables (with LPIDR 0, its own)."""
    return a >> 62 in (1, 2)


def check_samples(tap, pre, t, got, only=None):
    """gva2gpa lines (of the samples @only selects) equal QEMU's."""
    bad, n, mapped = [], 0, 0
    for i, (addr, q_out, kind) in enumerate(t["gva2gpa"]):
        if only and not only(int(addr, 16)):
            continue
        n += 1
        mine = lines_of(got, t["cpu"], "g%d" % i)
        if mine != [q_out]:
            bad.append("%s (%s): pgstub %r QEMU %r" % (addr, kind, mine, q_out))
        mapped += q_out.startswith("gpa:")
    tap.ok("%s: gva2gpa equal on %d/%d addresses (%d mapped)" % (
        pre, n - len(bad), n, mapped), n > 0 and not bad, "\n".join(bad[:25]))


def check_x(tap, pre, t, got):
    bad, badm = [], []
    for i, (cmd, lines) in enumerate(t["x"]):
        addr, n, want, failed = x_bytes(cmd, lines)
        have = "".join(got.get((t["cpu"], "xp%d" % i), ["<none>"]))
        if have != want.hex():
            bad.append("%s: pgstub %s QEMU %s" % (cmd, have, want.hex()))
        if failed:
            rest = "".join(got.get((t["cpu"], "xf%d" % i), ["<none>"]))
            if not rest.startswith("ERROR"):
                bad.append("%s: QEMU fails after %d bytes, pgstub read %s"
                           % (cmd, len(want), rest))
        mine = lines_of(got, t["cpu"], "mx%d" % i)
        if mine != lines:
            badm.append("%s:\n  pgstub %r\n  QEMU   %r" % (cmd, mine[:2], lines[:2]))
    tap.ok("%s: %d x reads through GDB equal QEMU's bytes" % (pre, len(t["x"])),
           t["x"] and not bad, "\n".join(bad[:20]))
    tap.ok("%s: monitor x output identical to QEMU's on %d commands" % (pre, len(t["x"])),
           not badm, "\n".join(badm[:10]))


def parse_tlb(lines):
    out = []
    for l in lines:
        m = re.match(r"^([0-9a-f]{16}): ([0-9a-f]{16}) ", l)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return sorted(out)


def parse_mem(lines):
    out = []
    for l in lines:
        m = re.match(r"^([0-9a-f]{16})-([0-9a-f]{16}) ", l)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def check_views(tap, pre, t, got, pidr, ptcr):
    cpu = t["cpu"]
    patb = lines_of(got, cpu, "patb")
    if ptcr is None:
        tap.ok("%s: info patb shows the registered entry with GR=1" % pre,
               any("GR=1" in l for l in patb), "\n".join(patb))
    else:
        tap.ok("%s: info patb: PTCR %s (QEMU's gdbstub), PATE[0] with HR=1"
               % (pre, ptcr), any(l.startswith("PTCR 0x%016x " % int(ptcr, 16))
                                  for l in patb) and any("dw0 HR=1" in l for l in patb),
               "\n".join(patb))
    prtb = lines_of(got, cpu, "prtb")
    text = "\n".join(prtb)
    m = re.search(r"PIDR (\d+)", text)
    have = int(m.group(1)) if m else None
    ok = have is not None and (pidr is None or have == pidr)
    ok = ok and re.search(r"^PRTE\[0\] 0x[0-9a-f]{16}: RTS=", text, re.M) is not None
    ok = ok and re.search(r"^PRTE\[%s\] 0x[0-9a-f]{16}: RTS=" % have, text, re.M) is not None
    tap.ok("%s: info prtb: PIDR %s (QEMU's gdbstub: %s), PRTE[0] and PRTE[PIDR] hold trees"
           % (pre, have, pidr if pidr is not None else "not served"), ok, text)
    # info tlb and info mem against QEMU's translations.
    tlb = parse_tlb(lines_of(got, cpu, "tlb"))
    mem = parse_mem(lines_of(got, cpu, "mem"))
    starts = [v for v, _ in tlb]
    bad_tlb, bad_mem, nmapped, nunmapped = [], [], 0, 0
    for addr, q_out, kind in t["gva2gpa"]:
        a = int(addr, 16)
        if ptcr is not None and hv_quadrant(a):
            # The views list quadrants 0 and 3 once, "and quadrant 1/2"
            # (the hypervisor's twins): look for the address there.
            a ^= 1 << 62
        inmem = any(lo <= a < hi for lo, hi in mem)
        if q_out.startswith("gpa:"):
            nmapped += 1
            gpa = int(q_out.split()[1], 16)
            k = bisect.bisect_right(starts, a) - 1
            if k < 0 or tlb[k][1] + (a - tlb[k][0]) != gpa or a - tlb[k][0] >= 1 << 30:
                bad_tlb.append("%s (%s): QEMU %s, tlb line %s" % (
                    addr, kind, q_out, "%x: %x" % tlb[k] if k >= 0 else None))
            if not inmem:
                bad_mem.append("%s (%s) mapped by QEMU, in no info mem range" % (addr, kind))
        else:
            nunmapped += 1
            if inmem:
                bad_mem.append("%s (%s) unmapped for QEMU, inside an info mem range"
                               % (addr, kind))
    tap.ok("%s: info tlb (%d leaves) holds QEMU's translation of all %d mapped samples"
           % (pre, len(tlb), nmapped), tlb and not bad_tlb, "\n".join(bad_tlb[:20]))
    tap.ok("%s: info mem (%d ranges) covers the %d mapped samples and none of the %d "
           "unmapped" % (pre, len(mem), nmapped, nunmapped), mem and not bad_mem,
           "\n".join(bad_mem[:20]))
    pg = "\n".join(lines_of(got, cpu, "pg"))
    want0 = "quadrant 0 (PID %d," % have if have is not None else "quadrant 0 (PID"
    tap.ok("%s: info pg lists %s…) and quadrant 3 (PID 0, …)" % (pre, want0),
           want0 in pg and "quadrant 3 (PID 0," in pg and "L4[" in pg, pg[:3000])


def physical_views(t):
    """xp and vtop commands whose answers follow from QEMU's: `xp` at the
    physical address QEMU's gva2gpa gives for a page QEMU's `x` read (not
    crossing it); `vtop` of mapped kernel and user samples."""
    pages = {}
    for addr, q_out, _ in t["gva2gpa"]:
        if q_out.startswith("gpa:"):
            a = int(addr, 16)
            pages.setdefault(a >> 12, int(q_out.split()[1], 16) - (a & 0xfff))
    xp = []
    for i, (cmd, lines) in enumerate(t["x"]):
        m = re.match(r"x /(\d+[gb]x) (0x[0-9a-f]+)$", cmd)
        addr, n, want, failed = x_bytes(cmd, lines)
        if failed or addr >> 12 != (addr + n - 1) >> 12 or addr >> 12 not in pages:
            continue
        xp.append(("xp /%s 0x%x" % (m.group(1), pages[addr >> 12] + (addr & 0xfff)), lines))
    vtop = []
    for quadrant in (3, 0):
        vtop += [(addr, int(q.split()[1], 16)) for addr, q, _ in t["gva2gpa"]
                 if q.startswith("gpa:") and int(addr, 16) >> 62 == quadrant][:4]
    return xp, vtop


def check_physical(tap, pre, t, got):
    xp, vtop = physical_views(t)
    bad = []
    for i, (cmd, lines) in enumerate(xp):
        mine = [l.split(":", 1)[1] for l in lines_of(got, t["cpu"], "xpm%d" % i) if ":" in l]
        if mine != [l.split(":", 1)[1] for l in lines]:
            bad.append("%s: pgstub %r, QEMU's x at the virtual address %r"
                       % (cmd, mine[:2], lines[:2]))
    tap.ok("%s: monitor xp at QEMU's physical address prints QEMU's x words on %d "
           "commands" % (pre, len(xp)), xp and not bad, "\n".join(bad[:10]))
    bad = []
    for i, (addr, gpa) in enumerate(vtop):
        text = "\n".join(lines_of(got, t["cpu"], "vtop%d" % i))
        if not re.search(r"^0x%016x -> 0x%016x size " % (int(addr, 16), gpa), text, re.M):
            bad.append("%s: QEMU gpa 0x%x; pgstub:\n%s" % (addr, gpa, text))
    tap.ok("%s: vtop ends at QEMU's physical address for %d kernel and user addresses"
           % (pre, len(vtop)), len(vtop) == 8 and not bad, "\n".join(bad[:5]))


def jobs_for(truth, views=True, only=None):
    jobs = []
    for cpu, t in sorted(truth.items()):
        cmds = [("regs", "cli", "info registers pc msr cr lr ctr xer r1 r2")]
        if views:
            cmds += [("patb", "cli", "monitor info patb"),
                     ("prtb", "cli", "monitor info prtb"),
                     ("tlb", "cli", "monitor info tlb"),
                     ("mem", "cli", "monitor info mem"),
                     ("pg", "cli", "monitor info pg")]
        for i, (addr, _, _) in enumerate(t["gva2gpa"]):
            if only and not only(cpu, int(addr, 16)):
                continue
            cmds.append(("g%d" % i, "cli", "monitor gva2gpa %s" % addr))
        if views:
            xp, vtop = physical_views(t)
            cmds += [("xpm%d" % i, "cli", "monitor " + c) for i, (c, _) in enumerate(xp)]
            cmds += [("vtop%d" % i, "cli", "monitor vtop " + a) for i, (a, _) in enumerate(vtop)]
            for i, (cmd, lines) in enumerate(t["x"]):
                addr, n, want, failed = x_bytes(cmd, lines)
                cmds.append(("xp%d" % i, "mem", (addr, len(want))))
                cmds.append(("mx%d" % i, "cli", "monitor " + cmd))
                if failed:
                    cmds.append(("xf%d" % i, "mem", (addr, n)))
        jobs.append((cpu, cmds))
    return jobs


def check_regs(tap, pre, t, got):
    q = qemu_regs(t["regs"])
    g = {}
    for line in got.get((t["cpu"], "regs"), []):
        m = re.match(r"^(\w+)\s+(0x[0-9a-f]+)", line)
        if m:
            g[m.group(1)] = int(m.group(2), 16)
    bad = ["%s: pgstub %s QEMU %s" % (k, hex(g[k]) if k in g else None, hex(v))
           for k, v in sorted(q.items()) if g.get(k) != v]
    tap.ok("%s: registers (%s) equal QEMU's info registers" % (pre, " ".join(sorted(q))),
           not bad and len(q) >= 7, "\n".join(bad) or "QEMU registers not parsed")


def patb_of_stream(got):
    for l in lines_of(got, 0, "patb"):
        m = re.match(r"^PATE dw1 (0x[0-9a-f]{16}):", l)
        if m:
            return m.group(1)
    return None


def check_radix(tap, pgstub, cfgdir, name, powernv):
    with open(os.path.join(cfgdir, "meta.json")) as f:
        meta = json.load(f)
    truth = {}
    for c in meta["cpus"]:
        t = truth[c] = load_cpu(os.path.join(cfgdir, "cpu%d" % c))
        t["cpu"] = c
        t["hv_quadrants"] = sum(1 for s in t["gva2gpa"] if hv_quadrant(int(s[0], 16))) + \
            sum(1 for x in t["x"] if hv_quadrant(x_bytes(*x)[0]))
    sprs = meta.get("sprs", {})
    t0 = time.monotonic()
    got, raw = gdb_session(pgstub, os.path.join(cfgdir, "guest.mig"), [], jobs_for(truth))
    if not got:
        tap.ok("%s: GDB session on guest.mig" % name, False, raw[-3000:])
        return
    tap.note("%s: guest.mig: %d gva2gpa + %d x through GDB in %.1f s" % (
        name, sum(len(t["gva2gpa"]) for t in truth.values()),
        sum(len(t["x"]) for t in truth.values()), time.monotonic() - t0))
    for cpu, t in sorted(truth.items()):
        pre = "%s cpu%d" % (name, cpu)
        spr = sprs.get("cpu%d" % cpu) or {}
        pidr = int(spr["pidr"], 16) if spr.get("pidr") else None
        check_regs(tap, pre, t, got)
        if powernv:
            tap.ok("%s: quadrants 1 and 2 sampled (%d gva2gpa/x): QEMU walks them "
                   "in hypervisor state" % (pre, t["hv_quadrants"]), t["hv_quadrants"] > 0)
        check_samples(tap, pre, t, got)
        check_x(tap, pre, t, got)
        check_physical(tap, pre, t, got)
        # One PTCR for the machine: vCPU 0's where QEMU serves no other's.
        check_views(tap, pre, t, got, pidr,
                    (spr.get("ptcr") or sprs["cpu0"]["ptcr"]) if powernv else None)

    # The dumps: no MMU registers in them.
    for fn in ("dump.elf", "dump.kdump"):
        check_dump(tap, pgstub, cfgdir, name, powernv, fn, truth, sprs,
                   patb_of_stream(got))
    check_raw(tap, pgstub, cfgdir, name, powernv, truth, sprs,
              patb_of_stream(got))


def raw_of_elf(elf, out):
    """The guest's RAM as a raw image: dump.elf's PT_LOAD segments at
    their physical addresses (a sparse file). pseries dumps are
    big-endian ELF, powernv ones little-endian."""
    with open(elf, "rb") as f, open(out, "wb") as o:
        h = f.read(64)
        end = "<" if h[5] == 1 else ">"
        phoff, = struct.unpack(end + "Q", h[32:40])
        phentsize, phnum = struct.unpack(end + "HH", h[54:58])
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            typ, _, off, _, paddr, filesz = struct.unpack(
                end + "IIQQQQ", f.read(40))
            if typ != 1 or not filesz:
                continue
            f.seek(off)
            o.seek(paddr)
            left = filesz
            while left:
                chunk = f.read(min(left, 1 << 24))
                o.write(chunk)
                left -= len(chunk)


def check_raw(tap, pgstub, cfgdir, name, powernv, truth, sprs, patb):
    """The RAM alone, as a raw image (--raw --arch ppc64): one vCPU, no
    registers; with the roots and vCPU 0's PIDR given, vCPU 0's samples
    (but powernv's hypervisor quadrants 1 and 2) equal QEMU's."""
    spr0 = sprs.get("cpu0") or {}
    root = ("ptcr=" + spr0["ptcr"]) if powernv and spr0.get("ptcr") else \
        ("patb=" + patb) if patb and not powernv else None
    if not root or not spr0.get("pidr"):
        tap.ok("%s: raw image: the table root and vCPU 0's PIDR known" % name,
               False, "sprs %r" % sprs)
        return
    raw = os.path.join(tempfile.mkdtemp(prefix="pgstub-raw-ppc64-"), "ram")
    try:
        raw_of_elf(os.path.join(cfgdir, "dump.elf"), raw)
        extra = ["--raw", "--arch", "ppc64", "--reg", root,
                 "--reg", "pidr=" + spr0["pidr"]]
        jobs = [j for j in jobs_for(truth, views=False) if j[0] == 0]
        got, out = gdb_session(pgstub, raw, extra, jobs)
        if not got:
            tap.ok("%s: GDB session on the raw image %s" % (
                name, " ".join(extra)), False, out[-3000:])
            return
        # A raw image's vCPU has MSR 0: HV clear, where powernv's
        # quadrants 1 and 2 were walked in hypervisor state.
        check_samples(tap, "%s raw %s cpu0" % (name, " ".join(extra[4::2])),
                      truth[0], got,
                      only=lambda a: not (powernv and hv_quadrant(a)))
    finally:
        shutil.rmtree(os.path.dirname(raw), ignore_errors=True)


def check_dump(tap, pgstub, cfgdir, name, powernv, fn, truth, sprs, patb):
    """A dump (ELF or kdump-compressed): without --reg, gva2gpa names what
    to give; with the roots the stream and QEMU's SPRs gave, every sample
    of vCPU 0, and the kernel's (quadrant 3) of the others."""
    dump = os.path.join(cfgdir, fn)
    kern = next(a for a, q, _ in truth[0]["gva2gpa"] if q.startswith("gpa:")
                and int(a, 16) >> 62 == 3)
    bare, raw = gdb_session(pgstub, dump, [], [(0, [("k", "cli", "monitor rc gva2gpa " + kern)])])
    msg = "\n".join(lines_of(bare, 0, "k"))
    want = "--reg ptcr=" if powernv else "--reg patb="
    tap.ok("%s: %s without --reg: gva2gpa %s says to give %s" % (name, fn, kern, want),
           want in msg, msg or raw[-2000:])
    spr0 = sprs.get("cpu0") or {}
    root = ("ptcr=" + spr0["ptcr"]) if powernv and spr0.get("ptcr") else \
        ("patb=" + patb) if patb and not powernv else None
    if not root or not spr0.get("pidr"):
        tap.ok("%s: %s with --reg: the table root and vCPU 0's PIDR known" % (name, fn),
               False, "sprs %r" % sprs)
        return
    extra = ["--reg", root, "--reg", "pidr=" + spr0["pidr"],
             "--reg", "lpcr=" + spr0["lpcr"]]
    q3 = lambda cpu, a: cpu == 0 or a >> 62 in (2, 3)  # noqa: E731
    got, raw = gdb_session(pgstub, dump, extra, jobs_for(truth, views=False, only=q3))
    if not got:
        tap.ok("%s: GDB session on %s %s" % (name, fn, " ".join(extra)), False, raw[-3000:])
        return
    for cpu, t in sorted(truth.items()):
        pre = "%s %s %s cpu%d" % (name, fn, " ".join(extra[1::2]), cpu)
        check_samples(tap, pre, t, got, only=lambda a, c=cpu: q3(c, a))

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
        if name.endswith("-hash"):
            check_ppc64.check_config(tap, pgstub, d, name)
        else:
            check_radix(tap, pgstub, d, name, "powernv" in name)
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
