#!/usr/bin/env python3
"""Compare pgstub's `monitor info registers` with QEMU 7.2's, recorded.

For each recorded configuration and each vCPU, pgstub serves the ELF dump
and GDB runs `monitor info registers`; the output is compared line by line,
byte for byte, with QEMU's cpuN/info_registers.txt (CRLF read as LF) after
removing exactly what the dump does not hold:

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
Any other difference fails, and so does a line pgstub prints that QEMU
does not. TAP output.

usage: check_registers.py PGSTUB GUESTS_DIR CONFIG...
"""
import os
import re
import subprocess
import sys

GDB = os.environ.get("GDB") or "gdb"
EXTRA = {"x86_64-nopaging": ["--arch", "x86_64"]}
OMIT = re.compile(r"^(DR[0-7]=|EFER=|FCW=|FPR[0-7]=|XMM\d\d=|YMM\d\d=|"
                  r"ZMM\d\d=|Opmask)")
TRIM = re.compile(r" II=\d A20=\d SMM=\d HLT=\d$")


def expected(path):
    with open(path, "rb") as f:
        lines = f.read().decode("latin-1").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for ln in lines:
        if OMIT.match(ln):
            continue
        out.append(TRIM.sub("", ln))
    return out


def pgstub_output(pgstub, cfg, dump, ncpus):
    srv = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once"] +
                           EXTRA.get(cfg, []) + [dump],
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
        dump = os.path.join(d, "dump.elf")
        if not cpus or not os.path.exists(dump):
            print("# %s: not recorded, skipped" % cfg)
            continue
        got = pgstub_output(pgstub, cfg, dump, len(cpus))
        for cpu in cpus:
            want = expected(os.path.join(d, "cpu%d" % cpu,
                                         "info_registers.txt"))
            mine = (got or {}).get(cpu)
            good = mine == want and len(want) >= 16
            n += 1
            failed += not good
            print("%s %d - %s cpu%d: info registers == QEMU's on the %d "
                  "lines/fields the dump holds" %
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
