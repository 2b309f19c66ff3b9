#!/usr/bin/env python3
"""pgstub in front of a live QEMU (TAP): real guests under TCG, x86_64
(1-5) and i386 PAE under qemu-system-i386 (6).

1. pgstub --qemu (pages through QEMU's gdbstub) and 2. the same with
--qemu-ram/--qmp: driver.py, inside gdb, breaks on the timer interrupt's
entry, steps, reads kernel and user memory, compares info tlb/mem, vtop
and gva2gpa with QEMU's own monitor at each stop, interrupts with Ctrl-C,
checks the memory map follows CR3, writes, detaches and reattaches.
3. Raw protocol: a view while the guest runs is refused, Ctrl-C stops it.
4. Limits: a second GDB refused, monitor output capped, idle and stuck
   connections dropped (never idle while the guest runs).
5. QEMU killed mid-session: clean errors, pgstub keeps serving; --once exits.
(2b. With Debian 13's GDB 16 from the cache (tests/tools/fetch_gdb16.py):
   it reads kernel text through --qemu-ram with binary x packets, the
   same bytes as GDB 13 reading QEMU's gdbstub directly.)
6. qemu-system-i386: pgstub reads QEMU's 32-bit register layout; with and
   without --qemu-ram its info tlb/mem and vtop at two stops equal QEMU's,
   and info pg and the memory map are served; the byte at EIP is
   prefetched after each step.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_guest import Guest, free_port, run_driver_script  # noqa: E402

PGSTUB = os.environ.get("PGSTUB", "pgstub")
results = []
logs = []


def ok(name, good, detail=""):
    results.append((name, good, detail))
    print("%s %d - %s%s" % ("ok" if good else "not ok", len(results), name,
                            "" if good else " # " + str(detail)[:300]),
          flush=True)


def start_pgstub(args, env=None):
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="pgstub-log-")
    p = subprocess.Popen([PGSTUB, "--listen", "127.0.0.1:%d" % port] + args,
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         env=dict(os.environ, **(env or {})))
    logs.append(log)
    for _ in range(200):
        if b"listening on" in open(log.name, "rb").read() or p.poll() is not None:
            break
        time.sleep(0.05)
    return p, port, log


def run_driver(tag, port, g, log, min_results=32):
    params = dict(tag=tag, target="127.0.0.1:%d" % port, uname=g.uname,
                  qmp=g.qmp, arch=g.arch,
                  linux_banner=g.ksym.get("linux_banner"), _text=g.ksym["_text"],
                  _etext=g.ksym["_etext"])
    run_driver_script("gdb", os.path.join(HERE, "driver.py"), params, log,
                      tag, ok, min_results)


class Raw:
    """A bare RSP client (NoAck after the first exchange)."""

    def __init__(self, port, rcvbuf=0, sock=None):
        """Connects to 127.0.0.1:@port, or talks over @sock."""
        self.s = sock or socket.socket()
        if rcvbuf:  # before connecting: the window stays small
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(10)
        if not sock:
            self.s.connect(("127.0.0.1", port))
        self.buf = b""
        self.noack = False

    def send(self, payload):
        data = payload.encode()
        self.s.sendall(b"$%s#%02x" % (data, sum(data) & 0xff))

    def recv(self, timeout=10):
        self.s.settimeout(timeout)
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-f]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                # Run-length encoding: "c*N" repeats c N-29 more times.
                return re.sub(r"(.)\*(.)", lambda r: r.group(1) * (
                    ord(r.group(2)) - 28), m.group(1).decode("latin-1"))
            self.buf += self.s.recv(65536)

    def ask(self, payload):
        self.send(payload)
        return self.recv()


def raw_running_tests(port, text):
    c = Raw(port)
    c.ask("qSupported:multiprocess+;xmlRegisters=i386")
    c.ask("QStartNoAckMode")
    c.ask("?")
    c.send("c")
    time.sleep(0.5)
    c.send("qRcmd," + "info pg".encode().hex())
    r = c.recv()
    ok("running-view-refused",
       r == "E.pgstub: the guest is running; interrupt it first", r)
    c.s.sendall(b"\x03")
    r = c.recv()
    ok("running-ctrl-c-stops", re.match(r"T02thread:", r) is not None, r)
    r = c.ask("qRcmd," + "info tlb".encode().hex())
    ok("stopped-view-works", r.startswith("O") and re.match(
        r"[0-9a-f]{16}: [0-9a-f]{16} [-XGPDACTUW]{9}\n",
        bytes.fromhex(r[1:]).decode("latin-1")) is not None, r[:80])
    while r != "OK":
        r = c.recv()
    r = c.ask("qXfer:memory-map:read::0,400")
    ok("memory-map-live", r.startswith("l<?xml") and re.findall(
        r'<memory type="ram" start="(0x[0-9a-f]+)" length="(0x[0-9a-f]+)"/>',
        r) == [("0x0", "0x100000000000000"),
               ("0xff00000000000000", "0x100000000000000")], r[:400])
    r = c.ask("m%x,2000" % text)  # beyond QEMU's 0x800: split, joined
    ok("split-read", len(r) == 0x4000 and re.fullmatch("[0-9a-f]+", r) is not None,
       "%d chars" % len(r))
    c.ask("D")
    c.s.close()


def thread_list(c):
    got, r = [], c.ask("qfThreadInfo")
    while r.startswith("m"):
        got.append(r)
        r = c.ask("qsThreadInfo")
    return got + [r]


def trace_lines(trace):
    """A PGSTUB_LIVE_TRACE file's packet lines ("fdN ->|<- payload", the
    timestamps cut) and the descriptors that are pgstub's QEMU connections
    (the ones it sends QStartNoAckMode on)."""
    lines = [re.sub(r"^\d+\.\d+ ", "", l)
             for l in open(trace, errors="replace").read().splitlines()]
    lines = [l for l in lines if re.match(r"fd\d+ (->|<-) \S", l)]
    qfds = {l.split()[0] for l in lines if l.endswith("-> QStartNoAckMode")}
    return lines, qfds


def trace_packets(trace):
    """(pgstub->QEMU, GDB->pgstub) packets of a PGSTUB_LIVE_TRACE file, from
    GDB's first request on (pgstub's own questions at connection left out)."""
    lines, qfds = trace_lines(trace)
    first = next((i for i, l in enumerate(lines)
                  if l.split()[0] not in qfds and l.split()[1] == "<-"), 0)
    lines = lines[first:]
    to_qemu = [l.split(" ", 2)[2] for l in lines
               if l.split()[0] in qfds and l.split()[1] == "->"]
    from_gdb = [l.split(" ", 2)[2] for l in lines
                if l.split()[0] not in qfds and l.split()[1] == "<-"]
    return to_qemu, from_gdb


def raw_cache_tests(port, banner, trace):
    """Repeated reads and the vCPU list are answered by pgstub while the
    guest is stopped; a write, a continue and a new session are seen."""
    c = Raw(port)
    c.ask("qSupported:multiprocess+;xmlRegisters=i386")
    c.ask("QStartNoAckMode")
    c.ask("?")
    first = thread_list(c)
    again = thread_list(c)
    ok("cache-thread-list-same", first == again and len(first) >= 3,
       "%s / %s" % (first, again))
    m = "m%x,8" % banner
    r1, r2 = c.ask(m), c.ask(m)
    ok("cache-read-same", r1 == r2 and bytes.fromhex(r1) == b"Linux ve",
       "%r %r" % (r1, r2))
    w = c.ask("M%x,1:58" % banner)
    r3 = c.ask(m)
    c.ask("M%x,1:%s" % (banner, r1[:2]))
    r4 = c.ask(m)
    ok("cache-write-seen", w == "OK" and r3 == "58" + r1[2:] and r4 == r1,
       "%r %r %r" % (w, r3, r4))
    stop = c.ask("s")
    time.sleep(0.2)  # GDB takes a stop in before asking anything
    regs = c.ask("g")
    # RIP follows the 16 general registers, little-endian.
    pc = int.from_bytes(bytes.fromhex(regs[256:272]), "little")
    pc_read = "m%x,1" % pc
    at_pc = [c.ask(pc_read), c.ask(pc_read)]
    stepped = thread_list(c)
    # Again, with "g" sent as soon as the stop came: it is usually waiting
    # when QEMU's answer to the prefetched g arrives.
    c.ask("s")
    regs_b = c.ask("g")
    pc_read_b = "m%x,1" % int.from_bytes(bytes.fromhex(regs_b[256:272]),
                                         "little")
    at_pc_b = [c.ask(pc_read_b), c.ask(pc_read_b)]
    c.send("c")
    time.sleep(0.3)
    c.s.sendall(b"\x03")
    stop2 = c.recv()
    after = thread_list(c)
    c.ask("D")
    c.s.close()
    to_qemu, from_gdb = trace_packets(trace)
    asked = from_gdb.count("qfThreadInfo")
    sent = to_qemu.count("qfThreadInfo")
    # Asked 4 times: the first, the repeat (kept), after a step (kept),
    # after a continue (dropped, asked again).
    ok("cache-thread-list-kept-across-steps",
       stop.startswith("T") and stop2.startswith("T") and
       stepped == first and after == first and asked == 4 and sent == 2,
       "stops %r %r; GDB asked %d, QEMU %d" % (stop, stop2, asked, sent))
    # Registers are asked for as soon as a stop is relayed: GDB's own g
    # after the step is answered from that, and the stop after the
    # continue was followed by one too.
    ok("cache-registers-prefetched",
       re.fullmatch("[0-9a-fx]{200,}", regs) is not None and
       from_gdb.count("g") == 2 and to_qemu.count("g") == 3,
       "GDB %d, QEMU %d: %r" % (from_gdb.count("g"), to_qemu.count("g"),
                                regs[:40]))
    # ... and so is the byte at the PC, as soon as the registers came:
    # QEMU was asked for it before GDB's g, and only then.
    lines, qfds = trace_lines(trace)
    step_at = next(i for i, l in enumerate(lines) if l.endswith("<- s"))
    gdb_g = next(i for i, l in enumerate(lines)
                 if i > step_at and l.endswith("<- g"))
    q_pc = [i for i, l in enumerate(lines) if i > step_at and
            l.split()[0] in qfds and l.endswith("-> " + pc_read)]
    ok("cache-pc-byte-prefetched",
       re.fullmatch("[0-9a-f]{2}", at_pc[0]) is not None and
       at_pc[0] == at_pc[1] and from_gdb.count(pc_read) == 2 and
       q_pc and q_pc[0] < gdb_g and
       not [i for i in q_pc if gdb_g < i < gdb_g + 8],
       "%s: %r, QEMU asked at %s, GDB's g at %d" % (pc_read, at_pc, q_pc,
                                                   gdb_g))
    # With GDB's g waiting, g is answered first and the prefetch follows,
    # still ahead of GDB's own read of the byte.
    step_b = max(i for i, l in enumerate(lines) if l.endswith("<- s"))
    gdb_m_b = [i for i, l in enumerate(lines) if i > step_b and
               l.split()[0] not in qfds and l.endswith("<- " + pc_read_b)]
    q_pc_b = [i for i, l in enumerate(lines) if i > step_b and
              l.split()[0] in qfds and l.endswith("-> " + pc_read_b)]
    ok("cache-pc-byte-prefetched-behind-gdb",
       re.fullmatch("[0-9a-f]{2}", at_pc_b[0]) is not None and
       at_pc_b[0] == at_pc_b[1] and len(gdb_m_b) == 2 and
       len(q_pc_b) == 1 and q_pc_b[0] < gdb_m_b[0],
       "%s: %r, QEMU asked at %s, GDB at %s" % (pc_read_b, at_pc_b, q_pc_b,
                                               gdb_m_b))
    reads = [x for x in to_qemu if x == m]
    # r1 (QEMU), r2 (kept), r3 and r4 (after writes: QEMU again).
    ok("cache-reads-forwarded-once", from_gdb.count(m) == 4 and len(reads) == 3,
       "GDB %d, QEMU %d" % (from_gdb.count(m), len(reads)))


def gdb16_tests(g, work):
    """GDB 16 (binary x) through --qemu-ram, against GDB 13 on QEMU."""
    cache = os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
    gdb16 = os.environ.get("GDB16", os.path.join(cache, "gdb16", "gdb"))
    if not os.access(gdb16, os.X_OK):
        subprocess.run([sys.executable, os.path.join(
            HERE, "..", "tools", "fetch_gdb16.py"), cache],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.access(gdb16, os.X_OK):
        print("# GDB 16 could not be fetched: its live case is left out")
        return
    text = g.ksym["_text"]

    def dump(gdb, target, out):
        return subprocess.run(
            [gdb, "-q", "-batch", "-nx", "-ex", "set debug remote 1",
             "-ex", "target remote " + target,
             "-ex", "dump binary memory %s 0x%x 0x%x" % (out, text,
                                                          text + (4 << 20)),
             "-ex", "detach"], capture_output=True, text=True,
            errors="replace", timeout=300)
    p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                 "--qemu-ram", g.ram, "--qmp", g.qmp])
    try:
        r16 = dump(gdb16, "127.0.0.1:%d" % port, os.path.join(work, "x.bin"))
    finally:
        p.kill()
        p.wait()
    dump("gdb", "127.0.0.1:%d" % g.gdb_port, os.path.join(work, "m.bin"))
    nx = sum(1 for a in re.findall(r"Sending packet: \$x([0-9a-f]+),",
                                   r16.stderr)
             if text <= int(a, 16) < text + (4 << 20))
    ok("gdb16-reads-with-x", nx >= 16, "%d x packets: %s" % (
        nx, r16.stderr[-400:]))
    try:
        same = open(os.path.join(work, "x.bin"), "rb").read() == \
            open(os.path.join(work, "m.bin"), "rb").read()
        size = os.path.getsize(os.path.join(work, "x.bin"))
    except OSError as e:
        same, size = False, str(e)
    ok("gdb16-x-equals-qemu", same and size == 4 << 20,
       "size %s; pgstub: %s" % (size, open(log.name).read()[-300:]))


def stdio_stderr_test(g, banner):
    """pgstub --stdio --qemu, plumbed as GDB 13 does it (socket pairs): its
    stderr ends at GDB's first memory read (GDB polls it once per byte it
    receives until then; stub/pgstub/serve_log.c)."""
    ours, theirs = socket.socketpair()
    err_r, err_w = socket.socketpair()
    p = subprocess.Popen([PGSTUB, "--stdio", "--qemu",
                          "127.0.0.1:%d" % g.gdb_port],
                         stdin=theirs, stdout=theirs, stderr=err_w)
    theirs.close()
    err_w.close()
    c = Raw(None, sock=ours)
    c.ask("qSupported:multiprocess+;xmlRegisters=i386")
    c.ask("QStartNoAckMode")
    c.ask("?")
    err_r.settimeout(0.5)
    try:
        early = err_r.recv(4096) == b""
    except socket.timeout:
        early = False
    r = c.ask("m%x,8" % banner)
    err_r.settimeout(5)
    try:
        ended = err_r.recv(4096) == b""
    except socket.timeout:
        ended = False
    c.ask("D")
    ours.close()
    p.wait(timeout=30)
    ok("live-stdio-stderr-ends-at-first-read",
       not early and ended and bytes.fromhex(r) == b"Linux ve",
       "open until then: %s, ended: %s, %r" % (not early, ended, r))


REFUSAL = ("E.pgstub: another GDB is already attached to this stub "
           "(one session at a time); detach it first")
TRUNCATED = ("*** output truncated after 4096 bytes (output limit); raise "
             "pgstub --max-output or narrow the command")


def closed_within(sock, secs):
    """Seconds until the peer closed @sock, or None."""
    t0 = time.time()
    sock.settimeout(secs)
    try:
        while sock.recv(65536):
            pass
        return time.time() - t0
    except (ConnectionResetError, socket.timeout):
        return None


def limits_tests(g):
    p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                 "--idle-timeout", "2", "--max-output", "4K"])
    a = Raw(port)
    a.ask("qSupported:multiprocess+;xmlRegisters=i386")
    a.ask("QStartNoAckMode")
    a.ask("?")
    b = Raw(port)
    b.send("qSupported")
    r = b.recv()
    ok("live-second-gdb-refused", r == REFUSAL, r)
    ok("live-refused-peer-closed", closed_within(b.s, 5) is not None)
    r = a.ask("m%x,10" % g.ksym["linux_banner"])
    ok("live-first-session-unaffected",
       bytes.fromhex(r).startswith(b"Linux version"), r)
    a.send("qRcmd," + "info tlb".encode().hex())
    text = ""
    while True:
        r = a.recv()
        if not rsp_console(r):
            break
        text += bytes.fromhex(r[1:]).decode("latin-1")
    ok("live-output-capped", r == "OK" and TRUNCATED in text and
       len(text) < 4096 + 300, "%d bytes, %s: %r" % (len(text), r, text[-160:]))
    # Waiting for a stop is not idleness: 3 s running with a 2 s timeout.
    a.send("c")
    time.sleep(3.5)
    a.s.sendall(b"\x03")
    r = a.recv()
    ok("live-running-is-not-idle", re.match(r"T02thread:", r) is not None, r)
    secs = closed_within(a.s, 10)
    ok("live-idle-closed", secs is not None and 1.5 <= secs <= 5,
       "closed after %s s" % secs)
    ok("live-idle-logged", "connection closed: idle timeout" in
       open(log.name, errors="replace").read())
    c = Raw(port)
    r = c.ask("?")
    ok("live-serves-after-idle-drop", r.startswith("T"), r)
    c.ask("D")
    c.s.close()
    p.kill()
    p.wait()
    # A peer that asks and never reads is dropped; pgstub keeps serving.
    p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                 "--qemu-ram", g.ram, "--qmp", g.qmp,
                                 "--write-timeout", "1"])
    s = Raw(port, rcvbuf=4096)
    s.ask("qSupported:multiprocess+;xmlRegisters=i386")
    s.ask("QStartNoAckMode")
    for _ in range(20):
        s.send("qRcmd," + "info tlb".encode().hex())
    for _ in range(100):
        if "the peer stopped reading" in open(log.name, errors="replace").read():
            break
        time.sleep(0.1)
    ok("live-stuck-peer-dropped",
       "connection closed: the peer stopped reading (write timeout)" in
       open(log.name, errors="replace").read(),
       open(log.name, errors="replace").read()[-300:])
    s.s.close()
    c = Raw(port)
    r = c.ask("?")
    ok("live-serves-after-stuck-drop", r.startswith("T") and p.poll() is None,
       r)
    c.ask("D")
    c.s.close()
    p.kill()
    p.wait()


def configure_version():
    top = os.environ.get("top_srcdir") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(top, "configure.ac")) as f:
        return re.search(r"AC_INIT\(\[pgstub\], *\[([^]]*)\]", f.read()).group(1)


def version_tests(port):
    """`monitor info version` is pgstub's (tools written for QEMU's gdbstub
    probe it), a version line as QEMU's; `qemu info version` still gets
    QEMU's own."""
    out = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-ex", "set pagination off",
         "-ex", "target remote 127.0.0.1:%d" % port,
         "-ex", "monitor info version", "-ex", "monitor qemu info version",
         "-ex", "detach"],
        capture_output=True, text=True, errors="replace", timeout=120)
    lines = (out.stdout + out.stderr).splitlines()
    ok("live-info-version-is-pgstubs",
       "%s (pgstub)" % configure_version() in lines, lines[-8:])
    # QEMU prints MAJOR.MINOR.MICRO then its package string, e.g.
    # "7.2.22Debian 1:7.2+dfsg-7+deb12u18+b3"; pgstub's line starts alike.
    qemu = [l for l in lines if re.match(r"\d+\.\d+\.\d+", l)
            and "(pgstub)" not in l]
    ok("live-qemu-info-version-still-reaches-qemu", len(qemu) == 1, lines[-8:])


