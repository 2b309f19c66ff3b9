# Pretty-printers (gdb.printing) for the Linux kernel's page-table types:
# pte_t/pmd_t/pud_t/p4d_t/pgd_t on x86, arm64, RISC-V and ppc64 (radix
# layout), ppc64 struct hash_pte, SLB entries, struct patb_entry and
# prtb_entry (partition- and process-table entries), and EPT entry types;
# each prints one decoded line (see decode.py).
"""Pretty-printers for page-table entry types.

`info pretty-printer` lists them as the `pgstub` collection with one
subprinter per type; `disable pretty-printer global pgstub;pte_t` turns one
off.  register_type() adds a type name of your own (an EPT entry typedef in
a hypervisor, say).
"""

import gdb
import gdb.printing

from . import decode as D

# Linux type name -> level (1 = leaf table), for x86.
X86_TYPES = {"pte_t": 1, "pmd_t": 2, "pud_t": 3, "p4d_t": 4, "pgd_t": 5}

# Type name -> (kind, level); kinds: "x86" (by size and architecture),
# D.EPT, "hpte", "slb", "pate", "prte".
_types = {name: ("x86", lvl) for name, lvl in X86_TYPES.items()}
_types.update({
    "hash_pte": ("hpte", 0),
    "patb_entry": ("pate", 0),
    "prtb_entry": ("prte", 0),
    "epte_t": (D.EPT, 1),
    "ept_pte_t": (D.EPT, 1),
    "ept_pde_t": (D.EPT, 2),
    "ept_pdpte_t": (D.EPT, 3),
    "ept_pml4e_t": (D.EPT, 4),
    "ept_pml5e_t": (D.EPT, 5),
})


def register_type(name, kind, level=1):
    """Print values of type NAME as entries of KIND ('x86', 'ept', 'pae',
    'x86-32', 'x86-64', 'arm64', 'arm64-s2', 'riscv', 'riscv32', 'radix',
    'hpte', 'slb', 'pate', 'prte') at LEVEL
    (1 = leaf table; arm64 entries take the granule of
    `set pgstub arm64-granule`)."""
    if kind not in ("x86", "hpte", "slb", "pate", "prte") + D.FORMATS:
        raise ValueError("unknown kind %r" % (kind,))
    _types[name] = (kind, level)
    _printer.add_subprinter(name)


def arch_name():
    """The current architecture's name ('i386:x86-64', 'i386', 'powerpc:…')."""
    try:
        frame = gdb.selected_frame()
        return frame.architecture().name()
    except gdb.error:
        pass
    try:
        return gdb.selected_inferior().architecture().name()
    except (gdb.error, AttributeError):
        return ""


def target_little_endian():
    try:
        text = gdb.execute("show endian", to_string=True)
    except gdb.error:
        return True
    return "little endian" in text


def _int_type(t):
    return t.code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM,
                      gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_CHAR)


def raw_value(val):
    """The entry's bits: the value itself, or its one integer member that
    covers the whole type (pte_t's pte, a union's pte, pmd_t's pud.p4d…)."""
    t = val.type.strip_typedefs()
    if _int_type(t):
        return int(val) & ((1 << (8 * t.sizeof)) - 1)
    if t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        raise ValueError("not an integer or a struct")
    fields = [f for f in t.fields() if not f.artificial and
              f.type.strip_typedefs().sizeof == t.sizeof and
              getattr(f, "bitpos", 0) == 0]
    for f in fields:
        if _int_type(f.type.strip_typedefs()):
            return raw_value(val[f])
    for f in fields:
        try:
            return raw_value(val[f])
        except ValueError:
            continue
    raise ValueError("no integer member spans %s" % val.type)


def _be64(val, field):
    """A __be64 member: byte-swapped on a little-endian target."""
    v = int(val[field]) & D.M64
    ftype = val[field].type
    names = []
    t = ftype
    while t.code == gdb.TYPE_CODE_TYPEDEF:
        names.append(t.name)
        t = t.target()
    if "__be64" in names and target_little_endian():
        v = int.from_bytes(v.to_bytes(8, "little"), "big")
    return v


def is_ppc64():
    """The current architecture is 64-bit POWER."""
    arch = arch_name()
    return arch.startswith("powerpc:common64") or \
        arch.startswith("rs6000:") and "64" in arch


