# The GDB commands of the pgstub package: pg (the folded page-table tree),
# pg-check (the page-table lint), pg-mark and pg-diff (what changed), vtop
# (one walk, level by level), ptov (physical to virtual), pte (decode a raw
# entry) and pgstub (is the remote pgstub?), with colour and completion.
"""GDB commands built on pgstub's monitor commands and on decode.py."""

import re

import gdb

from . import color
from . import decode as D
from . import printers
from . import remote


def _argv(arg):
    try:
        return gdb.string_to_argv(arg)
    except (gdb.error, ValueError) as e:
        raise gdb.GdbError("bad arguments: %s" % e) from None


def eval_int(cmd, text, what="address"):
    """Evaluate a GDB expression to an unsigned 64-bit integer."""
    try:
        val = gdb.parse_and_eval(text)
    except gdb.error as e:
        raise gdb.GdbError("%s: bad %s '%s': %s" % (cmd, what, text, e)) \
            from None
    try:
        return int(val) & D.M64
    except (gdb.error, ValueError, TypeError):
        raise gdb.GdbError("%s: bad %s '%s': not a number"
                           % (cmd, what, text)) from None


def _expression_arg(cmd, arg, usage):
    """The whole argument as one expression, minus --color/--no-color."""
    words, force = _take_color(arg.split())
    if not words:
        raise gdb.GdbError("%s: usage: %s" % (cmd, usage))
    return " ".join(words), force


def _take_color(argv):
    """Remove --color/--no-color; return (argv, True/False/None)."""
    force, rest = None, []
    for a in argv:
        if a in ("--color", "--colour"):
            force = True
        elif a in ("--no-color", "--no-colour"):
            force = False
        else:
            rest.append(a)
    return rest, force


def _current_token(text):
    """The whitespace-separated token being completed ('' after a space)."""
    return "" if not text or text[-1].isspace() else text.split()[-1]


def _complete_words(words, text, word):
    """Complete the current token among WORDS.  GDB replaces only WORD, the
    part after its last word-break character ('-' is one), so the part of
    the token before WORD is cut from each candidate."""
    tok = _current_token(text)
    cut = len(tok) - len(word or "")
    return [w[cut:] for w in words if w.startswith(tok)]


def _previous_token(text):
    words = text.split()
    if _current_token(text):
        words = words[:-1]
    return words[-1] if words else ""


def _write(text):
    gdb.write(text)


# ------------------------------------------------------------------ pg

PG_OPTIONS = ["-w", "-x", "-u", "-s", "--range", "--kernel-names", "--color", "--no-color"]

_PG_LINE = re.compile(r"^(\s*)(\[[0-9a-f]+-[0-9a-f]+\])(\s+)([A-Za-z0-9 ]*?)"
                      r"(\[[0-9a-f]+(?:-[0-9a-f]+)?\])(\s+)([-A-Z]+)(.*)$")
_PG_LETTERS = {"X": "nx", "W": "write", "U": "user", "P": "present"}


def paint_pg_line(paint, line):
    m = _PG_LINE.match(line)
    if not m:
        return paint("leaf", line) if line.startswith("VPN range") else line
    ind, rng, sp1, name, idx, sp2, flags, rest = m.groups()
    flags = "".join(paint(_PG_LETTERS.get(c, ""), c) for c in flags)
    return (ind + paint("va", rng) + sp1 + paint("name", name) + idx + sp2 +
            flags + paint("pa", rest))


