"""A bare RSP client for the tests' raw sessions: framing, '}' escapes and
run-length decoding (GDB manual, "Overview"), packets over a socket."""


def frame(p):
    """$p#cs for the payload bytes p."""
    return b"$" + p + b"#%02x" % (sum(p) & 0xff)


def unescape(p):
    """A received payload with escapes and run lengths undone."""
    out, i = bytearray(), 0
    while i < len(p):
        c = p[i]
        if c == 0x7d:
            out.append(p[i + 1] ^ 0x20)
            i += 2
        elif c == 0x2a:
            out += bytes([out[-1]]) * (p[i + 1] - 29)
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


class Rsp:
    """Packets over a connected socket (acks are skipped, never checked)."""

    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def send(self, p):
        self.s.sendall(frame(p))

    def recv(self, timeout=30):
        """The next packet's decoded payload; EOFError when the peer left."""
        if timeout is not None:
            self.s.settimeout(timeout)
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                p = self.buf[i + 1:j]
                self.buf = self.buf[j + 3:]
                return unescape(p)
            d = self.s.recv(65536)
            if not d:
                raise EOFError("the peer closed the connection")
            self.buf += d

    def ask(self, p):
        self.send(p)
        return self.recv()