def _ppc64_entry(val):
    """A book3s64 entry's value: pte_t is struct { __be64 pte; }."""
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT:
        return _be64(val, t.fields()[0].name)
    v = int(val) & D.M64
    names = []
    t = val.type
    while t.code == gdb.TYPE_CODE_TYPEDEF:
        names.append(t.name)
        t = t.target()
    if "__be64" in names and target_little_endian():
        v = int.from_bytes(v.to_bytes(8, "little"), "big")
    return v


class GranuleParameter(gdb.Parameter):
    """The translation granule arm64 entries are decoded with.
auto (the default) takes the kernel's page size from its symbols
(sizeof(empty_zero_page), one page) and 4K without them; 4K, 16K and 64K
force it."""

    set_doc = "Set the granule of arm64 page-table entries."
    show_doc = "Show the granule of arm64 page-table entries."

    def __init__(self):
        super().__init__("pgstub arm64-granule", gdb.COMMAND_DATA,
                         gdb.PARAM_ENUM, ["auto", "4K", "16K", "64K"])
        self.value = "auto"

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "The granule of arm64 page-table entries is %s." % svalue


_granule_param = None


def arm64_granule():
    """The granule in bytes: the parameter, else the kernel's page size."""
    value = _granule_param.value if _granule_param is not None else "auto"
    if value != "auto":
        return {"4K": 4096, "16K": 16384, "64K": 65536}[value]
    try:
        size = int(gdb.parse_and_eval("sizeof(empty_zero_page)"))
    except gdb.error:
        return 4096
    return size if size in D.GRANULES else 4096


# Linux type -> level on arm64: pgd_t is the top level, level 0 under the
# 4K and 16K granules' usual 4-level layouts and level 1 under 64K's
# 3 levels (a block there needs FEAT_LPA).
def arm64_level(level, granule):
    if level >= 4:
        return 3 if granule == 65536 else 4
    return level


def is_arm64():
    return arch_name().startswith("aarch64")


def riscv_xlen():
    """32 or 64 when GDB's architecture is RISC-V, else 0."""
    arch = arch_name()
    if not arch.startswith("riscv"):
        return 0
    return 32 if arch.endswith("rv32") else 64


class RiscvModeParameter(gdb.Parameter):
    """The RISC-V paging mode whose top level pgd_t is.
auto (the default) reads the kernel's satp_mode variable when GDB can, and
takes Sv39 otherwise; sv39, sv48 and sv57 force it (rv32 is always Sv32).
Only pgd_t depends on it: the other types name fixed levels."""

    set_doc = "Set the RISC-V paging mode of pgd_t."
    show_doc = "Show the RISC-V paging mode of pgd_t."

    def __init__(self):
        super().__init__("pgstub riscv-mode", gdb.COMMAND_DATA,
                         gdb.PARAM_ENUM, ["auto", "sv39", "sv48", "sv57"])
        self.value = "auto"

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "The RISC-V paging mode of pgd_t is %s." % svalue


_riscv_mode_param = None
# satp.MODE (bits 63:60) -> number of levels
SATP_LEVELS = {8: 3, 9: 4, 10: 5}


def riscv_levels():
    """Levels of the kernel's Sv39/48/57 tables (3, 4 or 5)."""
    value = _riscv_mode_param.value if _riscv_mode_param is not None \
        else "auto"
    if value != "auto":
        return {"sv39": 3, "sv48": 4, "sv57": 5}[value]
    try:
        mode = int(gdb.parse_and_eval("satp_mode")) >> 60 & 0xF
    except (gdb.error, gdb.MemoryError):
        return 3
    return SATP_LEVELS.get(mode, 3)


def riscv_level(level, xlen):
    """A Linux type's level: pgd_t (5) is the top one."""
    if xlen == 32:
        return min(level, 2)
    return riscv_levels() if level == 5 else level


def x86_format(size, level):
    """(format, level) for an x86 type of SIZE bytes named for LEVEL."""
    if size == 4:
        return D.X86_32, min(level, 2)
    arch = arch_name()
    if arch and "64" not in arch and arch.startswith("i386"):
        # An 8-byte entry on a 32-bit kernel: PAE; pgd/p4d/pud are PDPTEs.
        return D.PAE, min(level, 3)
    return D.X86_64, level


