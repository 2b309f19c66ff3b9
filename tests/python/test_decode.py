#!/usr/bin/env python3
# Unit tests of gdb-python/pgstub/decode.py under plain python3 (TAP):
# hand-checked lines for each format and level, then every flag
# combination of every format and level against the bit tables in oracle.py.
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
top = os.environ.get("top_srcdir") or os.path.join(here, "..", "..")
sys.path.insert(0, os.path.join(top, "gdb-python"))
sys.path.insert(0, here)

from pgstub import decode as D  # noqa: E402
import oracle  # noqa: E402

n = 0
failed = 0


def ok(name, cond, diag=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    if not cond:
        failed += 1
        for line in diag.splitlines():
            print("#   " + line)


def check(name, got, want):
    ok(name, got == want, "got:  %s\nwant: %s" % (got, want))


# Hand-checked decodings (values worked out from the manuals' tables).
GOLDEN = [
    # the example: P W U A D, NX, frame 0x1234
    ("pte_t", D.X86_64, 1, 0x8000000001234067,
     "pte_t 0x8000000001234067 [P W U A D NX] pfn 0x1234"),
    ("pte_t", D.X86_64, 1, 0, "pte_t 0x0000000000000000 [not present]"),
    # swap-style non-present value: still just not present
    ("pte_t", D.X86_64, 1, 0x7ffffffffffffe00,
     "pte_t 0x7ffffffffffffe00 [not present]"),
    # PAT (bit 7) and G on a 4K page; a protection key and Linux's
    # _PAGE_SPECIAL (bit 9, software)
    ("pte_t", D.X86_64, 1, 0x2800000000abc381,
     "pte_t 0x2800000000abc381 [P PAT G] pfn 0xabc pkey 5 sw 0x200"),
    # kernel 2M text page: P A D PS G, frame 0x200000
    ("pmd_t", D.X86_64, 2, 0x00000000002001e1,
     "pmd_t 0x00000000002001e1 [P A D PS G] 2M pfn 0x200"),
    # 2M page with PAT in bit 12 (not part of the address)
    ("pmd_t", D.X86_64, 2, 0x80000000004011e3,
     "pmd_t 0x80000000004011e3 [P W A D PS G PAT NX] 2M pfn 0x400"),
    # 2M page with bit 13 set: reserved
    ("pmd_t", D.X86_64, 2, 0x0000000000402083,
     "pmd_t 0x0000000000402083 [P W PS RSVD] 2M pfn 0x400 rsvd 0x2000"),
    # a PD pointing to a table (Linux _PAGE_TABLE = 0x67)
    ("pmd_t", D.X86_64, 2, 0x0000000000103067,
     "pmd_t 0x0000000000103067 [P W U A D] table 0x103000"),
    # 1G page at the PDPT
    ("pud_t", D.X86_64, 3, 0x80000000c00000e3,
     "pud_t 0x80000000c00000e3 [P W A D PS NX] 1G pfn 0xc0000"),
    # PS in a PML4E is reserved
    ("p4d_t", D.X86_64, 4, 0x0000000000102087,
     "p4d_t 0x0000000000102087 [P W U PS RSVD] table 0x102000 rsvd 0x80"),
    ("pgd_t", D.X86_64, 5, 0x8000000000102063,
     "pgd_t 0x8000000000102063 [P W A D NX] table 0x102000"),
    # PAE PDPTE: only P, PWT, PCD; bit 1 reserved
    ("pgd_t", D.PAE, 3, 0x0000000000102001,
     "pgd_t 0x0000000000102001 [P] table 0x102000"),
    ("pgd_t", D.PAE, 3, 0x0000000000102013,
     "pgd_t 0x0000000000102013 [P PCD RSVD] table 0x102000 rsvd 0x2"),
    # PAE 2M page with NX
    ("pmd_t", D.PAE, 2, 0x80000000006000e3,
     "pmd_t 0x80000000006000e3 [P W A D PS NX] 2M pfn 0x600"),
    # PAE: bit 52 reserved (no protection keys)
    ("pte_t", D.PAE, 1, 0x0010000000001063,
     "pte_t 0x0010000000001063 [P W A D RSVD] pfn 0x1 rsvd 0x10000000000000"),
    # 32-bit 4M page, PSE-36 puts 0x1 into PA bits 39:32
    ("pgd_t", D.X86_32, 2, 0x004021e3,
     "pgd_t 0x004021e3 [P W A D PS G] 4M pfn 0x100400"),
    ("pgd_t", D.X86_32, 2, 0x00603007,
     "pgd_t 0x00603007 [P W U] table 0x603000"),
    ("pte_t", D.X86_32, 1, 0x00800025,
     "pte_t 0x00800025 [P U A] pfn 0x800"),
    # 32-bit 4M page with bit 21 set: reserved
    ("pgd_t", D.X86_32, 2, 0x00e00083,
     "pgd_t 0x00e00083 [P W PS RSVD] 4M pfn 0xc00 rsvd 0x200000"),
    # EPT: RWX, WB, IPAT
    ("", D.EPT, 1, 0x0000000001234077,
     "0x0000000001234077 [R W X WB IPAT] pfn 0x1234"),
    # EPT 2M page, UC, A and D, suppress #VE
    ("", D.EPT, 2, 0x8000000000600383,
     "0x8000000000600383 [R W UC PS A D SVE] 2M pfn 0x600"),
    # EPT 1G page, WB
    ("", D.EPT, 3, 0x00000000400000b7,
     "0x00000000400000b7 [R W X WB PS] 1G pfn 0x40000"),
    # EPT table pointer with user-execute
    ("", D.EPT, 4, 0x0000000000105407,
     "0x0000000000105407 [R W X XU] table 0x105000"),
    # EPT write-only: misconfiguration; memory type 2: misconfiguration
    ("", D.EPT, 1, 0x0000000000001032,
     "0x0000000000001032 [W WB MISCONFIG] pfn 0x1"),
    ("", D.EPT, 1, 0x0000000000001011,
     "0x0000000000001011 [R MT2 MISCONFIG] pfn 0x1"),
    ("", D.EPT, 2, 0x0000000000000000,
     "0x0000000000000000 [not present]"),
]


# arm64 descriptors (Arm ARM D8.3), worked out by hand:
# (label, level, granule, stage2, pa52, value, expected line).
ARM64_GOLDEN = [
    # kernel text page, PAGE_KERNEL_ROX: AP[2] read-only, ISH, AF, UXN
    ("pte_t", 1, 4096, False, False, 0x0040000041234783,
     "pte_t 0x0040000041234783 [V ATTR0 RO ISH AF UXN] pfn 0x41234"),
    # user data page: AP[1] EL0, nG, DBM, PXN, UXN; bit 55 is Linux's
    # software dirty bit
    ("pte_t", 1, 4096, False, False, 0x00e8000041234f43,
     "pte_t 0x00e8000041234f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN] "
     "pfn 0x41234 sw 0x80000000000000"),
    # level 3 with bits[1:0] = 01: reserved, not a page
    ("pte_t", 1, 4096, False, False, 0x0068000041234f41,
     "pte_t 0x0068000041234f41 [V RSVD] reserved type 0b01 at level 3"),
    ("pte_t", 1, 4096, False, False, 0x0000000041234f42,
     "pte_t 0x0000000041234f42 [invalid]"),
    # 2M block; bit 13 is RES0 in a 2M block, bit 16 is nT
    ("pmd_t", 2, 4096, False, False, 0x0060000040002f01,
     "pmd_t 0x0060000040002f01 [V ATTR0 RW ISH AF nG PXN UXN RSVD] 2M "
     "pfn 0x40000 rsvd 0x2000"),
    ("pmd_t", 2, 4096, False, False, 0x0060000040010f01,
     "pmd_t 0x0060000040010f01 [V ATTR0 RW ISH AF nG nT PXN UXN] 2M "
     "pfn 0x40000"),
    # 1G block at level 1
    ("pud_t", 3, 4096, False, False, 0x0040000080000f01,
     "pud_t 0x0040000080000f01 [V ATTR0 RW ISH AF nG UXN] 1G pfn 0x80000"),
    # table with APTable[1] (no write), UXNTable and PXNTable
    ("pmd_t", 2, 4096, False, False, 0x5800000040001003,
     "pmd_t 0x5800000040001003 [V UXNTable PXNTable APTable=2] "
     "table 0x40001000"),
    # no block at level 0 with 4K unless TCR.DS; with DS a 512G block,
    # OA[51:50] from bits 9:8 (so no shareability field)
    ("pgd_t", 4, 4096, False, False, 0x0000008000000701,
     "pgd_t 0x0000008000000701 [V RSVD] no block at level 0 with a 4K "
     "granule"),
    ("pgd_t", 4, 4096, False, True, 0x0000008000000701,
     "pgd_t 0x0000008000000701 [V ATTR0 RW AF] 512G pfn 0xc008000000"),
    # TCR.DS page: OA[49:48] in place, OA[51:50] in bits 9:8; without DS
    # bits 49:48 are RES0 and bits 9:8 shareability
    ("pte_t", 1, 4096, False, True, 0x0003000040001703,
     "pte_t 0x0003000040001703 [V ATTR0 RW AF] pfn 0xf000040001"),
    ("pte_t", 1, 4096, False, False, 0x0003000040001703,
     "pte_t 0x0003000040001703 [V ATTR0 RW ISH AF RSVD] pfn 0x40001 "
     "rsvd 0x3000000000000"),
    # 16K: a page's pfn counts 16K frames; 32M block at level 2; no block
    # at level 1 without DS
    ("pte_t", 1, 16384, False, False, 0x0068000040004f43,
     "pte_t 0x0068000040004f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN] "
     "16K pfn 0x10001"),
    ("pmd_t", 2, 16384, False, False, 0x0000000042000701,
     "pmd_t 0x0000000042000701 [V ATTR0 RW ISH AF] 32M pfn 0x10800"),
    ("pud_t", 3, 16384, False, False, 0x0000000040000701,
     "pud_t 0x0000000040000701 [V RSVD] no block at level 1 with a 16K "
     "granule"),
    # 64K: bits 15:12 are RES0, or OA[51:48] with FEAT_LPA; 512M block;
    # a 4T block at level 1 only with LPA
    ("pte_t", 1, 65536, False, False, 0x0068000040013f43,
     "pte_t 0x0068000040013f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN RSVD] "
     "64K pfn 0x4001 rsvd 0x3000"),
    ("pte_t", 1, 65536, False, True, 0x0068000040013f43,
     "pte_t 0x0068000040013f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN] "
     "64K pfn 0x300004001"),
    ("pmd_t", 2, 65536, False, False, 0x0000000060000701,
     "pmd_t 0x0000000060000701 [V ATTR0 RW ISH AF] 512M pfn 0x6000"),
    ("pud_t", 3, 65536, False, True, 0x0000000000011701,
     "pud_t 0x0000000000011701 [V ATTR0 RW ISH AF nT] 4T pfn 0x100000000"),
    # stage 2: MemAttr 0xf, S2AP read and write, XN[1:0] = 2; a stage-2
    # table has no attributes
    ("", 1, 4096, True, False, 0x00400000400004ff,
     "0x00400000400004ff [V MAf R W AF XN=2] pfn 0x40000"),
    ("", 2, 4096, True, False, 0x0000000040001003,
     "0x0000000040001003 [V] table 0x40001000"),
]


# RISC-V PTEs (privileged spec, Svpbmt, Svnapot), worked out by hand:
# (label, level, rv32, value, expected line).
RISCV_GOLDEN = [
    # kernel data page: V R W G A D, PPN 0x80000 (PA 0x80000000)
    ("pte_t", 1, False, 0x00000000200000e7,
     "pte_t 0x00000000200000e7 [V R W G A D] pfn 0x80000"),
    ("pte_t", 1, False, 0x00000000200000e6,
     "pte_t 0x00000000200000e6 [invalid]"),
    # a pointer (no R/W/X) at level 1, and one with D, A and U set:
    # reserved in a pointer
    ("pmd_t", 2, False, 0x0000000020000001,
     "pmd_t 0x0000000020000001 [V] table 0x80000000"),
    ("pmd_t", 2, False, 0x00000000200000d1,
     "pmd_t 0x00000000200000d1 [V U A D RSVD] table 0x80000000 rsvd 0xd0"),
    # 2M megapage; PPN[0] nonzero makes it misaligned
    ("pmd_t", 2, False, 0x00000000200000cf,
     "pmd_t 0x00000000200000cf [V R W X A D] 2M pfn 0x80000"),
    ("pmd_t", 2, False, 0x00000000200004cf,
     "pmd_t 0x00000000200004cf [V R W X A D RSVD] 2M pfn 0x80000 "
     "rsvd 0x400"),
    # 1G gigapage with PPN[1] nonzero: misaligned
    ("pud_t", 3, False, 0x00000000200400cf,
     "pud_t 0x00000000200400cf [V R W X A D RSVD] 1G pfn 0x80000 "
     "rsvd 0x40000"),
    # Svnapot: N with PPN[3:0] = 1000 is a 64K page; 0100 is reserved
    ("pte_t", 1, False, 0x80000000200020ff,
     "pte_t 0x80000000200020ff [V R W X U G A D N] 64K pfn 0x80000"),
    ("pte_t", 1, False, 0x80000000200010ff,
     "pte_t 0x80000000200010ff [V R W X U G A D N RSVD] pfn 0x80004 "
     "rsvd 0x8000000000000000"),
    # Svpbmt: IO; the reserved value 3
    ("pte_t", 1, False, 0x40000000200000f7,
     "pte_t 0x40000000200000f7 [V R W U G A D IO] pfn 0x80000"),
    ("pte_t", 1, False, 0x60000000200000cf,
     "pte_t 0x60000000200000cf [V R W X A D PBMT3 RSVD] pfn 0x80000 "
     "rsvd 0x6000000000000000"),
    # bits 60:54 reserved; W without R reserved; RSW bits are software
    ("pte_t", 1, False, 0x0040000020000007,
     "pte_t 0x0040000020000007 [V R W RSVD] pfn 0x80000 "
     "rsvd 0x40000000000000"),
    ("pte_t", 1, False, 0x00000000200000c5,
     "pte_t 0x00000000200000c5 [V W A D RSVD] pfn 0x80000 "
     "reserved W without R"),
    ("pgd_t", 3, False, 0x0000000020000301,
     "pgd_t 0x0000000020000301 [V] table 0x80000000 sw 0x300"),
    # Sv32: a 4M megapage above 4 GiB (34-bit PA), and misaligned
    ("pgd_t", 2, True, 0xfff000cf,
     "pgd_t 0xfff000cf [V R W X A D] 4M pfn 0x3ffc00"),
    ("pgd_t", 2, True, 0xfff004cf,
     "pgd_t 0xfff004cf [V R W X A D RSVD] 4M pfn 0x3ffc00 rsvd 0x400"),
]


def hpte(v, r, base=None):
    return D.describe("hash_pte", D.decode_hpte(v, r, base))


def main():
    for label, fmt, level, value, want in GOLDEN:
        check("golden %s %s level %d 0x%x" % (label or "ept", fmt, level,
                                              value),
              D.describe(label, D.decode(value, fmt, level)), want)

    for label, level, gran, s2, pa52, value, want in ARM64_GOLDEN:
        check("arm64 %s level %d %s%s%s 0x%x" % (
            label or "s2", level, D.size_text(gran), " s2" if s2 else "",
            " pa52" if pa52 else "", value),
            D.describe(label, D.decode_arm64(value, level, gran, s2, pa52)),
            want)
    for label, level, rv32, value, want in RISCV_GOLDEN:
        check("riscv %s level %d%s 0x%x" % (label, level,
                                            " sv32" if rv32 else "", value),
              D.describe(label, D.decode(value, D.RISCV32 if rv32
                                         else D.RISCV, level)), want)
    try:
        D.decode_arm64(3, 1, 8192)
        ok("arm64 granule 8K refused", False, "accepted")
    except ValueError:
        ok("arm64 granule 8K refused", True)

    # ppc64 HPTEs: 4K (L=0), 64K (LP 0001 in a 64K segment), 16M (LP 0,
    # 16M segment), 16M in a 64K segment (LP 0x08), 16G (LP 3), secondary
    # hash, 1T segment, pp0 and key bits, and an invalid entry.
    check("hpte 4K", hpte(0x0000000123456781, 0x0000000000042196),
          "hash_pte 0x0000000123456781 0x0000000000042196 [V R C M N] "
          "seg 256M avpn 0x2468acf 4K pa 0x42000 pp 2 key 0")
    check("hpte 64K", hpte(0x4000000000001a15, 0x0000000001001192),
          "hash_pte 0x4000000000001a15 0x0000000001001192 [V L BOLTED R C "
          "M] seg 1T avpn 0x34 64K pa 0x1000000 pp 2 key 0")
    check("hpte 16M", hpte(0x4000000000001a15, 0x0000000001000192),
          "hash_pte 0x4000000000001a15 0x0000000001000192 [V L BOLTED R C "
          "M] seg 1T avpn 0x34 16M pa 0x1000000 pp 2 key 0")
    check("hpte 16M in a 64K segment (MPSS)",
          hpte(0x0000000000000107, 0x0000000002008190),
          "hash_pte 0x0000000000000107 0x0000000002008190 [V L H R C M] "
          "seg 256M avpn 0x2 16M@64K pa 0x2000000 pp 0 key 0")
    check("hpte 16G", hpte(0x0000000000000085, 0x0000000400003190),
          "hash_pte 0x0000000000000085 0x0000000400003190 [V L R C M] seg "
          "256M avpn 0x1 16G pa 0x400000000 pp 0 key 0")
    check("hpte pp0, key hi and lo", hpte(0x1, 0xb000000000000e03),
          "hash_pte 0x0000000000000001 0xb000000000000e03 [V] seg 256M "
          "avpn 0x0 4K pa 0x0 pp 7 key 31")
    check("hpte undecodable LP", hpte(0x5, 0x000000000000f000),
          "hash_pte 0x0000000000000005 0x000000000000f000 [V L] seg 256M "
          "avpn 0x0 size ? lp 0xf pp 0 key 0")
    check("hpte --base restricts the LP decoding",
          hpte(0x5, 0x0000000001000000, 16),
          "hash_pte 0x0000000000000005 0x0000000001000000 [V L] seg 256M "
          "avpn 0x0 size ? lp 0x0 pp 0 key 0")
    check("hpte invalid", hpte(0x4000000000001a14, 0x1),
          "hash_pte 0x4000000000001a14 0x0000000000000001 [invalid]")

    # ppc64 radix (Power ISA 3.0B radix PTE/PDE; Linux's book3s64 pte_t):
    # 64K and 4K pages, 2M and 1G leaves, a PDE, ATT I/O, a reserved bit
    # 57, RPN below a 1G leaf, a leaf at the root, keys, software bits.
    def radix(value, level, page):
        return D.describe("pte_t", D.decode_radix(value, level, page))
    check("radix 64K", radix(0xc000000002340186, 1, 65536),
          "pte_t 0xc000000002340186 [V L R C READ WRITE] 64K pfn 0x234")
    check("radix 4K non-idempotent I/O", radix(0xc0000000123451ae, 1, 4096),
          "pte_t 0xc0000000123451ae [V L R C NON-IDEM PRIV READ WRITE] "
          "pfn 0x12345")
    check("radix 2M kernel text", radix(0xc00000008020010d, 2, 65536),
          "pte_t 0xc00000008020010d [V L R PRIV READ EXEC] 2M pfn 0x8020")
    check("radix 1G", radix(0xc00000004000018e, 3, 65536),
          "pte_t 0xc00000004000018e [V L R C PRIV READ WRITE] 1G pfn 0x4000")
    check("radix 1G with RPN below 1G", radix(0xc00000004020000c, 3, 65536),
          "pte_t 0xc00000004020000c [V L PRIV READ RSVD] 1G pfn 0x4000 "
          "rsvd 0x200000")
    check("radix PDE", radix(0x8000000000122005, 2, 65536),
          "pte_t 0x8000000000122005 [V] table 0x122000 nls 5")
    check("radix PDE reserved bits", radix(0xb0000000001220e9, 3, 65536),
          "pte_t 0xb0000000001220e9 [V RSVD] table 0x122000 rsvd "
          "0x30000000000000e0 nls 9")
    check("radix reserved bit 57", radix(0xc000000000001048, 1, 4096),
          "pte_t 0xc000000000001048 [V L PRIV RSVD] pfn 0x1 rsvd 0x40")
    check("radix leaf at the root", radix(0xc00000000000000c, 4, 65536),
          "pte_t 0xc00000000000000c [V L PRIV READ RSVD] rsvd "
          "0x4000000000000000")
    check("radix key and software bits", radix(0xff00000002340f86, 1, 65536),
          "pte_t 0xff00000002340f86 [V L R C READ WRITE] 64K pfn 0x234 "
          "key 31 sw 0x2000000000000e00")
    check("radix invalid", radix(0x4000000002340186, 1, 65536),
          "pte_t 0x4000000002340186 [invalid]")
    check("pate radix", D.describe("pate", D.decode_pate(
        0xc0000000001000ad, 0x8000000000020000)),
        "pate 0xc0000000001000ad 0x8000000000020000 [HR GR] tree 52-bit "
        "root 0x100000 8192 entries prtb 0x20000 4K")
    check("pate hash", D.describe("pate", D.decode_pate(
        0x00000000000c0011, 0x0000000000020001)),
        "pate 0x00000000000c0011 0x0000000000020001 [] htab 0xc0000 "
        "htabsize 17 prtb 0x20000 8K")
    check("pate invalid", D.describe("pate", D.decode_pate(0, 0)),
          "pate 0x0000000000000000 0x0000000000000000 [invalid]")
    check("prte 40-bit tree", D.describe("prte", D.decode_prte(
        0x2000000000200021, 0)),
        "prte 0x2000000000200021 0x0000000000000000 [] tree 40-bit root "
        "0x200000 2 entries")
    check("prte none", D.describe("prte", D.decode_prte(0, 0)),
          "prte 0x0000000000000000 0x0000000000000000 [invalid]")

    # SLB entries: 256M kernel segment with a 64K base page size, 1T
    # segment with 16M, Ks/Kp/N/C, and an invalid one.
    check("slb 256M 64K", D.describe("slb", D.decode_slb(
        0xc000000008000000, 0x0000408f7c5e6590)),
        "slb 0xc000000008000000 0x0000408f7c5e6590 [V Kp L C] 256M "
        "esid 0xc00000000 vsid 0x408f7c5e6 64K slot 0")
    check("slb 1T 16M", D.describe("slb", D.decode_slb(
        0xc001000008000002, 0x40000000ab000d00)),
        "slb 0xc001000008000002 0x40000000ab000d00 [V Ks Kp L] 1T "
        "esid 0xc00100 vsid 0xab 16M slot 2")
    check("slb 16G N", D.describe("slb", D.decode_slb(
        0x0000000018000001, 0x0000000000001320)),
        "slb 0x0000000018000001 0x0000000000001320 [V N L] 256M "
        "esid 0x1 vsid 0x1 16G slot 1")
    check("slb invalid", D.describe("slb", D.decode_slb(
        0xc000000000000000, 0x1)),
        "slb 0xc000000000000000 0x0000000000000001 [invalid]")

    # Levels by name; bad levels refused.
    check("level names", [D.parse_level(x) for x in
                          ("pte", "PMD", "pud", "p4d", "pgd", "3", "0x2")],
          [1, 2, 3, 4, 5, 3, 2])
    for bad in ("0", "6", "pmdx", ""):
        try:
            D.parse_level(bad)
            ok("bad level %r refused" % bad, False, "accepted")
        except ValueError:
            ok("bad level %r refused" % bad, True)

    # Every flag combination of every x86 format and level.
    for fmt, levels in oracle.X86_LEVELS.items():
        for level in levels:
            bad = []
            count = 0
            for bits in oracle.subsets(oracle.X86_COMBO_BITS[fmt]):
                v = oracle.X86_FRAME[fmt] | bits
                got = D.describe("e", D.decode(v, fmt, level))
                want = oracle.x86_expect("e", v, fmt, level)
                count += 1
                if got != want and len(bad) < 3:
                    bad.append("got:  %s\nwant: %s" % (got, want))
            ok("%s level %d: all %d flag combinations" % (fmt, level, count),
               not bad, "\n".join(bad))
    for level in (1, 2, 3, 4, 5):
        bad = []
        count = 0
        for bits in oracle.subsets(oracle.EPT_COMBO_BITS):
            v = oracle.EPT_FRAME | bits
            got = D.describe("", D.decode(v, D.EPT, level))
            want = oracle.ept_expect("", v, level)
            count += 1
            if got != want and len(bad) < 3:
                bad.append("got:  %s\nwant: %s" % (got, want))
        ok("ept level %d: all %d flag combinations" % (level, count),
           not bad, "\n".join(bad))
    bad = []
    for vb in oracle.subsets([0, 1, 3, 4, 62]):
        for rb in oracle.subsets([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 61, 63]):
            v, r = 0x123400 | vb, 0x0000000056789000 | rb
            got = hpte(v, r)
            want = oracle.hpte_expect("hash_pte", v, r, "4K",
                                      0x56789000)
            if got != want and len(bad) < 3:
                bad.append("got:  %s\nwant: %s" % (got, want))
    ok("hpte: all V and R flag combinations (4K pages)", not bad,
       "\n".join(bad))
    bad = []
    for eb in oracle.subsets([27, 0, 1]):
        for vb in oracle.subsets([4, 5, 7, 8, 9, 10, 11, 62]):
            e, v = 0xc000000000000000 | eb, 0x0000000123456000 | vb
            got = D.describe("slb", D.decode_slb(e, v))
            want = oracle.slb_expect("slb", e, v)
            if got != want and len(bad) < 3:
                bad.append("got:  %s\nwant: %s" % (got, want))
    ok("slb: all flag and page-size combinations", not bad, "\n".join(bad))

    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
