#!/usr/bin/env python3
"""TAP: where pgstub --stdio's messages go (stub/pgstub/serve_log.c).

GDB 13 reads the stderr of `target remote | CMD` once per character it
receives, until that stream ends; pgstub's messages stay there while GDB
sets up (so GDB shows them) and leave at GDB's first memory read: for the
--log file, else /dev/null. `--log stderr` keeps them.
Usage: test_stderr.py PGSTUB IMAGE (IMAGE: `mklimits many`, > 100 regions).
"""
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from rsp import Rsp  # noqa: E402

PGSTUB, IMAGE = sys.argv[1], sys.argv[2]
WARN = b"pgstub: memory map: more than 100 regions"
n = 0


def ok(name, good, detail=""):
    global n
    n += 1
    print("%s %d - %s%s" % ("ok" if good else "not ok", n, name,
                            "" if good else " # " + str(detail)[:300]),
          flush=True)


class Stdio:
    """pgstub --stdio with GDB 13's plumbing: a socket pair for the
    protocol and another (or a pipe) for stderr."""

    def __init__(self, opts, err_pipe=False):
        ours, theirs = socket.socketpair()
        if err_pipe:
            self.err_r, err_w = os.pipe()
        else:
            a, b = socket.socketpair()
            self.err_sock = a
            self.err_r, err_w = a.fileno(), b.detach()
        self.p = subprocess.Popen([PGSTUB, "--stdio", "--memory-map",
                                   "mappings", "--max-map-regions",
                                   "100"] + opts + [IMAGE],
                                  stdin=theirs, stdout=theirs, stderr=err_w)
        theirs.close()
        os.close(err_w)
        self.r = Rsp(ours)
        self.err = b""

    def read_err(self, secs):
        """Collect stderr for up to @secs; True when it reached its end."""
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            if select.select([self.err_r], [], [], left)[0]:
                d = os.read(self.err_r, 4096)
                if not d:
                    return True
                self.err += d

    def memory_map(self):
        doc, off = b"", 0
        while True:
            rep = self.r.ask(b"qXfer:memory-map:read::%x,ffff" % off)
            doc += rep[1:]
            off += len(rep) - 1
            if rep[:1] != b"m":
                return doc

    def close(self):
        self.r.s.close()
        self.p.wait(timeout=10)


def setup(s):
    s.r.s.sendall(b"+")
    s.r.ask(b"qSupported:multiprocess+")
    s.r.ask(b"QStartNoAckMode")
    s.r.ask(b"?")


# 1. The default, stderr a socket as GDB 13 makes it.
s = Stdio([])
setup(s)
s.memory_map()
va = 0x10000000  # mklimits many: 4K pages at 0x10000000 + 8K * i
ended = s.read_err(0.5)
ok("setup messages reach GDB's stderr", WARN in s.err and not ended, s.err)
rep = s.r.ask(b"m%x,4" % va)
ended = s.read_err(5)
ok("stderr ends at GDB's first memory read", ended and
   re.fullmatch(rb"[0-9a-f]{8}", rep) is not None and s.p.poll() is None,
   "%r, ended %s, exit %s" % (rep, ended, s.p.poll()))
rep2 = s.r.ask(b"m%x,4" % va)
ok("serving goes on after", rep2 == rep and rep[:1] != b"E",
   "%r %r" % (rep, rep2))
s.close()

# 2. stderr a pipe (other GDB versions, wrappers).
s = Stdio([], err_pipe=True)
setup(s)
s.r.ask(b"m%x,4" % va)
ok("a stderr pipe ends too", s.read_err(5))
s.close()

# 3. --log stderr keeps it.
s = Stdio(["--log", "stderr"])
setup(s)
s.r.ask(b"m%x,4" % va)
s.memory_map()
ended = s.read_err(1)
ok("--log stderr: later messages stay on stderr", not ended and WARN in s.err,
   "ended %s: %r" % (ended, s.err))
s.close()

# 4. --log FILE: what comes after the first read goes there.
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "pgstub.log")
    s = Stdio(["--log", path])
    setup(s)
    s.r.ask(b"m%x,4" % va)
    s.memory_map()
    ended = s.read_err(5)
    text = open(path, "rb").read() if os.path.exists(path) else b""
    ok("--log FILE: later messages go to FILE", ended and WARN in text and
       WARN not in s.err, "ended %s, stderr %r, file %r" % (ended, s.err, text))
    ok("--log FILE is private", os.path.exists(path) and
       (os.stat(path).st_mode & 0o777) == 0o600)
    s.close()

# 5. An unusable --log FILE stops pgstub at once, saying why.
r = subprocess.run([PGSTUB, "--stdio", "--log", "/nonexistent/dir/log", IMAGE],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
ok("--log FILE that cannot be opened: exit 1, reason", r.returncode == 1 and
   b"pgstub: --log /nonexistent/dir/log: No such file or directory" in r.stderr,
   "%d %r" % (r.returncode, r.stderr))

# 6. On TCP, --log FILE takes over once pgstub is listening.
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "pgstub.log")
    p = subprocess.Popen([PGSTUB, "--listen", "127.0.0.1:0", "--log", path,
                          "--idle-timeout", "1", IMAGE],
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line, port = b"", None
    while port is None:  # the guest's description, then where
        got = p.stderr.readline()
        if not got:
            break
        line += got
        port = re.search(rb"listening on 127\.0\.0\.1:(\d+)", got)
    if port:
        c = socket.create_connection(("127.0.0.1", int(port.group(1))))
        c.settimeout(10)
        try:
            while c.recv(4096):  # closed when idle for 1 s
                pass
        except OSError:
            pass
        c.close()
    for _ in range(50):
        text = open(path, "rb").read() if os.path.exists(path) else b""
        if b"idle timeout" in text:
            break
        time.sleep(0.1)
    p.kill()
    rest = p.stderr.read()
    p.wait()
    ok("--listen --log FILE: 'listening on' on stderr, then FILE",
       port is not None and
       b"pgstub: connection closed: idle timeout" in text and
       b"idle timeout" not in rest, "%r / %r / %r" % (line, text, rest))

# 7. Real GDB through `target remote |`: the setup message is shown, reads
# work.
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "mem.bin")
    r = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-ex",
         "target remote | %s --stdio --memory-map mappings "
         "--max-map-regions 100 %s" % (PGSTUB, IMAGE),
         "-ex", "dump binary memory %s %#x %#x" % (out, va, va + 4096),
         "-ex", "detach"], capture_output=True, timeout=120)
    text = r.stdout + r.stderr
    ok("gdb | pgstub --stdio: the map's message shown, memory dumped",
       WARN in text and os.path.exists(out) and os.path.getsize(out) == 4096,
       text[-300:])
# 8. The default map (the canonical spans, memory_map.c) is never coarsened:
# a table-heavy snapshot connects without a word about it, and reads work.
r = subprocess.run(
    ["gdb", "-q", "-batch", "-nx", "-ex",
     "target remote | %s --stdio --max-map-regions 100 %s" % (PGSTUB, IMAGE),
     "-ex", "x/wx %#x" % va, "-ex", "info mem", "-ex", "detach"],
    capture_output=True, timeout=120)
text = r.stdout + r.stderr
ok("default map: no coarsening message, reads work",
   b"pgstub: memory map" not in text and b"0x%x:\t" % va in text and
   b"0xffff800000000000 0x10000000000000000 rw nocache" in text, text[-400:])
print("1..%d" % n)