def rsp_console(r):
    return len(r) > 1 and r[0] == "O" and re.fullmatch("[0-9a-f]+", r[1:])


def kill_tests(g):
    p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port])
    g_pid = g.proc.pid
    out = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-ex", "set pagination off",
         "-ex", "target remote 127.0.0.1:%d" % port,
         "-ex", "info registers rip",
         "-ex", "shell kill -9 %d; sleep 1" % g_pid,
         "-ex", "monitor info pg",
         "-ex", "flushregs", "-ex", "info registers rip",
         "-ex", "echo @@after\\n"],
        capture_output=True, text=True, errors="replace", timeout=120)
    text = out.stdout + out.stderr
    g.proc.wait()
    ok("killed-monitor-says-why", "pgstub: QEMU closed the gdbstub connection"
       in text, text[-600:])
    ok("killed-registers-error",
       "E.pgstub: QEMU closed the gdbstub connection" in text, text[-600:])
    ok("killed-pgstub-alive", p.poll() is None, "exit %s" % p.poll())
    out = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-ex", "target remote 127.0.0.1:%d" % port],
        capture_output=True, text=True, errors="replace", timeout=60)
    ok("killed-reconnect-clean-error", "E.pgstub: cannot connect to QEMU at"
       in out.stdout + out.stderr, (out.stdout + out.stderr)[-400:])
    ok("killed-pgstub-still-serving", p.poll() is None, "exit %s" % p.poll())
    p.kill()
    p.wait()
    # --once: the session that learns QEMU is gone ends pgstub.
    p, port, log = start_pgstub(["--once", "--qemu", "127.0.0.1:%d" % g.gdb_port])
    if p.poll() is None:
        subprocess.run(["gdb", "-q", "-batch", "-nx", "-ex",
                        "target remote 127.0.0.1:%d" % port],
                       capture_output=True, timeout=60)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    ok("once-exits-when-qemu-gone", p.returncode == 1, "exit %s" % p.returncode)


