#!/usr/bin/env python3
"""Run a TAP-printing GDB Python script against pgstub on several images.

For each LABEL=IMAGE, pgstub serves IMAGE on a TCP port (GDB polls pipes a
byte at a time, too slow for megabytes of `info tlb`), a batch GDB connects
and sources SCRIPT with QT_LABEL="LABEL: "; the scripts' TAP lines are
renumbered into one stream. A session that crashes or prints no plan fails.

usage: run_gdb_script.py PGSTUB SCRIPT LABEL=IMAGE...
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from gdbsession import QUIET, run_gdb, serve  # noqa: E402

GDB = os.environ.get("GDB") or "gdb"
# Images whose dump cannot tell which QEMU binary wrote it (reset state of
# qemu-system-x86_64 says EM_386): pgstub's --arch, as check.py does.
EXTRA = {"x86_64-nopaging": ["--arch", "x86_64"]}


def session(pgstub, script, label, image):
    """GDB's output of sourcing script against image, or (None, error)."""
    with serve(pgstub, image, EXTRA.get(label, [])) as port:
        if port is None:
            return None, "pgstub did not start listening on %s" % image
        env = dict(os.environ, QT_LABEL=label + ": ")
        out = run_gdb(GDB, QUIET + ["target remote 127.0.0.1:%d" % port,
                                    "source " + os.path.abspath(script),
                                    "detach"], env=env)
    return out, None


def main():
    pgstub, script, images = sys.argv[1], sys.argv[2], sys.argv[3:]
    n = failed = 0
    for spec in images:
        label, _, image = spec.partition("=")
        out, err = session(pgstub, script, label, image)
        results, plan = [], None
        for line in (out or "").splitlines():
            m = re.match(r"(ok|not ok) \d+ - (.*)", line)
            if m:
                results.append([m.group(1) == "ok", m.group(2), []])
            elif line.startswith("#   ") and results:
                results[-1][2].append(line)
            elif re.match(r"1\.\.\d+$", line):
                plan = int(line[3:])
        if err or plan is None or plan != len(results):
            results.append([False, "%s: GDB session ran to its plan" % label,
                            ["#   " + l for l in
                             (err or out or "").splitlines()[-15:]]])
        for good, name, diag in results:
            n += 1
            failed += not good
            print("%s %d - %s" % ("ok" if good else "not ok", n, name))
            for d in diag:
                print(d)
        sys.stdout.flush()
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
