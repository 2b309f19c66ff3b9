# Decoders for raw paging entries: x86 (32-bit, PAE, IA-32e 4/5-level, AMD
# NPT), Intel EPT, arm64 VMSAv8-64 descriptors (stage 1 and 2), RISC-V
# Sv32/Sv39/Sv48/Sv57 PTEs, ppc64 radix PTEs/PDEs, partition- and
# process-table entries, ppc64 hashed page-table entries and SLB entries.  Pure Python with no gdb import, so
# the tests can run it under plain python3.
"""Decode raw page-table entries into flags, page frame and page size.

Levels are numbered as Linux does, from the leaf table up: 1 = PT (pte_t),
2 = PD (pmd_t), 3 = PDPT (pud_t), 4 = PML4 (p4d_t), 5 = PML5 (pgd_t under
5-level paging).  Bit positions follow the Intel SDM volume 3A section 4
(x86), 3C section 29.3 (EPT), the Arm ARM section D8.3 (VMSAv8-64
descriptors: level 1 here is Arm's level 3, 2 is level 2, 3 is level 1,
4 is level 0 and 5 is the level -1 of FEAT_LPA2), the RISC-V privileged
spec (Sv32..Sv57, Svpbmt, Svnapot: level 1 is the spec's level 0) and the
Power ISA book III (HPTE, SLB; radix PTE/PDE, PATE, PRTE: level 1 is the
page table, L4 of a 52-bit tree, 4 its root L1).
"""

X86_64 = "x86-64"   # IA-32e 4- and 5-level paging, AMD NPT
PAE = "pae"
X86_32 = "x86-32"
EPT = "ept"
ARM64 = "arm64"        # VMSAv8-64 stage 1
ARM64_S2 = "arm64-s2"  # VMSAv8-64 stage 2
RISCV = "riscv"        # Sv39, Sv48, Sv57 (and their G-stage x4 forms)
RISCV32 = "riscv32"    # Sv32
RADIX = "radix"        # ppc64 radix tree entries (Linux's book3s64 pte_t)
FORMATS = (X86_64, PAE, X86_32, EPT, ARM64, ARM64_S2, RISCV, RISCV32, RADIX)

M64 = (1 << 64) - 1
ADDR_MASK = 0x000FFFFFFFFFF000   # bits 51:12, MAXPHYADDR taken as 52

KB, MB, GB = 1 << 10, 1 << 20, 1 << 30

# Entry names by format and level, for messages and the pte command.
LEVEL_NAMES = {
    X86_64: {1: "PTE", 2: "PDE", 3: "PDPTE", 4: "PML4E", 5: "PML5E"},
    PAE: {1: "PTE", 2: "PDE", 3: "PDPTE"},
    X86_32: {1: "PTE", 2: "PDE"},
    EPT: {1: "EPT PTE", 2: "EPT PDE", 3: "EPT PDPTE", 4: "EPT PML4E",
          5: "EPT PML5E"},
    ARM64: {1: "L3", 2: "L2", 3: "L1", 4: "L0", 5: "L-1"},
    ARM64_S2: {1: "S2 L3", 2: "S2 L2", 3: "S2 L1", 4: "S2 L0", 5: "S2 L-1"},
    RISCV: {1: "L0", 2: "L1", 3: "L2", 4: "L3", 5: "L4"},
    RISCV32: {1: "L0", 2: "L1"},
    RADIX: {1: "L4", 2: "L3", 3: "L2", 4: "L1"},
}

# Aliases accepted for --level (Linux type names and table names).
LEVEL_ALIASES = {
    "pte": 1, "pt": 1, "pmd": 2, "pd": 2, "pde": 2, "pud": 3, "pdpt": 3,
    "pdpte": 3, "p4d": 4, "pml4": 4, "pml4e": 4, "pgd": 5, "pml5": 5,
    "pml5e": 5,
}