def i386_tests(work):
    """pgstub --qemu in front of qemu-system-i386 running a PAE kernel."""
    why = Guest.available("i386-pae")
    if why:
        ok("i386-guest # SKIP %s" % why, True)
        return
    g = Guest(work, smp=1, arch="i386-pae")
    try:
        g.boot()
    except RuntimeError as e:
        ok("i386-boot", False, e)
        return
    try:
        trace = os.path.join(work, "i386.trace")
        p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port],
                                    {"PGSTUB_LIVE_TRACE": trace})
        run_driver("i386", port, g, log, min_results=12)
        p.kill()
        p.wait()
        # After each of GDB's steps, the byte at EIP (found in QEMU's
        # 32-bit g) was asked of QEMU before GDB asked for it, once.
        lines, qfds = trace_lines(trace)
        steps = [i for i, l in enumerate(lines) if l.split()[0] not in qfds
                 and re.search(r"<- vCont;s", l)]
        seen = []
        for k, at in enumerate(steps):
            end = steps[k + 1] if k + 1 < len(steps) else len(lines)
            gdb_m = [i for i in range(at, end) if lines[i].split()[0]
                     not in qfds and re.search(r"<- m[0-9a-f]+,1$", lines[i])]
            if not gdb_m:
                continue
            req = lines[gdb_m[0]].split()[-1]
            to_q = [i for i in range(at, end) if lines[i].split()[0] in qfds
                    and lines[i].endswith("-> " + req)]
            seen.append(len(to_q) == 1 and to_q[0] < gdb_m[0])
        ok("i386-pc-byte-prefetched", len(seen) >= 2 and all(seen),
           "%d steps: %s" % (len(steps), seen))
        p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                     "--qemu-ram", g.ram, "--qmp", g.qmp])
        run_driver("i386-ram", port, g, log, min_results=12)
        p.kill()
        p.wait()
    finally:
        g.kill()


