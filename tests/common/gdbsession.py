"""Drive pgstub with a batch GDB from a Python test script, and print TAP.

The skeleton every GDB-driven checker shares (tests/realguest, tests/monitor):
serve an image with pgstub on a TCP port (GDB polls pipes a byte at a time,
far too slow for megabytes of `info tlb`), run one batch GDB session against
it, and cut the output into the blocks the script marked.

    with serve(pgstub, image) as port:
        text = run_gdb(gdb, ["target remote 127.0.0.1:%d" % port, ...])
    blocks = sections(text)            # {(cpu, key): [lines]}
"""
import contextlib
import json
import os
import re
import subprocess
import sys

# Settings every batch session wants: no pager, no questions, no wrapping,
# and a stub that starts slowly on a loaded machine (GDB's 2 s default).
QUIET = ["set pagination off", "set confirm off", "set width 0",
         "set height 0", "set remotetimeout 30"]


class Tap:
    """TAP lines numbered as they are printed; plan() ends the stream."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, name, good, diag=None):
        self.n += 1
        print(("ok %d - %s" if good else "not ok %d - %s") % (self.n, name))
        if not good:
            self.failed += 1
            for line in (diag or "").splitlines()[:30]:
                print("#   " + line)
        sys.stdout.flush()

    def note(self, text):
        print("# " + text)
        sys.stdout.flush()

    def plan(self):
        """Print the plan; the exit status for main()."""
        print("1..%d" % self.n)
        return 1 if self.failed else 0


@contextlib.contextmanager
def serve(pgstub, image, extra=()):
    """pgstub --once on 127.0.0.1:0 serving image; yields its port, or None
    if it never said where it listens.  Waits for it to exit afterwards."""
    srv = subprocess.Popen([pgstub, "--listen", "127.0.0.1:0", "--once"] +
                           list(extra) + [image],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = None
    for raw in srv.stderr:
        m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", raw)
        if m:
            port = int(m.group(1))
            break
    try:
        yield port
    finally:
        if port is None:
            srv.kill()
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
        srv.stderr.close()


def run_gdb(gdb, commands, timeout=900, env=None, workdir=None):
    """Run a batch GDB on commands (a list of CLI lines, written to a
    script file so that thousands of them fit); returns stdout+stderr as
    text, or "gdb timed out"."""
    fd_dir = workdir or "/tmp"
    path = os.path.join(fd_dir, "pgstub-gdbsession-%d.gdb" % os.getpid())
    with open(path, "w") as f:
        f.write("\n".join(commands) + "\n")
    try:
        p = subprocess.run([gdb, "-q", "-batch", "-nx", "-x", path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, timeout=timeout)
        return p.stdout.decode("latin-1")
    except subprocess.TimeoutExpired:
        return "gdb timed out"
    finally:
        os.unlink(path)


def block(cpu, key, command):
    """Commands that print command's output between markers sections()
    finds again as (cpu, key)."""
    return ["echo @@BEGIN %d %s\\n" % (cpu, key), command, "echo @@END\\n"]


def sections(text):
    """Cut GDB output into {(cpu, key): [lines]} at the block() markers."""
    out, cur = {}, None
    for line in text.splitlines():
        if line.startswith("@@BEGIN "):
            _, cpu, key = line.split(" ", 2)
            cur = out.setdefault((int(cpu), key), [])
        elif line == "@@END":
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


# Runs JOBS ([(cpu, [(key, "cli", command) | (key, "mem", [addr, len])])])
# inside GDB, so a failing command or unreadable memory does not end the
# session: each result, or "ERROR <message>", is written to OUT in blocks.
_JOBS_PY = r"""
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
                mem = gdb.selected_inferior().read_memory(arg[0], arg[1])
                text = bytes(mem).hex()
        except gdb.error as e:
            text = "ERROR %s" % e
        out.write("@@BEGIN %d %s\n%s\n@@END\n" % (cpu, key, text))
out.close()
"""


def run_jobs(gdb, setup, jobs, finish=("detach",), timeout=900, workdir=None):
    """One GDB session: the setup commands (connection included), then the
    jobs through _JOBS_PY, then finish.  Returns ({(cpu, key): [lines]},
    GDB's own output) — the dict is empty if the jobs never ran."""
    base = os.path.join(workdir or "/tmp",
                        "pgstub-jobs-%d" % os.getpid())
    with open(base + ".json", "w") as f:
        json.dump(jobs, f)
    with open(base + ".py", "w") as f:
        f.write("JOBS = %r\nOUT = %r\n" % (base + ".json", base + ".out") +
                _JOBS_PY)
    try:
        log = run_gdb(gdb, list(setup) + ["source " + base + ".py"] +
                      list(finish), timeout=timeout, workdir=workdir)
        try:
            with open(base + ".out") as f:
                got = sections(f.read())
        except OSError:
            got = {}
    finally:
        for ext in (".json", ".py", ".out"):
            if os.path.exists(base + ext):
                os.unlink(base + ext)
    return got, log