class PgCommand(gdb.Command):
    """Show the page tables of the selected thread's vCPU as a folded tree.
Usage: pg [-w] [-x] [-u] [-s] [--kernel-names] [--range START END]
          [--color|--no-color]

Runs pgstub's `monitor info pg` on the vCPU of GDB's selected thread: one
line per run of entries with equal flags at each level, indented by depth,
"[vpn-range] NAME[index-range] FLAGS physical-pages".
  -w             only writable mappings
  -x             only executable mappings
  -u             only user mappings
  -s             only supervisor mappings (excludes -u)
  --range A B    only virtual addresses in [A, B); A and B are expressions
  --kernel-names levels named as Linux names them (PGD P4D PUD PMD PTE)
Flags are those of `monitor info pg` (XGSDACTUWP: NX, global, page size,
dirty, accessed, PCD, PWT, user, write, present)."""

    def __init__(self):
        super().__init__("pg", gdb.COMMAND_DATA)

    def complete(self, text, word):
        tok = _current_token(text)
        words = text.split()
        if not tok:
            words.append("")
        # The two words after --range are expressions.
        if "--range" in words[-3:-1]:
            return gdb.COMPLETE_EXPRESSION
        if tok.startswith("-") or not tok:
            return _complete_words(PG_OPTIONS, text, word)
        return []

    def invoke(self, arg, from_tty):
        argv, force = _take_color(_argv(arg))
        opts = []
        seen = set()
        i = 0
        while i < len(argv):
            a = argv[i]
            if a in ("-w", "-x", "-u", "-s", "--kernel-names"):
                seen.add(a)
                opts.append(a)
            elif a == "--range":
                if i + 2 >= len(argv):
                    raise gdb.GdbError("pg: --range needs START and END")
                start = eval_int("pg", argv[i + 1])
                end = eval_int("pg", argv[i + 2])
                if end <= start:
                    raise gdb.GdbError("pg: empty range 0x%x-0x%x "
                                       "(END must be above START)"
                                       % (start, end))
                opts += ["--range", "0x%x" % start, "0x%x" % end]
                i += 2
            else:
                raise gdb.GdbError("pg: unknown option '%s' (use -w, -x, -u, "
                                   "-s, --kernel-names, --range START END)" % a)
            i += 1
        if "-u" in seen and "-s" in seen:
            raise gdb.GdbError("pg: -u and -s exclude each other")
        out = remote.monitor("pg", " ".join(["info pg"] + opts))
        paint = color.Painter(color.enabled(force))
        if paint.on:
            out = "".join(paint_pg_line(paint, l) + "\n"
                          for l in out.splitlines())
        _write(out)


# ------------------------------------------------------------------ vtop

# pgstub's mode names -> (decoder kind, number of levels); None: the
# level comes from the step's Arm name ("L-1".."L3", "S2 L0"..), since a
# VMSAv8-64 walk's first level depends on the granule and VA size.
MODES = {
    "32-bit": (D.X86_32, 2), "PAE": (D.PAE, 3),
    "4-level": (D.X86_64, 4), "5-level": (D.X86_64, 5),
    "EPT 4-level": (D.EPT, 4), "EPT 5-level": (D.EPT, 5),
    "NPT 4-level": (D.X86_64, 4), "NPT 5-level": (D.X86_64, 5),
    "VMSAv8-64": (D.ARM64, None), "VMSAv8-64 stage 2": (D.ARM64_S2, None),
    "Sv32": (D.RISCV32, 2), "Sv39": (D.RISCV, 3), "Sv48": (D.RISCV, 4),
    "Sv57": (D.RISCV, 5), "Sv39x4": (D.RISCV, 3), "Sv48x4": (D.RISCV, 4),
    "Sv57x4": (D.RISCV, 5),
    "ppc64 radix": (D.RADIX, 4), "ppc64 radix partition-scoped": (D.RADIX, 4),
}


def _arm_level(name):
    """Arm level -1..3 of a step named "L2" or "S2 L1"."""
    m = re.search(r"L(-?[0-3])$", name or "")
    return int(m.group(1)) if m else 3


def arm64_region(res):
    """(granule, pa52) of a VMSAv8-64 walk from the region vtop-json names
    ("16K granule, 47-bit, L0..L3, LPA2"); None from an older pgstub."""
    m = re.match(r"(4|16|64)K granule\b", res.get("region_desc") or "")
    if not m:
        return None
    desc = res["region_desc"]
    return int(m.group(1)) << 10, desc.endswith(", LPA2") or desc.endswith(", LPA")


def arm64_granule(res):
    """The granule of a VMSAv8-64 walk: the region's, else from its leaf's
    level and size (a level-k block spans granule * (granule/8)^(3-k));
    4K when the walk found no leaf (a fault) and says nothing of it."""
    region = arm64_region(res)
    if region:
        return region[0]
    leaves = [s for s in res.get("steps", []) if s.get("leaf") and s.get("stage") != "nested"]
    if not res.get("ok") or not leaves or not res.get("size"):
        return 4096
    k = _arm_level(leaves[-1]["name"])
    shift = res["size"].bit_length() - 1
    g, r = divmod(shift + 3 * (3 - k), 4 - k)
    return 1 << g if not r and g in (12, 14, 16) else 4096


