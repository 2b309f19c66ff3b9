#!/usr/bin/env python3
"""Compare pgstub's `monitor info registers` on ppc64 guests with QEMU 7.2's.

For each recorded ppc64 configuration (a QEMU migration stream, guest.mig)
and each vCPU, gdb-multiarch (powerpc:common64, little endian) runs
`monitor info registers` against pgstub; the output is compared line by
line, byte for byte, with QEMU's cpuN/info_registers.txt (CRLF read as LF),
recorded before the stream was written, after removing exactly what the
stream does not hold:

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
Any other difference fails, and so does a line pgstub prints that QEMU
does not. TAP output.

usage: check_registers_ppc64.py PGSTUB GUESTS_DIR CONFIG...
"""
import os
import re
import subprocess
import sys

GDB = os.environ.get("GDB_MULTIARCH", "gdb-multiarch")
OMIT = re.compile(r"^(TB [0-9a-f]+ [0-9a-f]+ DECR |\s*CFAR |\s*PTCR )")
TRIM = re.compile(r" +HF [0-9a-f]+ iidx \d+ didx \d+$")


def expected(path):
    with open(path, "rb") as f:
        lines = f.read().decode("latin-1").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [TRIM.sub("", ln) for ln in lines if not OMIT.match(ln)]


def pgstub_output(pgstub, mig, ncpus):
    srv = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once", mig],
                           stderr=subprocess.PIPE)
    port = None
    for raw in srv.stderr:
        m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", raw)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        srv.kill()
        srv.wait()
        return None
    args = [GDB, "-q", "-batch", "-nx", "-ex", "set pagination off",
            "-ex", "set architecture powerpc:common64",
            "-ex", "set endian little",
            "-ex", "target remote 127.0.0.1:%d" % port]
    for cpu in range(ncpus):
        args += ["-ex", "thread %d" % (cpu + 1),
                 "-ex", "echo @@BEGIN %d\\n" % cpu,
                 "-ex", "monitor info registers",
                 "-ex", "echo @@END\\n"]
    args += ["-ex", "detach"]
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=300)
        text = p.stdout.decode("latin-1")
    except subprocess.TimeoutExpired:
        text = ""
    finally:
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    res, cur = {}, None
    for ln in text.splitlines():
        if ln.startswith("@@BEGIN "):
            cur = res.setdefault(int(ln.split()[1]), [])
        elif ln == "@@END":
            cur = None
        elif cur is not None:
            cur.append(ln)
    return res


def main():
    pgstub, guests, configs = sys.argv[1], sys.argv[2], sys.argv[3:]
    n = failed = 0
    for cfg in configs:
        d = os.path.join(guests, cfg)
        cpus = sorted(int(x[3:]) for x in os.listdir(d)
                      if re.match(r"cpu\d+$", x)) if os.path.isdir(d) else []
        mig = os.path.join(d, "guest.mig")
        if not cpus or not os.path.exists(mig):
            print("# %s: not recorded, skipped" % cfg)
            continue
        got = pgstub_output(pgstub, mig, len(cpus))
        for cpu in cpus:
            want = expected(os.path.join(d, "cpu%d" % cpu,
                                         "info_registers.txt"))
            mine = (got or {}).get(cpu)
            # A real dump has 30 lines or more once trimmed: a shorter
            # one is a recording problem, not a pass.
            good = mine == want and len(want) >= 25
            n += 1
            failed += not good
            print("%s %d - %s cpu%d: info registers == QEMU's on the %d "
                  "lines the stream holds" %
                  ("ok" if good else "not ok", n, cfg, cpu, len(want)))
            if not good:
                for i in range(max(len(want), len(mine or []))):
                    a = want[i] if i < len(want) else "<none>"
                    b = (mine or [])[i] if i < len(mine or []) else "<none>"
                    if a != b:
                        print("#   line %d\n#   QEMU:   %r\n#   pgstub: %r"
                              % (i + 1, a, b))
                        break
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
