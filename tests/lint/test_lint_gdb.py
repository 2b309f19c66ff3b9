#!/usr/bin/env python3
# The pgstub package's lint commands in GDB (TAP): pg-check on the dump
# that breaks each rule (mkbad lint), on the selected thread's vCPU, with
# expressions for --range/--text, --json, colour, and its errors; pg-mark
# and pg-diff across the demo's two vCPUs; pg-access on them (SMEP, SMAP,
# user/supervisor, not present, the #PF error codes). Same runner as
# tests/python.
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "python"))
import test_gdb as T  # noqa: E402  (Session, ok, the paths)

MKBAD = os.path.join(T.top_builddir, "tests", "lint", "mkbad")


def lint_image(tmp):
    path = os.path.join(tmp, "lint.elf")
    subprocess.run([MKBAD, "lint", path], check=True)
    return path


def check_commands(img):
    s = T.Session(target="%s --stdio %s" % (T.PGSTUB, img))
    s.check("pg-check: every rule once (summary)", "pg-check --text "
            "0xffffffff81000000 0xffffffff81000000+0x400000",
            lambda out: ("summary: 8 findings: wx 1, wx-alias 1, user-kernel 1,"
                         " text-writable 1, reserved 1, bad-table 1, "
                         "outside-ram 1, table-loop 1, misaligned 0, fault 0\n"
                         in out, "the summary line"))
    s.check("pg-check --range takes expressions", "pg-check --range 0x8000*2 "
            "0x10000+0x1000",
            lambda out: ("wx            0000000000010000-0000000000011000 pa "
                         "0x100000 4K rwxu: writable and executable\n" in out
                         and "summary: 1 finding: wx 1," in out,
                         "only the W+X page"))
    s.check("pg-check --json parses", "pg-check --json",
            lambda out: (json.loads(out)["summary"]["table-loop"] == 1,
                         "table-loop in the JSON summary"))
    s.check("pg-check --color paints the rule and range",
            "pg-check --range 0x10000 0x11000 --color",
            lambda out: ("\x1b[" in out and "0000000000010000-0000000000011000"
                         in out, "ANSI colour"))
    s.check("pg-check: bad option", "pg-check --frob",
            "pg-check: unknown option '--frob' (use --json, --all, --range "
            "START END, --text START END)\n")
    s.check("pg-check: --text without END", "pg-check --text 1",
            "pg-check: --text needs START and END\n")
    s.run()


def access_commands():
    """pg-access on the demo: vCPU 0 at CPL 0 with SMEP and SMAP, vCPU 1
    in user mode (the demo's own registers)."""
    s = T.Session(target="%s --stdio %s" % (T.PGSTUB, T.DEMO))
    s.check("pg-access: SMAP stops a supervisor read of a user page",
            "pg-access 0x400000 r",
            "vCPU 0: read of 0x400000 (supervisor mode): denied: supervisor "
            "data access to a user page (SMAP, EFLAGS.AC clear) at PT[0x0] "
            "(entry 0x800025)\n  #PF error code 0x1 (P)\n")
    s.check("pg-access: SMEP stops the fetch, I/D set", "pg-access 0x400000 x",
            lambda out: ("SMEP" in out and "#PF error code 0x11 (P I/D)" in out,
                         "SMEP, 0x11"))
    s.check("pg-access --user: a write to the kernel image",
            "pg-access 0xffffffff81000000 w --user",
            lambda out: ("user access to a supervisor page at PD[0x8]" in out
                         and "#PF error code 0x7 (P W U)" in out, "0x7"))
    s.check("pg-access: not present", "pg-access 0x500000 r --user",
            lambda out: ("page fault: not present at PT[0x100]" in out and
                         "#PF error code 0x4 (U)" in out, "0x4"))
    s.check("pg-access takes an expression", "pg-access $pc x",
            "vCPU 0: fetch of 0xffffffff81000100 (supervisor mode): allowed: "
            "physical 0x200100\n")
    s.check("pg-access on thread 2: vCPU 1 stopped in user mode",
            ["thread 2", "pg-access 0x400000 r"],
            lambda out: (out.endswith("vCPU 1: read of 0x400000 (user mode): "
                                      "allowed: physical 0x900000\n"), "user"))
    s.check("pg-access: usage", "pg-access 0x400000 q",
            "pg-access: usage: pg-access ADDR r|w|x [--user|--kernel]\n")
    s.run()


def diff_commands():
    s = T.Session(target="%s --stdio %s" % (T.PGSTUB, T.DEMO))
    s.check("pg-diff before pg-mark", "pg-diff",
            "pg-diff: pg-diff: no mark: run pg-mark first\n")
    s.check("pg-mark on thread 1", ["thread 1", "pg-mark"],
            lambda out: (out.endswith("pg-mark: vCPU 0, 29 runs of mappings "
                                      "marked\n"), "the mark"))
    s.check("pg-diff on thread 1: nothing changed", "pg-diff",
            "diff: a = mark (vCPU 0), b = now (vCPU 0)\n"
            "summary: 0 added (0x0 bytes), 0 removed (0x0 bytes), 0 changed "
            "(0x0 bytes)\n")
    s.check("pg-diff on thread 2: vCPU 1's own user pages",
            ["thread 2", "pg-diff"],
            lambda out: (out.endswith(
                "diff: a = mark (vCPU 0), b = now (vCPU 1)\n"
                "changed 0000000000400000-0000000000403000 pa 0x800000 -> "
                "0x900000\n"
                "changed 0000000000600000-0000000000601000 pa 0x803000 -> "
                "0x903000\n"
                "changed 00007ffffffde000-00007ffffffe2000 pa 0x810000 -> "
                "0x910000\n"
                "summary: 0 added (0x0 bytes), 0 removed (0x0 bytes), "
                "3 changed (0x8000 bytes)\n"), "three changed ranges"))
    s.check("pg-diff --json", ["thread 2", "pg-diff --json"],
            lambda out: (json.loads(out[out.index("{"):])["summary"]["changed"]
                         == 3, "JSON summary"))
    s.run()


def main():
    for path in (T.GDB, T.PGSTUB, T.DEMO, MKBAD):
        if path != T.GDB and not os.path.exists(path):
            print("1..0 # SKIP %s missing" % path)
            return 0
    try:
        subprocess.run([T.GDB, "-nx", "-batch", "-ex", "python pass"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
    except (OSError, subprocess.CalledProcessError):
        print("1..0 # SKIP %s with Python not available" % T.GDB)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        check_commands(lint_image(tmp))
    diff_commands()
    access_commands()
    print("1..%d" % T.n)
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())