def radix_page(res):
    """The base page size of a ppc64 radix walk from the region vtop-json
    names ("PID 5, 52-bit, 64K pages"); 64K (Linux's) when it says none."""
    m = re.search(r"\b(4|64)K pages\b", res.get("region_desc") or "")
    return int(m.group(1)) << 10 if m else 64 << 10


def decode_step(mode, step, granule=4096, pa52=False):
    """Decode one vtop-json step with its stage's format."""
    kind, nlevels = MODES.get(mode, (D.X86_64, 4))
    if nlevels is None:
        return D.decode(step["entry"], kind, 4 - _arm_level(step["name"]),
                        granule=granule, pa52=pa52)
    return D.decode(step["entry"], kind, nlevels - step["level"],
                    granule=granule)


PPC64_HASH = "ppc64 hash"


def _step_rows(res):
    """(label, style, text after the label) for each step of a walk."""
    guest_mode, nested = res.get("mode"), res.get("nested")
    arm = MODES.get(guest_mode, (0, 0))[1] is None
    radix = MODES.get(guest_mode, (0, 0))[0] == D.RADIX
    granule = arm64_granule(res) if arm else radix_page(res) if radix else 4096
    pa52 = arm and bool(arm64_region(res) and arm64_region(res)[1])
    rows = []
    base_shift = None
    for s in res.get("steps", []):
        style = "leaf" if s["leaf"] else "name"
        if guest_mode == PPC64_HASH and s["name"] == "SLB":
            d = D.decode_slb(s["entry"], s.get("entry2", 0))
            size = {0x000: 12, 0x110: 16, 0x100: 24, 0x120: 34}
            base_shift = size.get(s.get("entry2", 0) & 0x130)
            rows.append(("SLB[%d]" % s["index"], style, None, d, []))
        elif guest_mode == PPC64_HASH and s["name"].startswith("PTEG"):
            rows.append(("%s[0x%x]" % (s["name"], s["index"]), style, None,
                         None, ["hash 0x%x first HPTE 0x%x"
                                % (s.get("hash", 0), s["table"])]))
        elif guest_mode == PPC64_HASH:
            d = D.decode_hpte(s["entry"], s.get("entry2", 0), base_shift)
            rows.append(("%s[%d]" % (s["name"], s["index"]), style,
                         s["addr"], d, []))
        else:
            mode = nested if s["stage"] == "nested" else guest_mode
            name = "%s[%03x]" % (s["name"], s["index"])
            if nested:
                name = "%-6s %s" % (s["stage"], name)
            extra = ["load-rsvd 0x%x" % s["load_rsvd"]] \
                if s.get("load_rsvd") else []
            rows.append((name, style, s["addr"],
                         decode_step(mode, s, granule if mode == guest_mode else 4096,
                                     pa52 and mode == guest_mode),
                         extra))
    return rows


def render_vtop(res, paint):
    """The vtop command's text for one vtop-json result."""
    nested = res.get("nested")
    lines = ["vtop 0x%x (%s%s, vCPU %d)" % (
        res["va"], res.get("mode"), ", nested " + nested if nested else "",
        res["cpu"])]
    rows = _step_rows(res)
    width = max([len(r[0]) for r in rows] + [0])
    for label, style, addr, d, extra in rows:
        words = ["  " + " " * (width - len(label)) + paint(style, label)]
        if addr is not None:
            words.append("@ %s =" % paint("pa", "0x%x" % addr))
        if d is not None:
            words.append(d.raw_text())
            words.append(paint.flags(d.flags) if d.present
                         else d.flags_text())
            words += d.tail_words()
        words += [paint("fault", e) if e.startswith("load-rsvd") else e
                  for e in extra]
        lines.append(" ".join(words))
    if res.get("ok"):
        where = ("gpa 0x%x -> hpa 0x%x" % (res["gpa"], res["pa"])) if nested \
            else "0x%x" % res["pa"]
        extra = ""
        if res.get("pkey", -1) >= 0:
            extra = ", %s %d" % ("key" if res.get("mode") == PPC64_HASH
                                 else "pkey", res["pkey"])
        lines.append(paint("ok", "0x%x -> %s (%s page, %s%s)" % (
            res["va"], where, D.size_text(res["size"]), res["perms"],
            extra)))
    else:
        lines.append(paint("fault", fault_text(res)))
    return "\n".join(lines) + "\n"


