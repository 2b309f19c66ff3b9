# An independent model of the entry formats for the tests: per format and
# level, a table from bit to flag name built from the manuals' tables, and
# the expected printed line for any value.  Shared by test_decode.py (plain
# python3) and printers.py checks run inside GDB.
"""Expected decodings, written as bit tables rather than as code paths."""

M64 = (1 << 64) - 1
ADDR = 0x000FFFFFFFFFF000


def _size(n):
    for unit, s in ((1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")):
        if n >= unit and n % unit == 0:
            return "%d%s" % (n // unit, s)
    return str(n)


# SDM 3A tables 4-14..4-20 (IA-32e), 4-8..4-11 (PAE), 4-4..4-6 (32-bit):
# which entry kinds exist at each level.  "table" points to a table,
# "page" maps a page; (level, PS) -> kind.
def x86_kind(fmt, level, ps):
    if fmt == "pae" and level == 3:
        return "pdpte"
    if level == 1:
        return "page4k"
    if fmt == "x86-64" and level >= 4:
        return "table"
    if fmt == "x86-32" and level >= 2:
        return "page4m" if ps else "table"
    return ("page2m" if level == 2 else "page1g") if ps else "table"


X86_BITS = {
    # kind -> {bit: name}, in the order the decoder prints them
    "page4k": {0: "P", 1: "W", 2: "U", 3: "PWT", 4: "PCD", 5: "A", 6: "D",
               7: "PAT", 8: "G", 63: "NX"},
    "page2m": {0: "P", 1: "W", 2: "U", 3: "PWT", 4: "PCD", 5: "A", 6: "D",
               7: "PS", 8: "G", 12: "PAT", 63: "NX"},
    "page1g": {0: "P", 1: "W", 2: "U", 3: "PWT", 4: "PCD", 5: "A", 6: "D",
               7: "PS", 8: "G", 12: "PAT", 63: "NX"},
    "page4m": {0: "P", 1: "W", 2: "U", 3: "PWT", 4: "PCD", 5: "A", 6: "D",
               7: "PS", 8: "G", 12: "PAT"},
    "table": {0: "P", 1: "W", 2: "U", 3: "PWT", 4: "PCD", 5: "A", 6: "D",
              7: "PS", 8: "G", 63: "NX"},
    "pdpte": {0: "P", 3: "PWT", 4: "PCD"},
}


def _bits(hi, lo):
    return ((1 << (hi - lo + 1)) - 1) << lo


def x86_rsvd(fmt, level, kind, v):
    r = 0
    if kind == "pdpte":
        return v & (_bits(2, 1) | _bits(8, 5) | _bits(63, 52))
    if kind == "table" and v >> 7 & 1:
        r |= 1 << 7    # PS where no page can be mapped
    if kind == "page2m":
        r |= v & _bits(20, 13)
    if kind == "page1g":
        r |= v & _bits(29, 13)
    if kind == "page4m":
        r |= v & (1 << 21)
    if fmt == "pae" and kind != "pdpte":
        r |= v & _bits(62, 52)
    return r


def x86_expect(label, v, fmt, level):
    """The line the printer / pte command prints for an x86 entry."""
    width = 8 if fmt == "x86-32" else 16
    if fmt == "x86-32":
        v &= 0xFFFFFFFF
    raw = "0x%0*x" % (width, v)
    head = (label + " " if label else "") + raw
    if not v & 1:
        return head + " [not present]"
    kind = x86_kind(fmt, level, v >> 7 & 1)
    bits = X86_BITS[kind]
    flags = [name for bit, name in bits.items()
             if v >> bit & 1 and not (fmt == "x86-32" and bit == 63)]
    rsvd = x86_rsvd(fmt, level, kind, v)
    if rsvd:
        flags.append("RSVD")
    words = [head, "[" + " ".join(flags) + "]"]
    if kind == "page4m":
        words += ["4M", "pfn 0x%x" % (((v & 0xFFC00000) |
                                       ((v >> 13 & 0xFF) << 32)) >> 12)]
    elif kind in ("page2m", "page1g"):
        size = 1 << (21 if kind == "page2m" else 30)
        words += [_size(size), "pfn 0x%x" % ((v & ADDR & ~(size - 1)) >> 12)]
    elif kind == "page4k":
        words.append("pfn 0x%x" % ((v & (0xFFFFF000 if fmt == "x86-32"
                                          else ADDR)) >> 12))
    else:
        words.append("table 0x%x" % (v & (0xFFFFF000 if fmt == "x86-32"
                                          else ADDR)))
    if rsvd:
        words.append("rsvd 0x%x" % rsvd)
    if fmt == "x86-64" and kind.startswith("page"):
        if v >> 59 & 0xF:
            words.append("pkey %d" % (v >> 59 & 0xF))
        sw = v & (_bits(11, 9) | _bits(58, 52))
    elif fmt == "x86-64":
        sw = v & (_bits(11, 9) | _bits(62, 52))
    else:
        sw = v & _bits(11, 9)
    if sw:
        words.append("sw 0x%x" % sw)
    return " ".join(words)


# SDM 3C tables 29-1..29-7 and 11-8 (memory types).
EPT_TYPES = {0: "UC", 1: "WC", 4: "WT", 5: "WP", 6: "WB"}


def ept_expect(label, v, level):
    head = (label + " " if label else "") + "0x%016x" % v
    if not v & 7:
        return head + " [not present]"
    ps = v >> 7 & 1
    leaf = level == 1 or (ps and level in (2, 3))
    flags = [n for b, n in ((0, "R"), (1, "W"), (2, "X")) if v >> b & 1]
    rsvd = 0
    bad = (v & 3) == 2
    if leaf:
        mt = v >> 3 & 7
        flags.append(EPT_TYPES.get(mt, "MT%d" % mt))
        bad = bad or mt not in EPT_TYPES
        if v >> 6 & 1:
            flags.append("IPAT")
        if ps and level > 1:
            flags.append("PS")
    else:
        rsvd |= v & 0x78
        if ps:
            flags.append("PS")
            rsvd |= 0x80
    if v >> 8 & 1:
        flags.append("A")
    if leaf and v >> 9 & 1:
        flags.append("D")
    if v >> 10 & 1:
        flags.append("XU")
    if leaf and v >> 63 & 1:
        flags.append("SVE")
    size = 4096
    if leaf and level > 1:
        size = 1 << (21 if level == 2 else 30)
        rsvd |= v & (size - 1) & ~0xFFF
    if rsvd:
        flags.append("RSVD")
    if bad:
        flags.append("MISCONFIG")
    words = [head, "[" + " ".join(flags) + "]"]
    if leaf:
        if size != 4096:
            words.append(_size(size))
        words.append("pfn 0x%x" % ((v & ADDR & ~(size - 1)) >> 12))
    else:
        words.append("table 0x%x" % (v & ADDR))
    if rsvd:
        words.append("rsvd 0x%x" % rsvd)
    sw = v & ((1 << 11) | _bits(62, 52) | (0 if leaf else 1 << 9) |
              (1 << 7 if level == 1 else 0))
    if sw:
        words.append("sw 0x%x" % sw)
    return " ".join(words)


# Power ISA book III: HPTE dword 0 and 1 flag bits, then the fields.
HPTE_V_FLAGS = ((0x1, "V"), (0x4, "L"), (0x2, "H"), (0x8, "LOCK"),
                (0x10, "BOLTED"))
HPTE_R_FLAGS = ((0x100, "R"), (0x80, "C"), (0x40, "W"), (0x20, "I"),
                (0x10, "M"), (0x8, "G"), (0x4, "N"))


def hpte_expect(label, v, r, size_text, pa):
    """size_text/pa: what the page-size decoding should give (by hand)."""
    head = (label + " " if label else "") + "0x%016x 0x%016x" % (v, r)
    if not v & 1:
        return head + " [invalid]"
    flags = [n for m, n in HPTE_V_FLAGS if v & m] + \
        [n for m, n in HPTE_R_FLAGS if r & m]
    seg = {0: "256M", 1: "1T"}.get(v >> 62, "B=%d" % (v >> 62))
    return "%s [%s] seg %s avpn 0x%x %s pa 0x%x pp %d key %d" % (
        head, " ".join(flags), seg, (v & 0x3FFFFFFFFFFFFF80) >> 7, size_text,
        pa, (r >> 63) << 2 | (r & 3), (r >> 60 & 3) << 3 | (r >> 9 & 7))


SLB_FLAGS = ((0x800, "Ks"), (0x400, "Kp"), (0x200, "N"), (0x100, "L"),
             (0x80, "C"))


def slb_expect(label, esid, vsid):
    head = (label + " " if label else "") + "0x%016x 0x%016x" % (esid, vsid)
    if not esid & 0x08000000:
        return head + " [invalid]"
    flags = ["V"] + [n for m, n in SLB_FLAGS if vsid & m]
    t = vsid >> 62 == 1
    lp = {0: "4K", 0x110: "64K", 0x100: "16M", 0x120: "16G"}.get(
        vsid & 0x130, "LP=%d" % (vsid >> 4 & 3))
    return "%s [%s] %s esid 0x%x vsid 0x%x %s slot %d" % (
        head, " ".join(flags), "1T" if t else {0: "256M"}.get(
            vsid >> 62, "B=%d" % (vsid >> 62)),
        esid >> (40 if t else 28), (vsid & ((1 << 62) - 1)) >> (24 if t
                                                                else 12),
        lp, esid & 0xFFF)


def subsets(bits):
    """Every value made of a subset of BITS (bit numbers)."""
    for n in range(1 << len(bits)):
        v = 0
        for i, b in enumerate(bits):
            if n >> i & 1:
                v |= 1 << b
        yield v


# The combinations the tests enumerate: every flag bit of each format, plus
# one software bit and a reserved bit, over a fixed frame.
X86_COMBO_BITS = {
    "x86-64": [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 63],
    "pae": [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 63],
    "x86-32": [0, 1, 2, 3, 4, 5, 6, 7, 8, 12],
}
X86_LEVELS = {"x86-64": (1, 2, 3, 4, 5), "pae": (1, 2, 3), "x86-32": (1, 2)}
X86_FRAME = {"x86-64": 0x0000012340000000, "pae": 0x0000000640000000,
             "x86-32": 0x80400000}
EPT_COMBO_BITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 63]
EPT_FRAME = 0x0000000BC0000000