def size_text(size):
    """4096 -> '4K', 2 MiB -> '2M', 1 GiB -> '1G', 4 TiB -> '4T'."""
    for unit, suffix in ((GB << 10, "T"), (GB, "G"), (MB, "M"), (KB, "K")):
        if size >= unit and size % unit == 0:
            return "%d%s" % (size // unit, suffix)
    return "%d" % size


def parse_level(text):
    """'2', 'pmd', 'PD' -> 2; raise ValueError otherwise."""
    t = text.strip().lower()
    if t in LEVEL_ALIASES:
        return LEVEL_ALIASES[t]
    try:
        n = int(t, 0)
    except ValueError:
        raise ValueError("bad level '%s' (1-5, or pte/pmd/pud/p4d/pgd)"
                         % text) from None
    if not 1 <= n <= 5:
        raise ValueError("bad level '%s' (1-5, or pte/pmd/pud/p4d/pgd)"
                         % text)
    return n


class Decoded:
    """One decoded entry.

    value: raw value (a tuple of two for HPTE and SLB); present: bool;
    leaf: maps a page (False for a table pointer); flags: list of names in
    bit order; size: page size in bytes or None; pa: page or table physical
    address or None; rsvd: reserved bits set; extra: list of trailing
    'name value' words; text: the whole line without the label.
    """

    def __init__(self, value, width=16, kind=None):
        self.kind = kind
        self.value = value
        self.width = width
        self.present = False
        self.leaf = False
        self.flags = []
        self.size = None
        self.pa = None
        self.rsvd = 0
        self.extra = []
        self.pfn_shift = 12   # Linux's pfn: the granule's page number

    def raw_text(self):
        if isinstance(self.value, tuple):
            return " ".join("0x%0*x" % (self.width, v) for v in self.value)
        return "0x%0*x" % (self.width, self.value)

    def tail_words(self):
        """What follows the flags: size, pfn/table, reserved, extras."""
        if self.kind in ("hpte", "slb", "pate", "prte"):
            return list(self.extra) if self.present else []
        words = []
        if self.present and self.pa is not None:
            if self.leaf:
                if self.size is not None and self.size != 4096:
                    words.append(size_text(self.size))
                words.append("pfn 0x%x" % (self.pa >> self.pfn_shift))
            else:
                words.append("table 0x%x" % self.pa)
        if self.rsvd:
            words.append("rsvd 0x%x" % self.rsvd)
        words.extend(self.extra)
        return words

    def flags_text(self):
        if not self.present:
            return "[invalid]" if self.kind in INVALID_KINDS \
                else "[not present]"
        return "[" + " ".join(self.flags) + "]"

    def text(self):
        """'0x... [P W ...] pfn 0x...' (no label)."""
        return " ".join([self.raw_text(), self.flags_text()] +
                        self.tail_words())

    def __str__(self):
        return self.text()


# Kinds whose manuals call an entry without its valid bit "invalid".
INVALID_KINDS = ("hpte", "slb", "pate", "prte", ARM64, ARM64_S2, RISCV,
                 RISCV32, RADIX)


def _bits(hi, lo):
    return ((1 << (hi - lo + 1)) - 1) << lo


def decode_x86(value, level=1, fmt=X86_64):
    """Decode an x86 paging-structure entry (SDM 3A tables 4-4 to 4-20).

    fmt is X86_64 (also AMD NPT), PAE or X86_32; level 1..5 as in the module
    docstring (PAE has 3 levels, 32-bit paging 2; higher numbers are the
    top level, as Linux folds them).
    """
    if fmt == X86_32:
        level = min(level, 2)
        value &= 0xFFFFFFFF
        d = Decoded(value, 8, kind=fmt)
    else:
        if fmt == PAE:
            level = min(level, 3)
        value &= M64
        d = Decoded(value, kind=fmt)
    if not value & 1:
        return d
    d.present = True
    names = ["P", "W", "U", "PWT", "PCD", "A", "D"]

    if fmt == PAE and level == 3:
        # SDM 3A 4.4.1: a PDPTE has only P, PWT and PCD; bits 2:1, 8:5 and
        # 63:MAXPHYADDR are reserved (checked when CR3 is loaded).
        for bit, name in ((0, "P"), (3, "PWT"), (4, "PCD")):
            if value >> bit & 1:
                d.flags.append(name)
        d.rsvd = value & (_bits(2, 1) | _bits(8, 5) | _bits(63, 52))
        if d.rsvd:
            d.flags.append("RSVD")
        d.pa = value & ADDR_MASK
        d.extra += _soft_bits(value, _bits(11, 9))
        return d

    for bit, name in enumerate(names):
        if value >> bit & 1:
            d.flags.append(name)
    ps = bool(value >> 7 & 1)
    if level == 1:
        d.leaf = True
        if ps:
            d.flags.append("PAT")
    elif ps and (level == 2 or (level == 3 and fmt == X86_64)):
        d.leaf = True
        d.flags.append("PS")
    elif ps:
        d.flags.append("PS")   # reserved at this level; reported below
    if value >> 8 & 1:
        d.flags.append("G")

    if fmt == X86_32:
        if d.leaf and level == 2:
            # SDM 3A table 4-4: a 4M page; PSE-36 puts PA bits 39:32 in
            # bits 20:13 and bit 21 is reserved.
            d.size = 4 * MB
            d.pa = (value & 0xFFC00000) | ((value >> 13 & 0xFF) << 32)
            if value >> 12 & 1:
                d.flags.append("PAT")
            d.rsvd = value & (1 << 21)
        else:
            d.size = 4096 if d.leaf else None
            d.pa = value & 0xFFFFF000
        if d.rsvd:
            d.flags.append("RSVD")
        d.extra += _soft_bits(value, _bits(11, 9))
        return d

    rsvd = 0
    if ps and not d.leaf:
        rsvd |= 1 << 7   # PS in a PML4E/PML5E
    if d.leaf and level >= 2:
        d.size = 2 * MB if level == 2 else GB
        if value >> 12 & 1:
            d.flags.append("PAT")
        rsvd |= value & _bits(d.size.bit_length() - 2, 13)
        d.pa = value & ADDR_MASK & ~(d.size - 1)
    else:
        d.size = 4096 if d.leaf else None
        d.pa = value & ADDR_MASK
    if value >> 63 & 1:
        d.flags.append("NX")
    if fmt == PAE:
        rsvd |= value & _bits(62, 52)   # no protection keys under PAE
    d.rsvd = rsvd
    if rsvd:
        d.flags.append("RSVD")
    if fmt == X86_64 and d.leaf:
        # Bits 62:59 hold the protection key of a leaf (CR4.PKE/PKS).
        pkey = value >> 59 & 0xF
        if pkey:
            d.extra.append("pkey %d" % pkey)
        d.extra += _soft_bits(value, _bits(11, 9) | _bits(58, 52))
    elif fmt == X86_64:
        d.extra += _soft_bits(value, _bits(11, 9) | _bits(62, 52))
    else:
        d.extra += _soft_bits(value, _bits(11, 9))
    return d


def _soft_bits(value, mask):
    """Bits the CPU ignores (software-available), as 'sw 0x...'."""
    sw = value & mask
    return ["sw 0x%x" % sw] if sw else []


# SDM 3C 29.3.7: EPT memory types (table 11-8 encodings); 2, 3, 7 are
# reserved and make a leaf an EPT misconfiguration.
EPT_MEMTYPES = {0: "UC", 1: "WC", 4: "WT", 5: "WP", 6: "WB"}


def decode_ept(value, level=1):
    """Decode an EPT paging-structure entry (SDM 3C tables 29-1 to 29-7)."""
    value &= M64
    d = Decoded(value, kind=EPT)
    if not value & 7:
        return d   # SDM 3C 29.3.2: not present when bits 2:0 are clear
    d.present = True
    for bit, name in ((0, "R"), (1, "W"), (2, "X")):
        if value >> bit & 1:
            d.flags.append(name)
    ps = bool(value >> 7 & 1)
    d.leaf = level == 1 or (ps and level in (2, 3))
    rsvd = 0
    misconfig = (value & 3) == 2   # write without read
    if d.leaf:
        mt = value >> 3 & 7
        if mt in EPT_MEMTYPES:
            d.flags.append(EPT_MEMTYPES[mt])
        else:
            d.flags.append("MT%d" % mt)
            misconfig = True
        if value >> 6 & 1:
            d.flags.append("IPAT")
        if ps and level in (2, 3):
            d.flags.append("PS")
    else:
        # Bits 6:3 (and 7 above the PDPT) are reserved in a table pointer.
        rsvd |= value & _bits(6, 3)
        if ps:
            d.flags.append("PS")
            rsvd |= 1 << 7
    if value >> 8 & 1:
        d.flags.append("A")
    if d.leaf and value >> 9 & 1:
        d.flags.append("D")
    if value >> 10 & 1:
        d.flags.append("XU")   # user-mode execute (mode-based control)
    if d.leaf and value >> 63 & 1:
        d.flags.append("SVE")  # suppress #VE
    if d.leaf and level >= 2:
        d.size = 2 * MB if level == 2 else GB
        rsvd |= value & _bits(d.size.bit_length() - 2, 12)
        d.pa = value & ADDR_MASK & ~(d.size - 1)
    else:
        d.size = 4096 if d.leaf else None
        d.pa = value & ADDR_MASK
    d.rsvd = rsvd
    if rsvd:
        d.flags.append("RSVD")
    if misconfig:
        d.flags.append("MISCONFIG")
    sw = value & (_bits(11, 11) | _bits(62, 52))
    if not d.leaf:
        sw |= value & (1 << 9)   # D is ignored in a table pointer
    if level == 1:
        sw |= value & (1 << 7)   # and PS in a PTE
    if sw:
        d.extra.append("sw 0x%x" % sw)
    return d


# ------------------------------------------------------------------ arm64

GRANULES = {4096: 12, 16384: 14, 65536: 16}
SHAREABILITY = {1: "SH=1", 2: "OSH", 3: "ISH"}   # 0 (non-shareable): none


def arm64_block_ok(arm_level, shift, pa52):
    """May a descriptor at Arm level ARM_LEVEL be a block (Arm ARM D8.3)?
    4K: levels 1 and 2, and 0 with TCR.DS; 16K: level 2, and 1 with DS;
    64K: level 2, and 1 with FEAT_LPA (52-bit output)."""
    if arm_level == 2:
        return True
    if arm_level == 1:
        return shift == 12 or pa52
    return arm_level == 0 and shift == 12 and pa52


def _arm64_oa(value, lo, shift, pa52):
    """Output (or next-table) address: bits 47:LO, and with 52-bit output
    either bits 51:48 from descriptor bits 15:12 (64K, FEAT_LPA) or bits
    49:48 in place and 51:50 from bits 9:8 (4K/16K, TCR.DS)."""
    pa = value & _bits(47, lo)
    if pa52 and shift == 16:
        pa |= (value >> 12 & 0xF) << 48
    elif pa52:
        pa |= value & _bits(49, 48)
        pa |= (value >> 8 & 3) << 50
    return pa


def _arm64_res0(value, lo, shift, pa52, block):
    """RES0 bits of a descriptor's address field below LO and above 47
    (bit 16 of a block is nT, FEAT_BBM; the 52-bit fields are address)."""
    low = _bits(lo - 1, 12) if lo > 12 else 0
    if block:
        low &= ~(1 << 16)
    if pa52 and shift == 16:
        low &= ~_bits(15, 12)
    high = 0 if pa52 and shift != 16 else _bits(49, 48)
    return value & (low | high)


def decode_arm64(value, level=1, granule=4096, stage2=False, pa52=False):
    """Decode a VMSAv8-64 descriptor (Arm ARM D8.3).

    level as in the module docstring (1 = Arm level 3 ... 5 = level -1);
    granule 4096, 16384 or 65536; stage2 for a stage-2 (VTTBR) table;
    pa52 for 52-bit output addresses (TCR.DS with 4K/16K, FEAT_LPA
    with 64K).
    """
    if granule not in GRANULES:
        raise ValueError("bad granule %r (4096, 16384 or 65536)"
                         % (granule,))
    shift = GRANULES[granule]
    value &= M64
    d = Decoded(value, kind=ARM64_S2 if stage2 else ARM64)
    d.pfn_shift = shift
    if not value & 1:
        return d
    d.present = True
    d.flags.append("V")
    arm_level = 4 - level
    table = bool(value & 2)
    if level == 1 and not table:
        d.flags.append("RSVD")
        d.extra.append("reserved type 0b01 at level 3")
        return d
    if not table and not arm64_block_ok(arm_level, shift, pa52):
        d.flags.append("RSVD")
        d.extra.append("no block at level %d with a %s granule"
                       % (arm_level, size_text(granule)))
        return d

    if table and level > 1:
        if not stage2:
            for bit, name in ((63, "NSTable"), (60, "UXNTable"),
                              (59, "PXNTable")):
                if value >> bit & 1:
                    d.flags.append(name)
            ap = value >> 61 & 3
            if ap:
                d.flags.append("APTable=%d" % ap)
        d.pa = _arm64_oa(value, shift, shift, pa52)
        d.rsvd = _arm64_res0(value, shift, shift, pa52, False)
        d.rsvd |= value & (1 << 50)
        if pa52 and shift != 16:
            d.rsvd |= value & _bits(51, 50)
        sw = value & _bits(58, 51) & ~d.rsvd
        sw |= value & _bits(11, 2) & ~(_bits(9, 8) if pa52 and shift != 16
                                       else 0)
        if stage2:
            sw |= value & _bits(63, 59)
        if d.rsvd:
            d.flags.append("RSVD")
        if sw:
            d.extra.append("sw 0x%x" % sw)
        return d

    d.leaf = True
    size_shift = shift + (3 - arm_level) * (shift - 3)
    d.size = 1 << size_shift
    if stage2:
        d.flags.append("MA%x" % (value >> 2 & 0xF))
        for bit, name in ((6, "R"), (7, "W")):
            if value >> bit & 1:
                d.flags.append(name)
    else:
        d.flags.append("ATTR%d" % (value >> 2 & 7))
        if value >> 5 & 1:
            d.flags.append("NS")
        d.flags.append("RO" if value >> 7 & 1 else "RW")
        if value >> 6 & 1:
            d.flags.append("EL0")
    if not (pa52 and shift != 16):
        sh = value >> 8 & 3
        if sh:
            d.flags.append(SHAREABILITY[sh])
    if value >> 10 & 1:
        d.flags.append("AF")
    if value >> 11 & 1:
        d.flags.append("FnXS" if stage2 else "nG")
    if level > 1 and value >> 16 & 1:
        d.flags.append("nT")
    if stage2:
        upper = ((51, "DBM"), (52, "CONT"))
    else:
        upper = ((50, "GP"), (51, "DBM"), (52, "CONT"), (53, "PXN"),
                 (54, "UXN"))
    for bit, name in upper:
        if value >> bit & 1:
            d.flags.append(name)
    if stage2:
        xn = value >> 53 & 3
        if xn:
            d.flags.append("XN=%d" % xn)
    d.pa = _arm64_oa(value, size_shift, shift, pa52)
    d.rsvd = _arm64_res0(value, size_shift, shift, pa52, level > 1)
    if d.rsvd:
        d.flags.append("RSVD")
    pbha = value >> 59 & 0xF
    if pbha:
        d.extra.append("pbha %d" % pbha)
    sw = value & (_bits(58, 55) | (1 << 63))
    if stage2:
        sw |= value & (1 << 50)
    if sw:
        d.extra.append("sw 0x%x" % sw)
    return d


# ------------------------------------------------------------------ RISC-V

RISCV_PBMT = {1: "NC", 2: "IO", 3: "PBMT3"}   # Svpbmt; 3 is reserved


def decode_riscv(value, level=1, rv32=False):
    """Decode a RISC-V PTE (privileged spec: Sv32 4-byte PTEs, Sv39/48/57
    8-byte ones with Svpbmt and Svnapot).  level 1 is the spec's level 0
    (4K pages); a leaf at level n maps 4K << 9(n-1) (Sv32: 4M at 2)."""
    if rv32:
        level = min(level, 2)
        value &= 0xFFFFFFFF
        d = Decoded(value, 8, kind=RISCV32)
    else:
        value &= M64
        d = Decoded(value, kind=RISCV)
    if not value & 1:
        return d
    d.present = True
    for bit, name in enumerate(("V", "R", "W", "X", "U", "G", "A", "D")):
        if value >> bit & 1:
            d.flags.append(name)
    rwx = value >> 1 & 7
    d.leaf = rwx != 0
    ppn_bits = _bits(31, 10) if rv32 else _bits(53, 10)
    ppn = (value & ppn_bits) >> 10
    rsvd = 0
    if not rv32:
        rsvd |= value & _bits(60, 54)
        pbmt = value >> 61 & 3
        if pbmt:
            d.flags.append(RISCV_PBMT[pbmt])
            if pbmt == 3 or not d.leaf:
                rsvd |= value & _bits(62, 61)
    if not d.leaf:
        # Reserved for future standard use in a pointer: D, A, U
        rsvd |= value & 0xD0
        d.pa = ppn << 12
    else:
        if rwx == 2 or rwx == 6:
            d.extra.append("reserved W without R")
        shift = 12 + (level - 1) * (10 if rv32 else 9)
        d.size = 1 << shift
        # A superpage's low PPN fields must be zero (misaligned otherwise)
        low = (1 << (shift - 12)) - 1
        rsvd |= (ppn & low) << 10
        d.pa = (ppn & ~low) << 12
    if not rv32 and value >> 63 & 1:
        d.flags.append("N")
        if d.leaf and level == 1 and ppn & 0xF == 0x8:
            d.size = 64 * KB   # Svnapot: 16 PTEs map one 64K page
            d.pa = (ppn & ~0xF) << 12
        else:
            rsvd |= 1 << 63
    d.rsvd = rsvd
    if rsvd or rwx in (2, 6):
        d.flags.append("RSVD")
    d.extra += _soft_bits(value, _bits(9, 8))
    return d


# ------------------------------------------------------------------ ppc64

# Power ISA v3.0B book III 5.7.7.1 (HPTE) with the low bits Linux gives
# its software fields (HPTE_V_LOCK 0x8, HPTE_V_BOLTED 0x10).
HPTE_V_VALID = 0x1
HPTE_V_SECONDARY = 0x2
HPTE_V_LARGE = 0x4
HPTE_V_LOCK = 0x8
HPTE_V_BOLTED = 0x10
HPTE_V_AVPN = 0x3FFFFFFFFFFFFF80
HPTE_R_RPN = 0x0FFFFFFFFFFFF000

# Base page shift -> [(actual page shift, LP encoding)] as POWER7, POWER8
# and POWER9 advertise them in ibm,segment-page-sizes.
HPTE_PAGE_ENC = {
    16: [(16, 0x1), (24, 0x8)],
    24: [(24, 0x0)],
    12: [(16, 0x7), (24, 0x38)],
    34: [(34, 0x3)],
}

SEGMENTS = {0: "256M", 1: "1T"}


def hpte_page_shifts(r, base_shift=None):
    """(base, actual) page shifts of a large-page HPTE from its LP bits.

    Only the candidates whose LP encoding matches the low RPN bits are
    returned; the encodings are disjoint, so there is at most one unless
    base_shift is None and the entry is malformed.
    """
    found = []
    for base, encs in HPTE_PAGE_ENC.items():
        if base_shift is not None and base != base_shift:
            continue
        for shift, enc in encs:
            mask = ((1 << shift) - 1) & HPTE_R_RPN
            if r & mask == enc << 12:
                found.append((base, shift))
    return found


def decode_hpte(v, r, base_shift=None):
    """Decode a 64-bit hashed page-table entry (dwords v, r, host order)."""
    v &= M64
    r &= M64
    d = Decoded((v, r), kind="hpte")
    if not v & HPTE_V_VALID:
        return d
    d.present = True
    d.leaf = True
    d.flags.append("V")
    if v & HPTE_V_LARGE:
        d.flags.append("L")
    if v & HPTE_V_SECONDARY:
        d.flags.append("H")
    if v & HPTE_V_LOCK:
        d.flags.append("LOCK")
    if v & HPTE_V_BOLTED:
        d.flags.append("BOLTED")
    for mask, name in ((0x100, "R"), (0x80, "C"), (0x40, "W"), (0x20, "I"),
                       (0x10, "M"), (0x8, "G"), (0x4, "N")):
        if r & mask:
            d.flags.append(name)
    b = v >> 62
    seg = SEGMENTS.get(b, "B=%d" % b)
    avpn = (v & HPTE_V_AVPN) >> 7
    d.extra.append("seg %s avpn 0x%x" % (seg, avpn))
    if not v & HPTE_V_LARGE:
        shifts = [(12, 12)]
    else:
        shifts = hpte_page_shifts(r, base_shift)
    if len(shifts) == 1:
        base, shift = shifts[0]
        d.size = 1 << shift
        d.pa = r & HPTE_R_RPN & ~(d.size - 1)
        size = size_text(d.size)
        if base != shift:
            size += "@" + size_text(1 << base)
        d.extra.append("%s pa 0x%x" % (size, d.pa))
    else:
        d.extra.append("size ? lp 0x%x" % ((r >> 12) & 0xFF))
    pp = (r >> 63) << 2 | (r & 3)
    key = (r >> 60 & 3) << 3 | (r >> 9 & 7)
    d.extra.append("pp %d key %d" % (pp, key))
    return d


# Power ISA book III 5.7.6.1 (slbmte RB and RS layout), as Linux names them.
SLB_ESID_V = 0x08000000
SLB_VSID_B_1T = 0x4000000000000000
SLB_VSID_FLAGS = ((0x800, "Ks"), (0x400, "Kp"), (0x200, "N"), (0x100, "L"),
                  (0x80, "C"))
SLB_LP = {0x000: "4K", 0x110: "64K", 0x100: "16M", 0x120: "16G"}


def decode_slb(esid, vsid):
    """Decode an SLB entry (the ESID and VSID doublewords of slbmte)."""
    esid &= M64
    vsid &= M64
    d = Decoded((esid, vsid), kind="slb")
    if not esid & SLB_ESID_V:
        return d
    d.present = True
    d.flags.append("V")
    for mask, name in SLB_VSID_FLAGS:
        if vsid & mask:
            d.flags.append(name)
    b = vsid >> 62
    if b == 1:
        seg, eshift, vshift = "1T", 40, 24
    else:
        seg, eshift, vshift = SEGMENTS.get(b, "B=%d" % b), 28, 12
    base = SLB_LP.get(vsid & 0x130, "LP=%d" % (vsid >> 4 & 3))
    d.extra.append("%s esid 0x%x vsid 0x%x %s slot %d" % (
        seg, esid >> eshift, (vsid & ((1 << 62) - 1)) >> vshift, base,
        esid & 0xFFF))
    return d


# Power ISA v3.0B book III, radix tree translation: PTE and PDE formats.
# ISA bit n is value bit 63 - n.  Linux's book3s64 pte_t uses this layout
# for hash and radix alike (_PAGE_PRESENT, _PAGE_PTE, _PAGE_PRIVILEGED ...).
RADIX_V = 1 << 63             # ISA 0
RADIX_L = 1 << 62             # ISA 1: leaf
RADIX_RPN = _bits(55, 12)     # ISA 8:51
RADIX_NLB = _bits(59, 8)      # ISA 4:55
RADIX_PDE_RSVD = _bits(61, 60) | _bits(7, 5)   # ISA 2:3, 56:58
RADIX_PTE_RSVD = 1 << 6       # ISA 57
RADIX_ATT = {1: "SAO", 2: "NON-IDEM", 3: "TOLERANT"}
RADIX_EAA = ((8, "PRIV"), (4, "READ"), (2, "WRITE"), (1, "EXEC"))
RADIX_LEAF_SIZES = {2: 2 * MB, 3: GB}


def decode_radix(value, level=1, page_size=64 * KB):
    """Decode a ppc64 radix PTE or PDE.  level 1 is the page table (pages
    of page_size: 4K or 64K), 2 a PMD (2M leaves), 3 a PUD (1G), 4 the
    root, which maps no pages."""
    value &= M64
    d = Decoded(value, kind=RADIX)
    if not value & RADIX_V:
        return d
    d.present = True
    d.flags.append("V")
    d.leaf = bool(value & RADIX_L)
    if not d.leaf:
        d.pa = value & RADIX_NLB
        rsvd = value & RADIX_PDE_RSVD
        d.extra.append("nls %d" % (value & 0x1F))
    else:
        d.flags.append("L")
        for mask, name in ((1 << 8, "R"), (1 << 7, "C")):
            if value & mask:
                d.flags.append(name)
        att = value >> 4 & 3
        if att:
            d.flags.append(RADIX_ATT[att])
        for mask, name in RADIX_EAA:
            if value & mask:
                d.flags.append(name)
        size = page_size if level == 1 else RADIX_LEAF_SIZES.get(level)
        rpn = value & RADIX_RPN
        rsvd = value & RADIX_PTE_RSVD
        if size is None:
            rsvd |= RADIX_L      # no leaf at the root
        else:
            d.size = size
            d.pfn_shift = page_size.bit_length() - 1
            d.pa = rpn & ~(size - 1)
            rsvd |= rpn & (size - 1) & ~0xFFF
        key = value >> 56 & 0x1F
        if key:
            d.extra.append("key %d" % key)
        d.extra += _soft_bits(value, _bits(11, 9) | 1 << 61)
    d.rsvd = rsvd
    if rsvd:
        d.flags.append("RSVD")
    return d


def _radix_tree(d0):
    """'52-bit root 0x... 8192 entries' of a PATE/PRTE doubleword 0."""
    rts = (d0 >> 61 & 3) << 3 | (d0 >> 5 & 7)
    rpds = d0 & 0x1F
    return "tree %d-bit root 0x%x %d entries" % (rts + 31, d0 & RADIX_NLB,
                                                 1 << rpds)


def _table(d, what):
    """'prtb 0x... 4K' of a PATE doubleword 1 or PTCR-style word."""
    return "%s 0x%x %s" % (what, d & _bits(59, 12),
                           size_text(1 << (12 + (d & 0x1F))))


def decode_pate(d0, d1):
    """Decode a partition-table entry (its two doublewords, host order):
    HR = 1 a partition-scoped radix tree, else the HTAB; GR and the
    process table in doubleword 1."""
    d0 &= M64
    d1 &= M64
    d = Decoded((d0, d1), kind="pate")
    if not d0 and not d1:
        return d
    d.present = True
    if d0 >> 63:
        d.flags.append("HR")
        d.extra.append(_radix_tree(d0))
    else:
        d.extra.append("htab 0x%x htabsize %d" % (d0 & _bits(59, 18),
                                                  d0 & 0x1F))
    if d1 >> 63:
        d.flags.append("GR")
    d.extra.append(_table(d1, "prtb"))
    return d


def decode_prte(d0, d1=0):
    """Decode a process-table entry (radix: doubleword 0 names the tree;
    0 means the PID has none)."""
    d0 &= M64
    d1 &= M64
    d = Decoded((d0, d1), kind="prte")
    if not d0:
        return d
    d.present = True
    d.extra.append(_radix_tree(d0))
    return d


# ------------------------------------------------------------------ facade

def decode(value, kind=X86_64, level=1, granule=4096, pa52=False):
    """Decode by kind: X86_64, PAE, X86_32, EPT, ARM64, ARM64_S2, RISCV,
    RISCV32, RADIX (granule: the arm64 granule, or the radix base page
    size; pa52 applies to the arm64 kinds only)."""
    if kind == EPT:
        return decode_ept(value, level)
    if kind in (ARM64, ARM64_S2):
        return decode_arm64(value, level, granule, kind == ARM64_S2, pa52)
    if kind in (RISCV, RISCV32):
        return decode_riscv(value, level, kind == RISCV32)
    if kind == RADIX:
        return decode_radix(value, level, granule)
    if kind not in (X86_64, PAE, X86_32):
        raise ValueError("unknown entry kind %r" % (kind,))
    return decode_x86(value, level, kind)


def describe(label, d):
    """The one-line form printers and the pte command print."""
    return "%s %s" % (label, d.text()) if label else d.text()


arm64 = decode_arm64
riscv = decode_riscv
hpte = decode_hpte
slb = decode_slb
radix = decode_radix
pate = decode_pate
prte = decode_prte