def decode_value(val, kind, level):
    """Decode a gdb.Value of a registered type; None if it does not apply."""
    if kind == "hpte":
        return D.decode_hpte(_be64(val, "v"), _be64(val, "r"))
    if kind == "slb":
        return D.decode_slb(_be64(val, "esid"), _be64(val, "vsid"))
    if kind == "pate":
        return D.decode_pate(_be64(val, "patb0"), _be64(val, "patb1"))
    if kind == "prte":
        return D.decode_prte(_be64(val, "prtb0"), _be64(val, "prtb1"))
    if kind == D.RADIX or (kind == "x86" and is_ppc64()):
        if val.type.strip_typedefs().sizeof != 8:
            return None
        # Linux's book3s64 page tables: the radix layout, big-endian, 64K
        # base pages (Debian's ppc64el kernels); pgd_t is the root.
        return D.decode_radix(_ppc64_entry(val), min(level, 4), 64 * 1024)
    raw = raw_value(val)
    size = val.type.strip_typedefs().sizeof
    if kind in (D.ARM64, D.ARM64_S2) or (kind == "x86" and is_arm64()):
        if size != 8:
            return None
        gran = arm64_granule()
        stage2 = kind == D.ARM64_S2
        return D.decode_arm64(raw, arm64_level(level, gran) if kind == "x86"
                              else level, gran, stage2)
    if kind in (D.RISCV, D.RISCV32):
        return D.decode_riscv(raw, level, kind == D.RISCV32)
    xlen = riscv_xlen() if kind == "x86" else 0
    if xlen:
        if size != xlen // 8:
            return None
        return D.decode_riscv(raw, riscv_level(level, xlen), xlen == 32)
    if kind == "x86":
        fmt, level = x86_format(size, level)
        return D.decode_x86(raw, level, fmt)
    if kind == D.EPT:
        return D.decode_ept(raw, level)
    return D.decode_x86(raw, level, kind)


class EntryPrinter:
    """Prints one entry as 'NAME 0x… [FLAGS] …'."""

    def __init__(self, label, decoded):
        self.label = label
        self.decoded = decoded

    def to_string(self):
        return D.describe(self.label, self.decoded)


def _type_names(t):
    """Names along the typedef chain, outermost first (cv dropped)."""
    while True:
        t = t.unqualified()
        name = t.name or t.tag
        if name:
            yield name, t
        if t.code != gdb.TYPE_CODE_TYPEDEF:
            return
        t = t.target()


def _is_slb(t):
    t = t.strip_typedefs()
    if t.code != gdb.TYPE_CODE_STRUCT:
        return False
    names = [f.name for f in t.fields()]
    return names[:2] == ["esid", "vsid"]


class PgstubPrinter(gdb.printing.PrettyPrinter):
    """The `pgstub` collection: one subprinter per type name."""

    def __init__(self):
        super().__init__("pgstub", [])
        for name in _types:
            self.add_subprinter(name)
        self.add_subprinter("slb")

    def add_subprinter(self, name):
        if not any(s.name == name for s in self.subprinters):
            self.subprinters.append(gdb.printing.SubPrettyPrinter(name))

    def _enabled(self, name):
        return any(s.name == name and s.enabled for s in self.subprinters)

    def __call__(self, val):
        if not self.enabled:
            return None
        for name, _ in _type_names(val.type):
            if name in _types and self._enabled(name):
                kind, level = _types[name]
                break
        else:
            if not (_is_slb(val.type) and self._enabled("slb")):
                return None
            name, kind, level = "slb", "slb", 0
        try:
            d = decode_value(val, kind, level)
        except (ValueError, gdb.error):
            return None
        if d is None:
            return None
        label = "slb" if kind == "slb" else name
        return EntryPrinter(label, d)


_printer = PgstubPrinter()


def register(objfile=None):
    """Register the collection (globally by default); safe to repeat."""
    global _granule_param, _riscv_mode_param
    if _granule_param is None:
        _granule_param = GranuleParameter()
        _riscv_mode_param = RiscvModeParameter()
    gdb.printing.register_pretty_printer(objfile, _printer, replace=True)