def main():
    why = Guest.available()
    if why:
        print("1..0 # SKIP %s" % why)
        return 0
    work = tempfile.mkdtemp(prefix="pgstub-live-")
    g = Guest(work)
    try:
        g.boot()
    except RuntimeError as e:
        print("1..1\nnot ok 1 - boot # %s" % e)
        return 1
    try:
        trace = os.path.join(work, "gdbstub.trace")
        p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port],
                                    {"PGSTUB_LIVE_TRACE": trace})
        run_driver("gdbstub", port, g, log)
        raw_running_tests(port, g.ksym["_text"])
        version_tests(port)
        open(trace, "w").close()
        raw_cache_tests(port, g.ksym["linux_banner"], trace)
        p.kill()
        p.wait()
        trace = os.path.join(work, "ram.trace")
        p, port, log = start_pgstub(["--qemu", "127.0.0.1:%d" % g.gdb_port,
                                     "--qemu-ram", g.ram, "--qmp", g.qmp],
                                    {"PGSTUB_LIVE_TRACE": trace})
        run_driver("ram", port, g, log)
        p.kill()
        p.wait()
        # Every memory read of that session came from the RAM file.
        lines, qfds = trace_lines(trace)
        qm = [l for l in lines if l.split()[0] in qfds and
              re.match(r"\S+ -> [mM]", l) and not l.split()[2].startswith("M")]
        gm = [l for l in lines if l.split()[0] not in qfds and
              re.match(r"\S+ <- m", l)]
        ok("ram-reads-from-file", not qm and len(gm) > 10,
           "%d m to QEMU, %d m from GDB: %s" % (len(qm), len(gm), qm[:3]))
        gdb16_tests(g, work)
        stdio_stderr_test(g, g.ksym["linux_banner"])
        limits_tests(g)
        kill_tests(g)
    finally:
        g.kill()
    i386_tests(os.path.join(work, "i386"))
    bad = [l for log in logs for l in open(log.name, errors="replace")
           if "Sanitizer" in l or "runtime error" in l]
    ok("no-sanitizer-reports", not bad, "".join(bad)[:300])
    print("1..%d" % len(results))
    return 0 if all(r[1] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