def fault_text(res):
    """One line saying where and why a translation failed."""
    f = res.get("fault") or {}
    reason = f.get("reason", "fault")
    if f.get("level", -1) < 0 or not f.get("name"):
        return "0x%x: %s" % (f.get("addr", res["va"]), reason)
    where = "%s%s[%03x]" % ("nested " if f.get("stage") == "nested" else "",
                            f["name"], f["index"])
    text = "fault at %s translating 0x%x: %s" % (where, f["addr"], reason)
    if f.get("rsvd"):
        text += " 0x%x" % f["rsvd"]
    return text + " (entry 0x%016x)" % f["entry"]


class VtopCommand(gdb.Command):
    """Walk the page tables for a virtual address, level by level.
Usage: vtop ADDR [--color|--no-color]

ADDR is an expression.  For each entry read on the way (on the vCPU of
GDB's selected thread): level name and index, the entry's physical
address, its raw value and decoded flags, then the physical address, page
size and effective permissions (rwxu), or the level that faulted and why.
Uses pgstub's `monitor vtop-json`."""

    def __init__(self):
        super().__init__("vtop", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        expr, force = _expression_arg("vtop", arg, "vtop ADDR")
        va = eval_int("vtop", expr)
        remote.require("vtop")
        res = remote.vtop("vtop", va)
        _write(render_vtop(res, color.Painter(color.enabled(force))))


# ------------------------------------------------------------------ ptov

class PtovCommand(gdb.Command):
    """List every virtual address that maps a physical address.
Usage: ptov PADDR [--color|--no-color]

PADDR is an expression.  Walks the selected thread's vCPU page tables
through pgstub's `monitor ptov` and prints one virtual address a line."""

    def __init__(self):
        super().__init__("ptov", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        expr, force = _expression_arg("ptov", arg, "ptov PADDR")
        pa = eval_int("ptov", expr, "physical address")
        out = remote.monitor("ptov", "ptov 0x%x" % pa)
        paint = color.Painter(color.enabled(force))
        lines = []
        for line in out.splitlines():
            if re.fullmatch(r"[0-9a-f]{8,16}", line):
                line = paint("va", "0x" + line)
            lines.append(line)
        _write("".join(l + "\n" for l in lines))


# ------------------------------------------------------------------ pte

PTE_OPTIONS = ["--level", "--ept", "--pae", "--32", "--arm64", "--arm64-s2",
               "--granule", "--pa52", "--riscv", "--sv32", "--radix", "--hpte",
               "--base", "--slb", "--pate", "--prte", "--color", "--no-color"]
KIND_OPTIONS = {"--ept": D.EPT, "--pae": D.PAE, "--32": D.X86_32,
                "--arm64": D.ARM64, "--arm64-s2": D.ARM64_S2,
                "--riscv": D.RISCV, "--sv32": D.RISCV32, "--radix": D.RADIX}
GRANULE_SIZES = {"4K": 4096, "16K": 16384, "64K": 65536}
LEVEL_WORDS = ["1", "2", "3", "4", "5", "pte", "pmd", "pud", "p4d", "pgd"]
BASE_SIZES = {"4K": 12, "64K": 16, "16M": 24, "16G": 34}


def _typed_entry(expr):
    """The printer's decoding when EXPR has a registered entry type."""
    try:
        val = gdb.parse_and_eval(expr)
    except gdb.error:
        return None
    pp = printers._printer(val)
    return pp.to_string() if pp is not None else None


class PteCommand(gdb.Command):
    """Decode a raw page-table entry.
Usage: pte VALUE [--level N] [--ept | --pae | --32]
       pte VALUE [--level N] --arm64 | --arm64-s2 [--granule 4K|16K|64K]
           [--pa52]
       pte VALUE [--level N] --riscv | --sv32
       pte VALUE [--level N] --radix [--base 4K|64K]
       pte --hpte V R [--base 4K|64K|16M|16G]
       pte --slb ESID VSID
       pte --pate DW0 DW1
       pte --prte DW0 DW1

VALUE, V, R, ESID and VSID are expressions.  --level is 1 (PT, pte_t, the
default), 2 (PD, pmd_t), 3 (PDPT, pud_t), 4 (PML4, p4d_t) or 5 (PML5,
pgd_t); names pte/pmd/pud/p4d/pgd work too.  The entry is x86 IA-32e
(4/5-level, also AMD NPT) unless --ept (Intel EPT), --pae or --32 says
otherwise, or the architecture is aarch64.  --arm64 and --arm64-s2 decode
VMSAv8-64 stage-1 and stage-2 descriptors, level 1 being Arm's level 3
and 5 its level -1, with the granule of `set pgstub arm64-granule` unless
--granule gives it; --pa52 for 52-bit output addresses (TCR.DS, or
FEAT_LPA with 64K).  --riscv decodes a Sv39/Sv48/Sv57 PTE, --sv32 a Sv32
one, level 1 being the spec's level 0 (the default on a RISC-V
architecture).  --hpte decodes a ppc64 hashed page-table entry from its two
doublewords (--base gives the segment's base page size when the large-page
encoding is ambiguous); --slb an SLB entry.  --radix decodes a ppc64
radix PTE or PDE (Linux's book3s64 pte_t, in host order), level 1 being
the page table of --base pages (64K unless given), 2 a PMD (2M), 3 a PUD
(1G), 4 the root; --pate a partition-table entry and --prte a
process-table entry from their two doublewords.  A VALUE whose type has a pgstub
pretty-printer (pte_t, pmd_t, ...) is decoded as that type when no option
is given.  Works without a target."""

    def __init__(self):
        super().__init__("pte", gdb.COMMAND_DATA)

    def complete(self, text, word):
        last = _previous_token(text)
        if last == "--level":
            return _complete_words(LEVEL_WORDS, text, word)
        if last == "--base":
            return _complete_words(list(BASE_SIZES), text, word)
        if last == "--granule":
            return _complete_words(list(GRANULE_SIZES), text, word)
        if _current_token(text).startswith("-"):
            return _complete_words(PTE_OPTIONS, text, word)
        return gdb.COMPLETE_EXPRESSION

    def invoke(self, arg, from_tty):
        argv, force = _take_color(_argv(arg))
        paint = color.Painter(color.enabled(force))
        level, kind, base = None, None, None
        granule, pa52 = None, False
        pair, values = None, []
        i = 0
        while i < len(argv):
            a = argv[i]
            if a == "--level":
                if i + 1 >= len(argv):
                    raise gdb.GdbError("pte: --level needs a value (1-5)")
                try:
                    level = D.parse_level(argv[i + 1])
                except ValueError as e:
                    raise gdb.GdbError("pte: %s" % e) from None
                i += 1
            elif a in KIND_OPTIONS:
                new = KIND_OPTIONS[a]
                if kind not in (None, new):
                    raise gdb.GdbError("pte: choose one of --ept, --pae, "
                                       "--32, --arm64, --arm64-s2, --riscv, "
                                       "--sv32")
                kind = new
            elif a == "--granule":
                if i + 1 >= len(argv) or \
                        argv[i + 1].upper() not in GRANULE_SIZES:
                    raise gdb.GdbError("pte: --granule needs 4K, 16K or 64K")
                granule = GRANULE_SIZES[argv[i + 1].upper()]
                i += 1
            elif a == "--pa52":
                pa52 = True
            elif a in ("--hpte", "--slb", "--pate", "--prte"):
                if i + 2 >= len(argv):
                    raise gdb.GdbError("pte: %s needs two values" % a)
                what = "doubleword"
                pair = (a, eval_int("pte", argv[i + 1], what),
                        eval_int("pte", argv[i + 2], what))
                i += 2
            elif a == "--base":
                if i + 1 >= len(argv) or argv[i + 1].upper() not in BASE_SIZES:
                    raise gdb.GdbError("pte: --base needs 4K, 64K, 16M or "
                                       "16G")
                base = BASE_SIZES[argv[i + 1].upper()]
                i += 1
            elif a.startswith("--"):
                raise gdb.GdbError("pte: unknown option '%s' (use --level N, "
                                   "--ept, --pae, --32, --arm64, --arm64-s2, "
                                   "--riscv, --sv32, --radix, --hpte V R, "
                                   "--slb E V, --pate D0 D1, --prte D0 D1)"
                                   % a)
            else:
                values.append(a)
            i += 1
        if (granule is not None or pa52) and \
                kind not in (None, D.ARM64, D.ARM64_S2):
            raise gdb.GdbError("pte: --granule and --pa52 go with arm64 "
                               "entries")
        if pair:
            if values or level is not None or kind is not None or \
                    granule is not None or pa52:
                raise gdb.GdbError("pte: %s takes no VALUE, --level or "
                                   "format option" % pair[0])
            if pair[0] == "--hpte":
                d = D.decode_hpte(pair[1], pair[2], base)
                label = "HPTE"
            elif pair[0] in ("--pate", "--prte"):
                if base is not None:
                    raise gdb.GdbError("pte: --base goes with --hpte or "
                                       "--radix")
                d = (D.decode_pate if pair[0] == "--pate" else
                     D.decode_prte)(pair[1], pair[2])
                label = pair[0][2:].upper()
            else:
                if base is not None:
                    raise gdb.GdbError("pte: --base goes with --hpte")
                d = D.decode_slb(pair[1], pair[2])
                label = "SLB"
        else:
            if base is not None and kind != D.RADIX:
                raise gdb.GdbError("pte: --base goes with --hpte or "
                                   "--radix")
            if kind == D.RADIX and base not in (None, 12, 16):
                raise gdb.GdbError("pte: --radix pages are 4K or 64K")
            if len(values) != 1:
                raise gdb.GdbError("pte: usage: pte VALUE [--level N] "
                                   "[--ept | --pae | --32] (see help pte)")
            if level is None and kind is None and granule is None and \
                    not pa52:
                typed = _typed_entry(values[0])
                if typed is not None:
                    _write(typed + "\n")
                    return
            value = eval_int("pte", values[0], "value")
            if kind is None:
                arm = printers.is_arm64() or granule is not None or pa52
                xlen = printers.riscv_xlen()
                kind = D.ARM64 if arm else D.RISCV32 if xlen == 32 else \
                    D.RISCV if xlen else \
                    D.RADIX if printers.is_ppc64() else D.X86_64
            level = level or 1
            if level not in D.LEVEL_NAMES[kind]:
                raise gdb.GdbError("pte: %s entries have levels 1-%d"
                                   % ({D.PAE: "PAE", D.X86_32: "32-bit",
                                       D.RISCV32: "Sv32",
                                       D.RADIX: "radix"}[kind],
                                      len(D.LEVEL_NAMES[kind])))
            if kind in (D.X86_32, D.RISCV32) and value >> 32:
                raise gdb.GdbError("pte: 0x%x does not fit a 32-bit entry"
                                   % value)
            if kind in (D.ARM64, D.ARM64_S2):
                d = D.decode(value, kind, level,
                             granule or printers.arm64_granule(), pa52)
            elif kind == D.RADIX:
                d = D.decode_radix(value, level, 1 << (base or 16))
            else:
                d = D.decode(value, kind, level)
            label = D.LEVEL_NAMES[kind][level]
        flags = paint.flags(d.flags) if d.present else d.flags_text()
        _write(" ".join([label, d.raw_text(), flags] + d.tail_words()) + "\n")


# ------------------------------------------------------------------ lint

_CHECK_LINE = re.compile(r"^([a-z-]+)(\s+)([0-9a-f]{16}-[0-9a-f]{16})(.*)$")


def _range_args(cmd, opt, argv, i):
    """OPT START END at argv[i]: (["OPT", "0x..", "0x.."], next index)."""
    if i + 2 >= len(argv):
        raise gdb.GdbError("%s: %s needs START and END" % (cmd, opt))
    start = eval_int(cmd, argv[i + 1])
    end = eval_int(cmd, argv[i + 2])
    if end <= start:
        raise gdb.GdbError("%s: empty range 0x%x-0x%x (END must be above "
                           "START)" % (cmd, start, end))
    return [opt, "0x%x" % start, "0x%x" % end], i + 3


class PgCheckCommand(gdb.Command):
    """Lint the page tables of the selected thread's vCPU.
Usage: pg-check [--json] [--all] [--range START END] [--text START END]
                [--color|--no-color]

Runs pgstub's `monitor check` on the vCPU of GDB's selected thread: one
finding per run of pages (rule, VA range, PA, page size, permissions,
reason, and the entries on the way down), then a count per rule.  Rules:
wx (writable and executable), wx-alias (writable here, executable at
another VA), user-kernel (user page in the kernel half), text-writable,
reserved (reserved bits set), bad-table (table outside memory),
outside-ram, table-loop (a table used at two levels), misaligned, fault.
  --json              the versioned JSON object instead of text
  --all               every finding (else 20 per rule)
  --range START END   only VAs in [START, END)
  --text START END    the kernel text, when VMCOREINFO does not give it
START and END are expressions, e.g. --text &_stext &_etext."""

    def __init__(self):
        super().__init__("pg-check", gdb.COMMAND_DATA)

    def complete(self, text, word):
        words = text.split()
        if not _current_token(text):
            words.append("")
        if "--range" in words[-3:-1] or "--text" in words[-3:-1]:
            return gdb.COMPLETE_EXPRESSION
        return _complete_words(["--json", "--all", "--range", "--text",
                                "--color", "--no-color"], text, word)

    def invoke(self, arg, from_tty):
        argv, force = _take_color(_argv(arg))
        opts, i = [], 0
        while i < len(argv):
            a = argv[i]
            if a in ("--json", "--all"):
                opts.append(a)
                i += 1
            elif a in ("--range", "--text"):
                more, i = _range_args("pg-check", a, argv, i)
                opts += more
            else:
                raise gdb.GdbError("pg-check: unknown option '%s' (use "
                                   "--json, --all, --range START END, "
                                   "--text START END)" % a)
        out = remote.monitor("pg-check", " ".join(["check"] + opts))
        paint = color.Painter(color.enabled(force))
        if paint.on and "--json" not in opts:
            lines = []
            for line in out.splitlines():
                m = _CHECK_LINE.match(line)
                if m:
                    line = (paint("fault", m.group(1)) + m.group(2) +
                            paint("va", m.group(3)) + m.group(4))
                lines.append(line)
            out = "".join(l + "\n" for l in lines)
        _write(out)


class PgAccessCommand(gdb.Command):
    """Evaluate one access as the selected thread's vCPU would make it.
Usage: pg-access ADDR r|w|x [--user|--kernel]

Runs pgstub's `monitor access` on the vCPU of GDB's selected thread, in
the privilege it stopped in unless --user or --kernel says: allowed and
the physical address, or the page fault (level, entry, reason) or the rule
that denies it (user/supervisor, write, no-execute, SMEP, SMAP, protection
key, RISC-V SUM, Svade), with the code the CPU reports (x86 #PF error
code, RISC-V scause and stval).  ADDR is an expression, e.g. $sp or &init_mm."""

    def __init__(self):
        super().__init__("pg-access", gdb.COMMAND_DATA)

    def complete(self, text, word):
        words = text.split()
        if not _current_token(text):
            words.append("")
        if len(words) <= 1:
            return gdb.COMPLETE_EXPRESSION
        if len(words) == 2:
            return _complete_words(["r", "w", "x"], text, word)
        return _complete_words(["--user", "--kernel"], text, word)

    def invoke(self, arg, from_tty):
        argv = _argv(arg)
        if (len(argv) not in (2, 3) or argv[1] not in ("r", "w", "x") or
                (len(argv) == 3 and argv[2] not in ("--user", "--kernel"))):
            raise gdb.GdbError("pg-access: usage: pg-access ADDR r|w|x "
                               "[--user|--kernel]")
        addr = eval_int("pg-access", argv[0])
        _write(remote.monitor("pg-access", " ".join(
            ["access", "0x%x" % addr] + argv[1:])))


class PgMarkCommand(gdb.Command):
    """Remember the selected thread's vCPU mappings, for pg-diff.
Usage: pg-mark [--range START END]

Runs pgstub's `monitor pg-mark`: on a live guest, at this stop; a later
pg-diff lists what changed since.  START and END are expressions."""

    def __init__(self):
        super().__init__("pg-mark", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = _argv(arg)
        opts = []
        if argv:
            if argv[0] != "--range" or len(argv) != 3:
                raise gdb.GdbError("pg-mark: usage: pg-mark "
                                   "[--range START END]")
            opts, _ = _range_args("pg-mark", "--range", argv, 0)
        _write(remote.monitor("pg-mark", " ".join(["pg-mark"] + opts)))


class PgDiffCommand(gdb.Command):
    """List the mappings added, removed or changed since pg-mark.
Usage: pg-diff [--json]

Runs pgstub's `monitor pg-diff` against the vCPU of GDB's selected thread:
"added", "removed" or "changed" (physical address, page size,
permissions, entry bits such as accessed/dirty) per VA range."""

    def __init__(self):
        super().__init__("pg-diff", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return _complete_words(["--json"], text, word)

    def invoke(self, arg, from_tty):
        argv = _argv(arg)
        if argv not in ([], ["--json"]):
            raise gdb.GdbError("pg-diff: usage: pg-diff [--json]")
        cpu = remote.selected_cpu()
        line = ["pg-diff"] + argv
        if cpu is not None:
            line += ["--cpu", str(cpu)]
        _write(remote.monitor("pg-diff", " ".join(line)))


# ------------------------------------------------------------------ pgstub

class PgstubCommand(gdb.Command):
    """Say whether GDB is connected to pgstub, and which version.
Usage: pgstub

The pgstub commands (pg, vtop, ptov) and functions ($pa, $pte) need GDB
connected to pgstub, e.g. `target remote | pgstub --stdio IMAGE`; pte and
the pretty-printers work anywhere.  See also `pgstub phys` and
`set pgstub color`."""

    def __init__(self):
        super().__init__("pgstub", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("pgstub: unknown subcommand '%s' (try: "
                               "pgstub, pgstub phys on|off)" % arg.strip())
        words = remote.require("pgstub").split()
        _write("connected to pgstub %s (script api %s, %s vCPUs)\n"
               % (words[1], words[3], words[5] if len(words) > 5 else "?"))


class PhysCommand(gdb.Command):
    """Make GDB's memory accesses guest-physical, or virtual again.
Usage: pgstub phys on|off

`on` sends Qqemu.PhyMemMode:1, so x, print and dump read guest-physical
memory (e.g. x/gx $pa(0xffffffff81000000)), and lets GDB read outside the
stub's memory map, which lists virtual ranges; `off` undoes both."""

    def __init__(self):
        super().__init__("pgstub phys", gdb.COMMAND_DATA)
        self.saved = None

    def complete(self, text, word):
        return _complete_words(["on", "off"], text, word)

    def invoke(self, arg, from_tty):
        argv = _argv(arg)
        if len(argv) != 1 or argv[0] not in ("on", "off"):
            raise gdb.GdbError("pgstub phys: usage: pgstub phys on|off")
        on = argv[0] == "on"
        remote.require("pgstub phys")
        try:
            out = gdb.execute("maint packet Qqemu.PhyMemMode:%d" % on,
                              to_string=True)
        except gdb.error as e:
            raise gdb.GdbError("pgstub phys: %s" % e) from None
        if 'received: "OK"' not in out:
            raise gdb.GdbError("pgstub phys: the stub refused "
                               "Qqemu.PhyMemMode")
        param = "mem inaccessible-by-default"
        if on:
            if self.saved is None:
                self.saved = gdb.parameter(param)
            gdb.execute("set %s off" % param, to_string=True)
        elif self.saved is not None:
            gdb.execute("set %s %s" % (param, "on" if self.saved else "off"),
                        to_string=True)
            self.saved = None
        try:
            gdb.execute("maint flush dcache", to_string=True)
        except gdb.error:
            pass
        _write("memory accesses are now %s\n"
               % ("guest-physical" if on else "virtual"))


def register():
    PgCommand()
    PgCheckCommand()
    PgAccessCommand()
    PgMarkCommand()
    PgDiffCommand()
    VtopCommand()
    PtovCommand()
    PteCommand()
    PgstubCommand()
    PhysCommand()
