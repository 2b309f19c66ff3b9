#!/usr/bin/env python3
"""Drive `pgstub shell` through a pseudo-terminal, as a person would:
tab completion, history kept in $HOME/.pgstub_history across sessions,
Up-arrow recall, Ctrl-C dropping a line, colour on a terminal, Ctrl-D.
Prints TAP. Usage: pty_shell.py PGSTUB IMAGE"""
import os
import pty
import re
import select
import shutil
import sys
import tempfile
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\x01\x02\r]")
n = 0
failed = 0


def ok(name, cond, detail=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed += 1
        for line in detail.splitlines()[-30:]:
            print("#   " + line)
    sys.stdout.flush()


class Shell:
    def __init__(self, pgstub, image, home):
        env = dict(os.environ, HOME=home, TERM="xterm", INPUTRC="/dev/null")
        env.pop("NO_COLOR", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(pgstub, [pgstub, "shell", image], env)
        self.raw = b""

    def read_until(self, pattern, timeout=10.0):
        """Read until the de-escaped output matches pattern (bytes regex)."""
        end = time.time() + timeout
        while time.time() < end:
            if re.search(pattern, self.text()):
                return True
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                self.raw += data
        return bool(re.search(pattern, self.text()))

    def text(self):
        return ANSI.sub(b"", self.raw)

    def mark(self):
        self.raw = b""

    def send(self, s):
        os.write(self.fd, s.encode() if isinstance(s, str) else s)

    def wait(self, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:
                r, _, _ = select.select([self.fd], [], [], 0.1)
                if r:
                    os.read(self.fd, 65536)
            except OSError:
                pass
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        return None


def main():
    pgstub, image = sys.argv[1], sys.argv[2]
    home = tempfile.mkdtemp(prefix="pgstub-shell-")
    print("1..13")
    try:
        sh = Shell(pgstub, image, home)
        ok("prompt appears", sh.read_until(rb"\(pgstub\) $"),
           sh.text().decode(errors="replace"))
        ok("prompt is coloured on a terminal", b"\x1b[1;34m" in sh.raw,
           repr(sh.raw[-200:]))

        sh.mark()
        sh.send("gva\t")
        ok("first word completes", sh.read_until(rb"gva2gpa $", 5),
           repr(sh.text()))
        sh.send("0xffffffff81000010\r")
        ok("completed command runs",
           sh.read_until(rb"gpa: 0x200010\n.*\(pgstub\) $", 5),
           sh.text().decode(errors="replace"))

        sh.mark()
        sh.send("info t\t")
        ok("second word of a two-word command completes",
           sh.read_until(rb"info tlb $", 5), repr(sh.text()))
        sh.send("\r")
        ok("info tlb runs",
           sh.read_until(rb"ffffffff81000000: 0000000000200000 -GPDA----", 5),
           sh.text().decode(errors="replace")[-2000:])

        sh.mark()
        sh.send("info pg -w --ra\t")
        ok("an option completes after the command's other options",
           sh.read_until(rb"info pg -w --range $", 5), repr(sh.text()))
        sh.send("\x15cpu \t\t")
        time.sleep(0.3)
        sh.read_until(rb"$^", 0.3)
        ok("no command names offered as arguments",
           b"gva2gpa" not in sh.text().split(b"cpu", 1)[-1], repr(sh.text()))
        sh.send("\x15disas -m ppc64l\t")   # Ctrl-U kills the line first
        ok("disassembler modes complete after -m",
           sh.read_until(rb"disas -m ppc64le $", 5), repr(sh.text()))

        sh.send("\x15")
        sh.mark()
        sh.send("frobnicate")
        sh.read_until(rb"frobnicate$", 5)
        sh.send("\x03")
        sh.read_until(rb"frobnicate\n\(pgstub\) $", 5)
        sh.send("cpu 9\r")
        ok("Ctrl-C drops the line, the shell goes on",
           sh.read_until(rb"invalid CPU index \(0\.\.1\)", 5)
           and b"unknown command" not in sh.text(),
           sh.text().decode(errors="replace"))

        sh.read_until(rb"\(pgstub\) $", 5)
        sh.send("quit\r")
        st = sh.wait()
        hist = open(os.path.join(home, ".pgstub_history"), "rb").read() \
            if os.path.exists(os.path.join(home, ".pgstub_history")) else b""
        ok("history file written on quit",
           st == 0 and b"gva2gpa 0xffffffff81000010\n" in hist
           and hist.endswith(b"gva2gpa 0xffffffff81000010\ninfo tlb\n"
                             b"cpu 9\nquit\n") and b"frobnicate" not in hist,
           "status %r, history %r" % (st, hist))

        sh = Shell(pgstub, image, home)
        sh.read_until(rb"\(pgstub\) $")
        sh.mark()
        # The history ends gva2gpa, info tlb, cpu 9, quit: four Ups.
        sh.send("\x1b[A\x1b[A\x1b[A\x1b[A\r")
        ok("history recalls the previous session with Up",
           sh.read_until(rb"gpa: 0x200010\n\(pgstub\) $", 5),
           sh.text().decode(errors="replace"))
        sh.send("\x04")
        st = sh.wait()
        ok("Ctrl-D leaves with status 0", st == 0, "status %r" % st)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
