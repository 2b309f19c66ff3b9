#!/usr/bin/env python3
"""Check pgstub on makedumpfile's outputs of a real guest's dump.

From the x86_64-4l-vmci recording (a QEMU ELF dump with the guest's
VMCOREINFO note), tests/tools/strip_notes.py makes a /proc/vmcore-like ELF
(no QEMU note, program headers after the ELF header, PT_LOAD p_vaddr at the
direct map); makedumpfile 1.7.2 (Debian's, as scripts/setup-deps installs
it) then writes, at test time, each format a crash-dump analyst gets:
kdump-compressed with zlib (-c), lzo (-l) and without compression, each also
filtered (-d 31: zero, cache, user and free pages left out); the flattened
stream (-F) and what -R reassembles of it; ELF (-E), whole and filtered.
The time and size of each file are printed as TAP comments.

Through a real GDB, on every format: kernel text and data by virtual
address (kallsyms' symbols, QEMU's own `x` reads) read the same bytes as on
the ELF they were made from; `monitor info dump` names the format and the
compression. On the filtered ones, a page makedumpfile left out is "not in
the dump" in GDB's `x` (the m packet's reply is E61), `monitor xp`,
`monitor vtop` and `monitor gva2gpa` (which still translate), and an
unmapped address still says unmapped (E14, "not present"). The ELF output's
PT_LOAD virtual addresses agree with the VMCOREINFO root.

Output is TAP. usage: check_kdump_formats.py PGSTUB OUTDIR
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from gdbsession import QUIET, Tap, run_jobs, serve  # noqa: E402
from check_vmcoreinfo import samples, x_reads  # noqa: E402

GDB = os.environ.get("GDB", "gdb")
MAKEDUMPFILE = os.environ.get("MAKEDUMPFILE", "makedumpfile")
STRIP = os.path.join(HERE, "..", "tools", "strip_notes.py")
KERNEL = 0xffff800000000000
SYMS = ("_stext", "start_kernel", "linux_banner", "sys_call_table",
        "init_task", "init_mm", "page_offset_base")
# What -d 31 never leaves out: the kernel's text and data (start_kernel is
# init text, freed after boot: its pages are free ones).
KEPT = ("s__stext", "s_linux_banner", "s_sys_call_table", "s_init_task",
        "s_init_mm", "s_page_offset_base")

# name: (makedumpfile options, what `info dump` says, filtered)
FORMATS = [
    ("zlib", ["-c"], "kdump-compressed dump (zlib,", False),
    ("lzo", ["-l"], "kdump-compressed dump (lzo,", False),
    ("plain", [], "kdump-compressed dump (uncompressed,", False),
    ("elf", ["-E"], "ELF vmcore (", False),
    ("zlib-d31", ["-c", "-d", "31"], "kdump-compressed dump (zlib,", True),
    ("lzo-d31", ["-l", "-d", "31"], "kdump-compressed dump (lzo,", True),
    ("flat-d31", ["-F", "-c", "-d", "31"],
     "kdump-compressed dump (flattened, zlib,", True),
    ("elf-d31", ["-E", "-d", "31"], "ELF vmcore (", True),
]


def direct_map_base(want):
    """The direct map's base, from QEMU's translations (1 GiB aligned)."""
    bases = {}
    for a, _, q in want:
        if KERNEL <= a < 0xffffffff80000000 and q.startswith("gpa: "):
            b = a - int(q[5:], 16)
            if b % (1 << 30) == 0:
                bases[b] = bases.get(b, 0) + 1
    return max(bases, key=bases.get) if bases else None


def left_out(elf):
    """Physical pages of an ELF vmcore's p_memsz tails (what makedumpfile -E
    -d 31 left out), as (start, end) pairs."""
    with open(elf, "rb") as f:
        head = f.read(65536)
    phoff, = struct.unpack_from("<Q", head, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
    out = []
    for i in range(phnum):
        p = phoff + i * phentsize
        ptype, = struct.unpack_from("<I", head, p)
        paddr, filesz, memsz = struct.unpack_from("<QQQ", head, p + 24)
        if ptype == 1 and memsz - filesz >= 0x4000:
            out.append((paddr + filesz, paddr + memsz))
    return out


def make(work, src, name, opts):
    """Run makedumpfile; (path, seconds, bytes) or (None, log, 0)."""
    out = os.path.join(work, name + ".dump")
    t0 = time.monotonic()
    if "-F" in opts:
        with open(out, "wb") as f:
            p = subprocess.run([MAKEDUMPFILE] + opts + [src], stdout=f,
                               stderr=subprocess.PIPE)
    else:
        p = subprocess.run([MAKEDUMPFILE] + opts + [src, out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    took = time.monotonic() - t0
    if p.returncode != 0 or not os.path.exists(out):
        return None, (p.stdout or p.stderr or b"").decode("latin-1")[-2000:], 0
    return out, took, os.path.getsize(out)


def read_jobs(syms, reads):
    cmds = [("s_" + n, "mem", (a, 64)) for n, a in syms.items()]
    cmds += [("x%x" % a, "mem", (a, len(b))) for a, b in reads]
    return cmds


def replies(log):
    """{address: reply} of the m packets in GDB's `set debug remote 1`
    output (a reply is Enn, or "data")."""
    out = {}
    for a, r in re.findall(r"Sending packet: \$m([0-9a-f]+),[0-9a-f]+#..\n"
                           r"(?:.*\n){0,2}?\[remote\] Packet received: (\S*)", log):
        out.setdefault(int(a, 16), r if re.match(r"E\d\d$", r) else "data")
    return out


def cli(got, key):
    """A CLI job's output without GDB's debug lines."""
    return "\n".join(l for l in got.get((0, key), [])
                     if not l.startswith("[remote]"))


def gdb_session(pgstub, image, cmds, debug_remote=False):
    with serve(pgstub, image) as port:
        if port is None:
            return {}, ""
        setup = QUIET + ["target remote 127.0.0.1:%d" % port,
                         "set mem inaccessible-by-default off"]
        if debug_remote:
            setup.append("set debug remote 1")
        return run_jobs(GDB, setup, [(0, cmds)], finish=["kill"])


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    pgstub, d = argv[1], argv[2]
    tap = Tap()
    if shutil.which(MAKEDUMPFILE) is None:
        print("1..0 # SKIP makedumpfile not installed (scripts/setup-deps)")
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-kdfmt.")
    try:
        run(tap, pgstub, d, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tap.plan()


def run(tap, pgstub, d, work):
    ok = tap.ok
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    want = [t for t in samples(d, 0) if t[0] >= KERNEL]
    reads = x_reads(d, 0, KERNEL)
    ksyms = {l.split()[2]: int(l.split()[0], 16) for l in meta["guest"]["kallsyms"]}
    syms = {n: ksyms[n] for n in SYMS if n in ksyms}
    base = direct_map_base(want)
    ok("QEMU's translations give the direct map's base", base is not None)
    if base is None:
        return

    vmcore = os.path.join(work, "vmcore.elf")
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, STRIP, "--vmcore-layout", "--vaddr-base",
                        "%#x" % base, os.path.join(d, "dump.elf"), vmcore],
                       stderr=subprocess.PIPE)
    tap.note("vmcore.elf (strip_notes.py --vmcore-layout): %.1f s, %d bytes" %
             (time.monotonic() - t0, os.path.getsize(vmcore) if p.returncode == 0 else 0))
    ok("strip_notes.py writes a /proc/vmcore-like ELF", p.returncode == 0,
       p.stderr.decode("latin-1"))
    if p.returncode:
        return

    # The truth: the same reads on the ELF the formats are made from.
    truth, log = gdb_session(pgstub, vmcore, read_jobs(syms, reads))
    good = {k[1]: v[0] for k, v in truth.items() if v and not v[0].startswith("ERROR")}
    keys = set(["s_" + n for n in syms] + ["x%x" % a for a, _ in reads])
    ok("vmcore.elf: GDB reads %d kernel symbols and %d of QEMU's x reads" % (
        len(syms), len(reads)),
       set(good) == keys and len(reads) > 10 and
       all(good["x%x" % a] == b.hex() for a, b in reads),
       "missing %r\n%s" % (sorted(keys - set(good))[:5], log[-1500:]))

    images = {}
    # PGSTUB_KDUMP_FORMATS (the sanitizer build): a representative few.
    pick = os.environ.get("PGSTUB_KDUMP_FORMATS", "").split()
    for name, opts, say, filtered in FORMATS:
        if pick and name not in pick:
            continue
        path, took, size = make(work, vmcore, name, opts)
        ok("makedumpfile %s writes %s" % (" ".join(opts), name), path is not None,
           took if path is None else None)
        if path is None:
            continue
        tap.note("%-9s makedumpfile %-14s %5.1f s %11d bytes" % (
            name, " ".join(opts), took, size))
        images[name] = path
    if "flat-d31" in images:
        out = os.path.join(work, "reassembled-d31.dump")
        t0 = time.monotonic()
        with open(images["flat-d31"], "rb") as f:
            p = subprocess.run([MAKEDUMPFILE, "-R", out], stdin=f,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        ok("makedumpfile -R reassembles the flattened stream",
           p.returncode == 0 and os.path.exists(out), p.stdout.decode("latin-1")[-2000:])
        if p.returncode == 0:
            tap.note("%-9s makedumpfile %-14s %5.1f s %11d bytes" % (
                "R-d31", "-R", time.monotonic() - t0, os.path.getsize(out)))
            images["R-d31"] = out
    formats = FORMATS + [("R-d31", ["-R"], "kdump-compressed dump (zlib,", True)]

    holes = left_out(images["elf-d31"]) if "elf-d31" in images else []
    ok("makedumpfile -E -d 31 left pages out (p_memsz past p_filesz)", holes, holes)
    # A page both filtered outputs lack: in a tail of the ELF, checked
    # below to be "not in the dump" in every filtered format.
    gone = holes[0][0] + ((holes[0][1] - holes[0][0]) // 2 & ~0xfff) if holes else 0x200000
    gone_va = base + gone
    # Unmapped under the kernel's own tables: the 4-level layout's guard
    # hole at the start of the kernel half (a user address would be
    # "root unknown": the VMCOREINFO root maps the kernel half only).
    unmapped = 0xffff800000001000

    for name, opts, say, filtered in formats:
        img = images.get(name)
        if img is None:
            continue
        cmds = read_jobs(syms, reads) + [("info", "cli", "monitor info dump")]
        if filtered:
            cmds += [("mx", "mem", (gone_va, 16)), ("mu", "mem", (unmapped, 16)),
                     ("xp", "cli", "monitor xp /2gx %#x" % gone),
                     ("vtop", "cli", "monitor vtop %#x" % gone_va),
                     ("g2g", "cli", "monitor gva2gpa %#x" % gone_va),
                     ("x", "cli", "x/2gx %#x" % gone_va),
                     ("pg", "cli", "monitor info pg --range %#x %#x" % (
                         gone_va & ~0x1fffff, (gone_va & ~0x1fffff) + 0x200000)),
                     ("ux", "cli", "x/2gx %#x" % unmapped),
                     ("uvtop", "cli", "monitor vtop %#x" % unmapped)]
        got, log = gdb_session(pgstub, img, cmds, debug_remote=True)
        codes = replies(log)
        bad, left = [], 0
        for key, want_hex in good.items():
            have = got.get((0, key), ["(none)"])[0]
            addr = syms[key[2:]] if key.startswith("s_") else int(key[1:], 16)
            # Filtered: the same bytes, or (not the kernel's text and data)
            # refused as not in the dump.
            if filtered and key not in KEPT and have.startswith("ERROR") and \
               codes.get(addr) == "E61":
                left += 1
            elif have != want_hex:
                bad.append("%s: %s vs %s (reply %s)" % (key, have[:40], want_hex[:40],
                                                        codes.get(addr)))
        ok("%s: GDB reads kernel text and data by VA (%d reads) as on the ELF%s" % (
            name, len(good), ", or is told E61 (%d)" % left if filtered else ""),
           good and not bad, "\n".join(bad[:10]) or log[-1500:])
        info = cli(got, "info")
        ok("%s: monitor info dump says %r%s" % (name, say, ", and what it left out"
                                                 if filtered else ""),
           info.startswith(say) and (("not in the dump: " in info) == filtered), info)
        if name.startswith("elf"):
            ok("%s: its PT_LOAD virtual addresses agree with the VMCOREINFO root" % name,
               "PT_LOAD virtual addresses agree with vCPU 0's page tables" in info, info)
        if not filtered:
            continue
        text = {k: cli(got, k) for k in ("xp", "vtop", "g2g", "x", "pg", "ux", "uvtop")}
        ok("%s: monitor xp of a filtered page says it is not in the dump" % name,
           "Cannot access memory: not in the dump (physical %#x" % gone in text["xp"],
           text["xp"])
        ok("%s: monitor vtop translates a filtered page and says its data is not in "
           "the dump" % name,
           "-> 0x%016x" % gone in text["vtop"] and
           "note: the data is not in the dump" in text["vtop"], text["vtop"])
        ok("%s: monitor gva2gpa too" % name,
           text["g2g"].startswith("gpa: %#x" % gone) and
           "not in the dump" in text["g2g"], text["g2g"])
        ok("%s: GDB's x of it fails, the m packet's reply is E61 (not in the dump)"
           % name, "Cannot access memory" in text["x"] and codes.get(gone_va) == "E61",
           text["x"] + "\n" + repr(sorted(codes.items())[:8]))
        ok("%s: an unmapped address still says unmapped (x: E14, vtop: not present)"
           % name, "Cannot access memory" in text["ux"] and
           codes.get(unmapped) == "E14" and "not present" in text["uvtop"] and
           "not in the dump" not in text["uvtop"],
           text["ux"] + "\n" + text["uvtop"] + "\n" + repr(sorted(codes.items())[:8]))
        ok("%s: monitor info pg counts what its mappings reach that is not in the "
           "dump" % name, re.search(r"not in the dump: [1-9]\d* KiB of the 2048 KiB "
                                     "mapped here", text["pg"]), text["pg"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
