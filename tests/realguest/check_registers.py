#!/usr/bin/env python3
"""Compare pgstub's `monitor info registers` with QEMU 7.2's, recorded.

For each recorded configuration and each vCPU, pgstub serves the image and
GDB runs `monitor info registers`; the output is compared line by line,
byte for byte, with QEMU's cpuN/info_registers.txt (CRLF read as LF) after
removing exactly what the image does not hold.  Any other difference fails,
and so does a line pgstub prints that QEMU does not.  TAP output.

x86 (the ELF dump, dump.elf):

  verbatim  "" and "CPU#N" (QEMU's HMP header), the GPR block (RAX..R15 or
            EAX..ESP), the segment lines ES CS SS DS FS GS LDT TR with
            their decoded flags, GDT, IDT, and the CR0/CR2/CR3/CR4 line;
  trimmed   the RIP/EIP line loses " II=n A20=n SMM=n HLT=n": interrupt
            inhibition, the A20 mask, SMM and the halted state are in no
            dump format (the RFL/EFL value, its flag letters and CPL stay);
  omitted   DR0-DR3 and DR6/DR7 (no debug registers in QEMU's notes),
            EFER (QEMU's "QEMU" note has none; pgstub infers it and shows
            only what a source read), FCW/FSW/FTW/MXCSR, FPR0-7, XMM/YMM
            (no FPU/SSE state in the notes).

ppc64 (a QEMU migration stream, guest.mig, read by gdb-multiarch as
powerpc:common64 little endian; QEMU's output recorded before the stream
was written):

  verbatim  "" and "CPU#N" (QEMU's HMP header); NIP/LR/CTR/XER/CPU#; the
            GPR block; CR with its [ L G E O ] decoding and RES (the
            reservation address); the FPR block and FPSCR (cpu/fpu
            subsection); SRR0/SRR1/PVR/VRSAVE; SPRG0-3; SPRG4-7;
            HSRR0/HSRR1; LPCR; SDR1/DAR/DSISR (every SPR comes from env.spr);
  trimmed   the MSR line loses "  HF x iidx n didx n": QEMU recomputes its
            hflags and MMU indexes after loading and never migrates them
            (MSR and HID0 stay);
  omitted   "TB x y DECR n" (the timebase and decrementer live in QEMU's
            timer state, not in the CPU section) and " CFAR x" (env->cfar
            is not migrated); a POWER9+ " PTCR" line (pgstub prints none).

usage: check_registers.py x86|ppc64 PGSTUB GUESTS_DIR CONFIG...
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "common"))
from gdbsession import QUIET, Tap, block, run_gdb, sections, serve  # noqa: E402

# What differs between the two: the image, how GDB is set up, the lines the
# image cannot hold (OMIT) or holds only in part (TRIM), and the fewest
# lines a real vCPU's output has once trimmed (fewer is a recording
# problem, not a pass).
ARCH = {
    "x86": {
        "image": "dump.elf",
        "gdb": os.environ.get("GDB") or "gdb",
        "setup": [],
        "omit": re.compile(r"^(DR[0-7]=|EFER=|FCW=|FPR[0-7]=|XMM\d\d=|"
                         r"YMM\d\d=|ZMM\d\d=|Opmask)"),
        "trim": re.compile(r" II=\d A20=\d SMM=\d HLT=\d$"),
        "min_lines": 16,
        "holds": "lines/fields the dump holds",
    },
    "ppc64": {
        "image": "guest.mig",
        "gdb": os.environ.get("GDB_MULTIARCH", "gdb-multiarch"),
        "setup": ["set architecture powerpc:common64", "set endian little"],
        "omit": re.compile(r"^(TB [0-9a-f]+ [0-9a-f]+ DECR |\s*CFAR |"
                         r"\s*PTCR )"),
        "trim": re.compile(r" +HF [0-9a-f]+ iidx \d+ didx \d+$"),
        "min_lines": 25,
        "holds": "lines the stream holds",
    },
}
# A dump records the vCPU's mode, not which QEMU binary wrote it: the reset
# state of qemu-system-x86_64 says EM_386, so say which one it was.
EXTRA = {"x86_64-nopaging": ["--arch", "x86_64"]}


def expected(arch, path):
    with open(path, "rb") as f:
        lines = f.read().decode("latin-1").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [arch["trim"].sub("", ln) for ln in lines
            if not arch["omit"].match(ln)]


def pgstub_output(pgstub, arch, cfg, image, ncpus):
    """{cpu: [lines]} of `monitor info registers`, or None."""
    with serve(pgstub, image, EXTRA.get(cfg, [])) as port:
        if port is None:
            return None
        cmds = QUIET + arch["setup"] + ["target remote 127.0.0.1:%d" % port]
        for cpu in range(ncpus):
            cmds += ["thread %d" % (cpu + 1)]
            cmds += block(cpu, "regs", "monitor info registers")
        text = run_gdb(arch["gdb"], cmds + ["detach"], timeout=300)
    return {cpu: lines for (cpu, _), lines in sections(text).items()}


def first_difference(want, mine):
    for i in range(max(len(want), len(mine))):
        a = want[i] if i < len(want) else "<none>"
        b = mine[i] if i < len(mine) else "<none>"
        if a != b:
            return "line %d\nQEMU:   %r\npgstub: %r" % (i + 1, a, b)
    return ""


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ARCH:
        sys.stderr.write(__doc__)
        return 2
    arch, pgstub, guests = ARCH[sys.argv[1]], sys.argv[2], sys.argv[3]
    tap = Tap()
    for cfg in sys.argv[4:]:
        d = os.path.join(guests, cfg)
        cpus = sorted(int(x[3:]) for x in os.listdir(d)
                    if re.match(r"cpu\d+$", x)) if os.path.isdir(d) else []
        image = os.path.join(d, arch["image"])
        if not cpus or not os.path.exists(image):
            tap.note("%s: not recorded, skipped" % cfg)
            continue
        got = pgstub_output(pgstub, arch, cfg, image, len(cpus)) or {}
        for cpu in cpus:
            want = expected(arch, os.path.join(d, "cpu%d" % cpu,
                                             "info_registers.txt"))
            mine = got.get(cpu, [])
            tap.ok("%s cpu%d: info registers == QEMU's on the %d %s" %
                 (cfg, cpu, len(want), arch["holds"]),
                 mine == want and len(want) >= arch["min_lines"],
                 first_difference(want, mine))
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main())
